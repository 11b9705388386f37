package io.github.abuseguard.spring;

import io.github.abuseguard.client.IpListSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code abuse-guard.ip-lists.*} properties: allowed and denied address blocks. Spring binds them into this bean (an unknown key fails start-up naming it), and the guard is built
 * from it; the properties, their descriptions and their defaults are those of {@link IpListSettings}.
 */
@ConfigurationProperties(prefix = "abuse-guard.ip-lists", ignoreUnknownFields = false)
public class IpListProperties extends IpListSettings {}
