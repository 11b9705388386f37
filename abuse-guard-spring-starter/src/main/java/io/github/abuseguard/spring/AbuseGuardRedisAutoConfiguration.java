package io.github.abuseguard.spring;

import io.github.abuseguard.TimeSource;
import io.github.abuseguard.redis.RedisStateStoreProvider;
import io.github.abuseguard.store.StateStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * With {@code abuse-guard.store.type=redis} in an application that already talks to Redis through
 * Spring Data's {@link LettuceConnectionFactory}, the store reuses that factory's Lettuce client and
 * server, unless {@code abuse-guard.store.redis.uri} names another server.
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
        if (environment.containsProperty("abuse-guard.store.redis.uri")
                || !(factory.getNativeClient() instanceof RedisClient client)) {
            return RedisStateStoreProvider.create(properties, time, null);
        }
        RedisURI.Builder uri = RedisURI.builder()
                .withHost(factory.getHostName())
                .withPort(factory.getPort())
                .withDatabase(factory.getDatabase())
                .withSsl(factory.isUseSsl());
        if (factory.getPassword() != null) {
            uri.withPassword(factory.getPassword().toCharArray());
        }
        return RedisStateStoreProvider.create(properties, time, client, uri.build());
    }
}
