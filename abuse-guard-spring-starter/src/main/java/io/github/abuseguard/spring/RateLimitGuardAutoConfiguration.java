package io.github.abuseguard.spring;

import io.github.abuseguard.ratelimit.RateLimitGuardFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The rate-limit guard (token buckets): the {@link io.github.abuseguard.Guard} bean {@code abuse-guard.rate-limit} built from
 * {@link RateLimitProperties} (see {@link BundledGuard}).
 */
@AutoConfiguration(after = AbuseGuardAutoConfiguration.class)
@EnableConfigurationProperties(RateLimitProperties.class)
@BundledGuard(factory = RateLimitGuardFactory.class, properties = RateLimitProperties.class)
public final class RateLimitGuardAutoConfiguration {}
