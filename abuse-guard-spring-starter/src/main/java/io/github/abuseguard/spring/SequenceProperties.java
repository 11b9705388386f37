package io.github.abuseguard.spring;

import io.github.abuseguard.sequence.SequenceSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code abuse-guard.sequence.*} properties: precedence rules and the learned path model. Spring binds them into this bean (an unknown key fails start-up naming it), and the guard is built
 * from it; the properties, their descriptions and their defaults are those of {@link SequenceSettings}.
 */
@ConfigurationProperties(prefix = "abuse-guard.sequence", ignoreUnknownFields = false)
public class SequenceProperties extends SequenceSettings {}
