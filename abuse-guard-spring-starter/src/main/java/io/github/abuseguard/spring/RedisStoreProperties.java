package io.github.abuseguard.spring;

import io.github.abuseguard.redis.RedisSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code abuse-guard.store.redis.*} properties: the Redis store. Spring binds them into this bean (an unknown key fails start-up naming it), and the guard is built
 * from it; the properties, their descriptions and their defaults are those of {@link RedisSettings}.
 */
@ConfigurationProperties(prefix = "abuse-guard.store.redis", ignoreUnknownFields = false)
public class RedisStoreProperties extends RedisSettings {}
