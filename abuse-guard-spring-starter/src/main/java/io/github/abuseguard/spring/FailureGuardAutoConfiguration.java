package io.github.abuseguard.spring;

import io.github.abuseguard.failure.FailureGuardFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;

/**
 * The failure guard (bans after repeated failures): the {@link io.github.abuseguard.Guard} bean {@code abuse-guard.failure} built from
 * the {@link io.github.abuseguard.failure.FailureSettings} of {@link AbuseGuardProperties} (see {@link BundledGuard}).
 */
@AutoConfiguration(after = AbuseGuardAutoConfiguration.class)
@BundledGuard(factory = FailureGuardFactory.class)
public final class FailureGuardAutoConfiguration {}
