package io.github.abuseguard.spring;

import io.github.abuseguard.volume.VolumeGuardFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The volume guard (enumeration and scraping): the {@link io.github.abuseguard.Guard} bean {@code abuse-guard.volume} built from
 * {@link VolumeProperties} (see {@link BundledGuard}).
 */
@AutoConfiguration(after = AbuseGuardAutoConfiguration.class)
@EnableConfigurationProperties(VolumeProperties.class)
@BundledGuard(factory = VolumeGuardFactory.class, properties = VolumeProperties.class)
public final class VolumeGuardAutoConfiguration {}
