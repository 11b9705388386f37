package io.github.abuseguard.spring;

import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.redis.RedisStateStoreProvider;
import io.github.abuseguard.store.StateStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.RedisSocketConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * With {@code abuse-guard.store.type=redis} in an application that already talks to Redis through
 * Spring Data's {@link LettuceConnectionFactory}, the store reuses that factory's Lettuce client and
 * server (a Sentinel-managed master included, with its ACL user), unless {@code abuse-guard.store.redis.uri} names
 * another server; a cluster or a static master/replica set-up fails start-up asking for one.
 */
@AutoConfiguration(
        before = AbuseGuardAutoConfiguration.class,
        afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass({RedisStateStoreProvider.class, LettuceConnectionFactory.class})
@ConditionalOnProperty(name = "abuse-guard.store.type", havingValue = "redis")
public final class AbuseGuardRedisAutoConfiguration {

    @Bean
    @ConditionalOnBean(LettuceConnectionFactory.class)
    @ConditionalOnMissingBean(StateStore.class)
    StateStore abuseGuardStateStore(
            AbuseGuardProperties properties,
            ObjectProvider<TimeSource> timeSource,
            LettuceConnectionFactory factory,
            Environment environment) {
        TimeSource time = timeSource.getIfAvailable(TimeSource::system);
        if (environment.containsProperty("abuse-guard.store.redis.uri")) {
            return RedisStateStoreProvider.create(properties, time, null);
        }
        if (factory.isClusterAware() || !(factory.getNativeClient() instanceof RedisClient client)) {
            // the store's scripts read several keys of one client in one call, which a cluster spreads over its
            // nodes; silently talking to the default address instead would share nothing (probe48a F4)
            throw new InvalidSettingException(
                    "abuse-guard.store.redis.uri",
                    "the application's Redis is a cluster, which abuse-guard's store does not run on: name a"
                            + " standalone or Sentinel-managed Redis here");
        }
        if (factory.getSocketConfiguration() == null && !factory.isRedisSentinelAware() && masterReplica(factory)) {
            // a static master/replica configuration has no host of its own: read as standalone, the store talked to
            // localhost with no credentials and shared nothing with the application's Redis (review50 F5)
            throw new InvalidSettingException(
                    "abuse-guard.store.redis.uri",
                    "the application's Redis is a static master/replica set-up, whose master abuse-guard cannot read"
                            + " from Spring Data's factory: name the master here");
        }
        return RedisStateStoreProvider.create(properties, time, client, sameServer(factory));
    }

    /**
     * Whether the factory connects to a master/replica set-up (Spring Data's {@code RedisStaticMasterReplicaConfiguration},
     * which its factory does not expose): its connection is Lettuce's master/replica connection. Asks for the factory's
     * connection, which the application shares; a Redis not reachable at start-up (or a factory not started yet)
     * cannot tell, and is taken for what the factory's host names, as before.
     */
    static boolean masterReplica(LettuceConnectionFactory factory) {
        try (RedisConnection connection = factory.getConnection()) {
            return connection.getNativeConnection() instanceof RedisAsyncCommands<?, ?> commands
                    && commands.getStatefulConnection() instanceof StatefulRedisMasterReplicaConnection<?, ?>;
        } catch (RedisConnectionFailureException | IllegalStateException unreachableOrNotStarted) {
            return false;
        }
    }

    /**
     * The server the factory talks to, as a Lettuce URI: its Sentinel master (probe48a F4: a Sentinel set-up's store
     * connected to localhost:6379), or its host; its database, TLS, and its ACL user with the password (the user
     * was dropped, so the store authenticated as {@code default}).
     */
    static RedisURI sameServer(LettuceConnectionFactory factory) {
        RedisSentinelConfiguration sentinels =
                factory.isRedisSentinelAware() ? factory.getSentinelConfiguration() : null;
        RedisSocketConfiguration socket = factory.getSocketConfiguration();
        RedisURI.Builder uri;
        String user;
        RedisPassword password;
        if (socket != null) {
            // a Unix domain socket (review49 F4: read as the default host, localhost:6379)
            uri = RedisURI.Builder.socket(socket.getSocket()).withDatabase(socket.getDatabase());
            user = socket.getUsername();
            password = socket.getPassword();
        } else if (sentinels != null) {
            uri = RedisURI.builder()
                    .withSentinelMasterId(sentinels.getRequiredMaster().getName());
            RedisPassword sentinelPassword = sentinels.getSentinelPassword();
            for (RedisNode node : sentinels.getSentinels()) {
                RedisURI.Builder sentinel = RedisURI.builder()
                        .withHost(node.getHost())
                        .withPort(node.getPort() == null ? RedisURI.DEFAULT_SENTINEL_PORT : node.getPort());
                if (sentinelPassword.isPresent()) {
                    if (sentinels.getSentinelUsername() != null) {
                        sentinel.withAuthentication(sentinels.getSentinelUsername(), sentinelPassword.get());
                    } else {
                        sentinel.withPassword(sentinelPassword.get());
                    }
                }
                uri.withSentinel(sentinel.build());
            }
            uri.withDatabase(sentinels.getDatabase());
            user = sentinels.getUsername();
            password = sentinels.getPassword();
        } else {
            uri = RedisURI.builder()
                    .withHost(factory.getHostName())
                    .withPort(factory.getPort())
                    .withDatabase(factory.getDatabase());
            user = factory.getStandaloneConfiguration().getUsername();
            password = factory.getStandaloneConfiguration().getPassword();
        }
        uri.withSsl(factory.isUseSsl());
        if (password.isPresent()) {
            if (user != null) {
                uri.withAuthentication(user, password.get());
            } else {
                uri.withPassword(password.get());
            }
        }
        return uri.build();
    }
}
