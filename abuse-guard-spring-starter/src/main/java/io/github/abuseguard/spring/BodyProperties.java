package io.github.abuseguard.spring;

import io.github.abuseguard.servlet.BodySettings;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code abuse-guard.body.*} properties: bounded body capture. Spring binds them into this bean (an unknown key fails start-up naming it), and the filter is built
 * from it; the properties, their descriptions and their defaults are those of {@link BodySettings}.
 */
@ConfigurationProperties(prefix = "abuse-guard.body", ignoreUnknownFields = false)
public class BodyProperties extends BodySettings {}
