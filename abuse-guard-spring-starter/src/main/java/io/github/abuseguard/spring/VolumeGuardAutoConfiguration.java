package io.github.abuseguard.spring;

import io.github.abuseguard.volume.VolumeGuardFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;

/**
 * The volume guard (enumeration and scraping): the {@link io.github.abuseguard.Guard} bean {@code abuse-guard.volume} built from
 * the {@link io.github.abuseguard.volume.VolumeSettings} of {@link AbuseGuardProperties} (see {@link BundledGuard}).
 */
@AutoConfiguration(after = AbuseGuardAutoConfiguration.class)
@BundledGuard(factory = VolumeGuardFactory.class)
public final class VolumeGuardAutoConfiguration {}
