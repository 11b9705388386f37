package io.github.abuseguard.spring;

import io.github.abuseguard.origin.OriginGuardFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;

/**
 * The origin guard (cross-site requests to state-changing routes): the {@link io.github.abuseguard.Guard} bean {@code abuse-guard.origin} built from
 * the {@link io.github.abuseguard.origin.OriginSettings} of {@link AbuseGuardProperties} (see {@link BundledGuard}).
 */
@AutoConfiguration(after = AbuseGuardAutoConfiguration.class)
@BundledGuard(factory = OriginGuardFactory.class)
public final class OriginGuardAutoConfiguration {}
