package io.github.abuseguard.spring;

import io.github.abuseguard.client.ClientSignalsSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code abuse-guard.client-signals.*} properties: automation and forwarding signals. Spring binds them into this bean (an unknown key fails start-up naming it), and the guard is built
 * from it; the properties, their descriptions and their defaults are those of {@link ClientSignalsSettings}.
 */
@ConfigurationProperties(prefix = "abuse-guard.client-signals", ignoreUnknownFields = false)
public class ClientSignalsProperties extends ClientSignalsSettings {}
