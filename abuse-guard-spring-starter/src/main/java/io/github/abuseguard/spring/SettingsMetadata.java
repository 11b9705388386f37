package io.github.abuseguard.spring;

import io.github.abuseguard.client.ClientSignalsSettings;
import io.github.abuseguard.client.IpListSettings;
import io.github.abuseguard.origin.OriginSettings;
import io.github.abuseguard.ratelimit.RateLimitSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * The sections whose settings are records, as the configuration processor sees them: their properties,
 * descriptions (the records' javadoc) and defaults (their {@link io.github.abuseguard.config.Default}s)
 * go into the starter's IDE metadata from here. Never a bean: {@link SettingsSectionsBinder} binds these
 * sections into {@link AbuseGuardProperties}.
 *
 * @param rateLimit {@code abuse-guard.rate-limit.*}
 * @param origin {@code abuse-guard.origin.*}
 * @param clientSignals {@code abuse-guard.client-signals.*}
 * @param ipLists {@code abuse-guard.ip-lists.*}
 */
@ConfigurationProperties(prefix = "abuse-guard")
record SettingsMetadata(
        @NestedConfigurationProperty RateLimitSettings rateLimit,
        @NestedConfigurationProperty OriginSettings origin,
        @NestedConfigurationProperty ClientSignalsSettings clientSignals,
        @NestedConfigurationProperty IpListSettings ipLists) {}
