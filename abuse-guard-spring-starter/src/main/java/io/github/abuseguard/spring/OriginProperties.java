package io.github.abuseguard.spring;

import io.github.abuseguard.origin.OriginSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code abuse-guard.origin.*} properties: Origin, Referer and Fetch Metadata checks. Spring binds them into this bean (an unknown key fails start-up naming it), and the guard is built
 * from it; the properties, their descriptions and their defaults are those of {@link OriginSettings}.
 */
@ConfigurationProperties(prefix = "abuse-guard.origin", ignoreUnknownFields = false)
public class OriginProperties extends OriginSettings {}
