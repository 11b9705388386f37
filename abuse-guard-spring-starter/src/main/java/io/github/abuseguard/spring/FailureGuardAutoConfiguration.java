package io.github.abuseguard.spring;

import io.github.abuseguard.failure.FailureGuardFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The failure guard (bans after repeated failures): the {@link io.github.abuseguard.Guard} bean {@code abuse-guard.failure} built from
 * {@link FailureProperties} (see {@link BundledGuard}).
 */
@AutoConfiguration(after = AbuseGuardAutoConfiguration.class)
@EnableConfigurationProperties(FailureProperties.class)
@BundledGuard(factory = FailureGuardFactory.class, properties = FailureProperties.class)
public final class FailureGuardAutoConfiguration {}
