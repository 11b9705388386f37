package io.github.abuseguard.spring;

import io.github.abuseguard.servlet.TarpitSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code abuse-guard.tarpit.*} properties: the tarpit action. Spring binds them into this bean (an unknown key fails start-up naming it), and the guard is built
 * from it; the properties, their descriptions and their defaults are those of {@link TarpitSettings}.
 */
@ConfigurationProperties(prefix = "abuse-guard.tarpit", ignoreUnknownFields = false)
public class TarpitProperties extends TarpitSettings {}
