package io.github.abuseguard.spring;

import io.github.abuseguard.sequence.SequenceGuardFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The sequence guard (requests that skip the steps before them): the {@link io.github.abuseguard.Guard} bean {@code abuse-guard.sequence} built from
 * {@link SequenceProperties} (see {@link BundledGuard}).
 */
@AutoConfiguration(after = AbuseGuardAutoConfiguration.class)
@EnableConfigurationProperties(SequenceProperties.class)
@BundledGuard(factory = SequenceGuardFactory.class, properties = SequenceProperties.class)
public final class SequenceGuardAutoConfiguration {}
