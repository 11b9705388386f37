package io.github.abuseguard.spring;

import io.github.abuseguard.client.ClientSignalsGuardFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The client-signals guard (automation and proxy signals in the request's headers): the {@link io.github.abuseguard.Guard} bean {@code abuse-guard.client-signals} built from
 * {@link ClientSignalsProperties} (see {@link BundledGuard}).
 */
@AutoConfiguration(after = AbuseGuardAutoConfiguration.class)
@EnableConfigurationProperties(ClientSignalsProperties.class)
@BundledGuard(factory = ClientSignalsGuardFactory.class, properties = ClientSignalsProperties.class)
public final class ClientSignalsGuardAutoConfiguration {}
