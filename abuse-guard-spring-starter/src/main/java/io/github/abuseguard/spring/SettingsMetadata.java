package io.github.abuseguard.spring;

import io.github.abuseguard.ratelimit.RateLimitSettings;
import io.github.abuseguard.redis.RedisSettings;
import io.github.abuseguard.servlet.BodySettings;
import io.github.abuseguard.servlet.ProofSettings;
import io.github.abuseguard.servlet.ResponseSettings;
import io.github.abuseguard.servlet.TarpitSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * The sections whose settings are records, as the configuration processor sees them: their properties,
 * descriptions (the records' javadoc) and defaults (their {@link io.github.abuseguard.config.Default}s)
 * go into the starter's IDE metadata from here. Never a bean: {@link SettingsSectionsBinder} binds these
 * sections into {@link AbuseGuardProperties}.
 *
 * @param rateLimit {@code abuse-guard.rate-limit.*}
 * @param body {@code abuse-guard.body.*}
 * @param proof {@code abuse-guard.proof.*}
 * @param responses {@code abuse-guard.responses.*}
 * @param tarpit {@code abuse-guard.tarpit.*}
 * @param store {@code abuse-guard.store.redis.*} (the section {@code store.redis})
 */
@ConfigurationProperties(prefix = "abuse-guard")
record SettingsMetadata(
        @NestedConfigurationProperty RateLimitSettings rateLimit,
        @NestedConfigurationProperty BodySettings body,
        @NestedConfigurationProperty ProofSettings proof,
        @NestedConfigurationProperty ResponseSettings responses,
        @NestedConfigurationProperty TarpitSettings tarpit,
        @NestedConfigurationProperty Store store) {

    /**
     * {@code abuse-guard.store.*}, as far as a module's section lies under it.
     *
     * @param redis {@code abuse-guard.store.redis.*}
     */
    record Store(@NestedConfigurationProperty RedisSettings redis) {}
}
