package io.github.abuseguard.spring;

import io.github.abuseguard.servlet.ResponseSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code abuse-guard.responses.*} properties: how denials are answered. Spring binds them into this bean (an unknown key fails start-up naming it), and the guard is built
 * from it; the properties, their descriptions and their defaults are those of {@link ResponseSettings}.
 */
@ConfigurationProperties(prefix = "abuse-guard.responses", ignoreUnknownFields = false)
public class ResponseProperties extends ResponseSettings {}
