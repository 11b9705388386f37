package io.github.abuseguard.spring;

import io.github.abuseguard.servlet.ProofSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code abuse-guard.proof.*} properties: the browser proof. Spring binds them into this bean (an unknown key fails start-up naming it), and the filter is built
 * from it; the properties, their descriptions and their defaults are those of {@link ProofSettings}.
 */
@ConfigurationProperties(prefix = "abuse-guard.proof", ignoreUnknownFields = false)
public class ProofProperties extends ProofSettings {}
