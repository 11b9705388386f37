package io.github.abuseguard.spring;

import io.github.abuseguard.client.IpListGuardFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;

/**
 * The IP-list guard (allow and deny lists): the {@link io.github.abuseguard.Guard} bean {@code abuse-guard.ip-lists} built from
 * the {@link io.github.abuseguard.client.IpListSettings} of {@link AbuseGuardProperties} (see {@link BundledGuard}).
 */
@AutoConfiguration(after = AbuseGuardAutoConfiguration.class)
@BundledGuard(factory = IpListGuardFactory.class)
public final class IpListGuardAutoConfiguration {}
