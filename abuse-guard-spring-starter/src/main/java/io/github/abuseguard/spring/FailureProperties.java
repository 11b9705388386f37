package io.github.abuseguard.spring;

import io.github.abuseguard.failure.FailureSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code abuse-guard.failure.*} properties: failure counting, bans and under-attack mode. Spring binds them into this bean (an unknown key fails start-up naming it), and the guard is built
 * from it; the properties, their descriptions and their defaults are those of {@link FailureSettings}.
 */
@ConfigurationProperties(prefix = "abuse-guard.failure", ignoreUnknownFields = false)
public class FailureProperties extends FailureSettings {}
