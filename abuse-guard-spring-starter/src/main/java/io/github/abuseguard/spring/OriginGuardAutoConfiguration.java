package io.github.abuseguard.spring;

import io.github.abuseguard.origin.OriginGuardFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The origin guard (cross-site requests to state-changing routes): the {@link io.github.abuseguard.Guard} bean {@code abuse-guard.origin} built from
 * {@link OriginProperties} (see {@link BundledGuard}).
 */
@AutoConfiguration(after = AbuseGuardAutoConfiguration.class)
@EnableConfigurationProperties(OriginProperties.class)
@BundledGuard(factory = OriginGuardFactory.class, properties = OriginProperties.class)
public final class OriginGuardAutoConfiguration {}
