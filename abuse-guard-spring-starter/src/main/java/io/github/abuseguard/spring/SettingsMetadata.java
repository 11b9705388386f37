package io.github.abuseguard.spring;

import io.github.abuseguard.failure.FailureSettings;
import io.github.abuseguard.ratelimit.RateLimitSettings;
import io.github.abuseguard.volume.VolumeSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * The sections whose settings are records, as the configuration processor sees them: their properties,
 * descriptions (the records' javadoc) and defaults (their {@link io.github.abuseguard.config.Default}s)
 * go into the starter's IDE metadata from here. Never a bean: {@link SettingsSectionsBinder} binds these
 * sections into {@link AbuseGuardProperties}.
 *
 * @param rateLimit {@code abuse-guard.rate-limit.*}
 * @param failure {@code abuse-guard.failure.*}
 * @param volume {@code abuse-guard.volume.*}
 */
@ConfigurationProperties(prefix = "abuse-guard")
record SettingsMetadata(
        @NestedConfigurationProperty RateLimitSettings rateLimit,
        @NestedConfigurationProperty FailureSettings failure,
        @NestedConfigurationProperty VolumeSettings volume) {}
