package io.github.abuseguard.spring;

import io.github.abuseguard.client.IpListGuardFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The IP-list guard (allow and deny lists): the {@link io.github.abuseguard.Guard} bean {@code abuse-guard.ip-lists} built from
 * {@link IpListProperties} (see {@link BundledGuard}).
 */
@AutoConfiguration(after = AbuseGuardAutoConfiguration.class)
@EnableConfigurationProperties(IpListProperties.class)
@BundledGuard(factory = IpListGuardFactory.class, properties = IpListProperties.class)
public final class IpListGuardAutoConfiguration {}
