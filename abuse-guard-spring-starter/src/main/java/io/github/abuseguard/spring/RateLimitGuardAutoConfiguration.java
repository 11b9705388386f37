package io.github.abuseguard.spring;

import io.github.abuseguard.ratelimit.RateLimitGuardFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;

/**
 * The rate-limit guard (token buckets): the {@link io.github.abuseguard.Guard} bean {@code abuse-guard.rate-limit} built from
 * the {@link io.github.abuseguard.ratelimit.RateLimitSettings} of {@link AbuseGuardProperties} (see {@link BundledGuard}).
 */
@AutoConfiguration(after = AbuseGuardAutoConfiguration.class)
@BundledGuard(factory = RateLimitGuardFactory.class)
public final class RateLimitGuardAutoConfiguration {}
