package io.github.abuseguard.spring;

import io.github.abuseguard.volume.VolumeSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code abuse-guard.volume.*} properties: per-client volume and distinct-resource limits. Spring binds them into this bean (an unknown key fails start-up naming it), and the guard is built
 * from it; the properties, their descriptions and their defaults are those of {@link VolumeSettings}.
 */
@ConfigurationProperties(prefix = "abuse-guard.volume", ignoreUnknownFields = false)
public class VolumeProperties extends VolumeSettings {}
