package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.InvalidSettingException;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.mock.env.MockEnvironment;

/**
 * probe48a F4: the store reusing Spring Data's Redis connection factory copied only host, port, database, TLS and
 * password: a Sentinel set-up's store connected to localhost:6379, an ACL user was dropped (the store authenticated
 * as {@code default}), and a cluster silently fell back to the default address.
 */
class RedisReuseTest {

    @Test
    void aSentinelManagedMasterIsTheStoresWithItsUserAndDatabase() {
        RedisSentinelConfiguration sentinels =
                new RedisSentinelConfiguration("mymaster", java.util.Set.of("10.0.0.1:26379", "10.0.0.2:26380"));
        sentinels.setUsername("app");
        sentinels.setPassword(RedisPassword.of("app-password"));
        sentinels.setDatabase(3);

        RedisURI uri = AbuseGuardRedisAutoConfiguration.sameServer(new LettuceConnectionFactory(sentinels));

        assertThat(uri.getSentinelMasterId()).isEqualTo("mymaster");
        assertThat(uri.getSentinels())
                .extracting(sentinel -> sentinel.getHost() + ":" + sentinel.getPort())
                .containsExactlyInAnyOrder("10.0.0.1:26379", "10.0.0.2:26380");
        RedisCredentials credentials = credentials(uri);
        assertThat(credentials.getUsername()).isEqualTo("app");
        assertThat(credentials.getPassword()).isEqualTo("app-password".toCharArray());
        assertThat(uri.getDatabase()).isEqualTo(3);
    }

    @Test
    void aStandaloneServersAclUserIsKept() {
        RedisStandaloneConfiguration server = new RedisStandaloneConfiguration("redis.internal", 6380);
        server.setUsername("app");
        server.setPassword(RedisPassword.of("app-password"));
        server.setDatabase(2);

        RedisURI uri = AbuseGuardRedisAutoConfiguration.sameServer(new LettuceConnectionFactory(server));

        assertThat(List.of(
                        uri.getHost(),
                        uri.getPort(),
                        uri.getDatabase(),
                        credentials(uri).getUsername()))
                .containsExactly("redis.internal", 6380, 2, "app");
        assertThat(credentials(uri).getPassword()).isEqualTo("app-password".toCharArray());
    }

    private static RedisCredentials credentials(RedisURI uri) {
        return uri.getCredentialsProvider().resolveCredentials().block();
    }

    /** review49 F4: a Unix domain socket factory was read as the default host, localhost:6379. */
    @Test
    void aUnixSocketIsTheStoresSocket() {
        org.springframework.data.redis.connection.RedisSocketConfiguration socket =
                new org.springframework.data.redis.connection.RedisSocketConfiguration("/run/redis/redis.sock");
        socket.setDatabase(4);
        socket.setPassword(RedisPassword.of("socket-password"));

        RedisURI uri = AbuseGuardRedisAutoConfiguration.sameServer(new LettuceConnectionFactory(socket));

        assertThat(uri.getSocket()).isEqualTo("/run/redis/redis.sock");
        assertThat(uri.getDatabase()).isEqualTo(4);
        assertThat(credentials(uri).getPassword()).isEqualTo("socket-password".toCharArray());
    }

    /**
     * review50 F5: a static master/replica factory (ElastiCache, Azure read replicas) was read as standalone: the store
     * connected to localhost with no credentials, and every instance shared nothing. It fails start-up naming the
     * store's uri, as a cluster does.
     */
    @Test
    void aStaticMasterReplicaSetUpFailsStartUpNamingTheStoresUri() {
        LettuceConnectionFactory masterReplica = new LettuceConnectionFactory(
                new org.springframework.data.redis.connection.RedisStaticMasterReplicaConfiguration("127.0.0.1", 6379));
        masterReplica.afterPropertiesSet();
        try {
            assertThatThrownBy(() -> new AbuseGuardRedisAutoConfiguration()
                            .abuseGuardStateStore(
                                    null,
                                    new StaticListableBeanFactory().getBeanProvider(TimeSource.class),
                                    masterReplica,
                                    new MockEnvironment()))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageContaining("abuse-guard.store.redis.uri")
                    .hasMessageContaining("master/replica");
        } finally {
            masterReplica.destroy();
        }
        LettuceConnectionFactory standalone =
                new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 6379));
        standalone.afterPropertiesSet();
        try {
            assertThat(AbuseGuardRedisAutoConfiguration.masterReplica(standalone))
                    .isFalse();
        } finally {
            standalone.destroy();
        }
    }

    @Test
    void aClusterFailsStartUpNamingTheStoresUri() {
        LettuceConnectionFactory cluster =
                new LettuceConnectionFactory(new RedisClusterConfiguration(List.of("10.0.0.1:7000")));

        assertThatThrownBy(() -> new AbuseGuardRedisAutoConfiguration()
                        .abuseGuardStateStore(
                                null,
                                new StaticListableBeanFactory().getBeanProvider(TimeSource.class),
                                cluster,
                                new MockEnvironment()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("abuse-guard.store.redis.uri")
                .hasMessageContaining("cluster");
    }
}
