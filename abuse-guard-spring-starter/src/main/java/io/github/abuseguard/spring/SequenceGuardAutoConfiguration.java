package io.github.abuseguard.spring;

import io.github.abuseguard.sequence.SequenceGuardFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;

/**
 * The sequence guard (requests that skip the steps before them): the {@link io.github.abuseguard.Guard} bean {@code abuse-guard.sequence} built from
 * the {@link io.github.abuseguard.sequence.SequenceSettings} of {@link AbuseGuardProperties} (see {@link BundledGuard}).
 */
@AutoConfiguration(after = AbuseGuardAutoConfiguration.class)
@BundledGuard(factory = SequenceGuardFactory.class)
public final class SequenceGuardAutoConfiguration {}
