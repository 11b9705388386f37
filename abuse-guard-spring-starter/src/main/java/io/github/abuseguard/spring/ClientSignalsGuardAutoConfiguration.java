package io.github.abuseguard.spring;

import io.github.abuseguard.client.ClientSignalsGuardFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;

/**
 * The client-signals guard (automation and proxy signals in the request's headers): the {@link io.github.abuseguard.Guard} bean {@code abuse-guard.client-signals} built from
 * the {@link io.github.abuseguard.client.ClientSignalsSettings} of {@link AbuseGuardProperties} (see {@link BundledGuard}).
 */
@AutoConfiguration(after = AbuseGuardAutoConfiguration.class)
@BundledGuard(factory = ClientSignalsGuardFactory.class)
public final class ClientSignalsGuardAutoConfiguration {}
