package io.github.abuseguard.spring;

import io.github.abuseguard.Action;
import io.github.abuseguard.FailurePolicy;
import io.github.abuseguard.Mode;
import io.github.abuseguard.client.ClientSignalsSettings;
import io.github.abuseguard.client.IpListSettings;
import io.github.abuseguard.config.Default;
import io.github.abuseguard.config.EngineSettings;
import io.github.abuseguard.config.GuardSettings;
import io.github.abuseguard.email.EmailSettings;
import io.github.abuseguard.failure.FailureSettings;
import io.github.abuseguard.origin.OriginSettings;
import io.github.abuseguard.ratelimit.RateLimitSettings;
import io.github.abuseguard.redis.RedisSettings;
import io.github.abuseguard.sequence.SequenceSettings;
import io.github.abuseguard.servlet.BodySettings;
import io.github.abuseguard.servlet.ProofSettings;
import io.github.abuseguard.servlet.ResponseSettings;
import io.github.abuseguard.servlet.TarpitSettings;
import io.github.abuseguard.volume.VolumeSettings;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * The settings records as the configuration processor sees them: their properties, descriptions (the
 * records' javadoc) and defaults (their {@link Default}s) go into the starter's IDE metadata from here.
 * Never a bean: {@link SettingsSectionsBinder} binds the engine's properties ({@link EngineSettings}) and
 * the sections and the starter's own records ({@link AbuseGuardProperties.Starter}) into
 * {@link AbuseGuardProperties}. The engine's own top-level properties are listed one by one (a record component cannot spread another record's components at this level); each names the
 * engine's constant, and {@code SpringConfigurationMetadataTest} holds them to what the engine binds.
 *
 * @param enabled Whether the guard runs; abuse-guard.enabled=false switches the whole library off.
 * @param mode Enforce carries out denials, monitor only reports them; the engine-wide abuse-guard.mode=monitor overrides every guard's.
 * @param failurePolicy What happens to a request when a guard fails: fail-open lets it through, fail-closed answers 503.
 * @param riskThreshold The summed flag score at which a request is denied; 0 means flags never deny.
 * @param riskAction How a request denied for its risk score is answered.
 * @param failureLogInterval The least time between two log lines about the same failing guard.
 * @param client {@code abuse-guard.client.*}
 * @param store {@code abuse-guard.store.*}
 * @param logging {@code abuse-guard.logging.*}
 * @param routes {@code abuse-guard.routes.*}
 * @param crossSite {@code abuse-guard.cross-site.*}
 * @param rateLimit {@code abuse-guard.rate-limit.*}
 * @param origin {@code abuse-guard.origin.*}
 * @param clientSignals {@code abuse-guard.client-signals.*}
 * @param ipLists {@code abuse-guard.ip-lists.*}
 * @param sequence {@code abuse-guard.sequence.*}
 * @param email {@code abuse-guard.email.*}
 * @param body {@code abuse-guard.body.*}
 * @param proof {@code abuse-guard.proof.*}
 * @param responses {@code abuse-guard.responses.*}
 * @param tarpit {@code abuse-guard.tarpit.*}
 * @param failure {@code abuse-guard.failure.*}
 * @param volume {@code abuse-guard.volume.*}
 * @param filter {@code abuse-guard.filter.*}
 * @param annotations {@code abuse-guard.annotations.*}
 * @param report {@code abuse-guard.report.*}
 * @param bounceNotifications {@code abuse-guard.bounce-notifications.*}
 */
@ConfigurationProperties(prefix = "abuse-guard")
record SettingsMetadata(
        @Default("" + GuardSettings.DEFAULT_ENABLED) boolean enabled,
        @Default(GuardSettings.DEFAULT_MODE) Mode mode,
        @Default(EngineSettings.DEFAULT_FAILURE_POLICY) FailurePolicy failurePolicy,
        @Default("" + EngineSettings.DEFAULT_RISK_THRESHOLD) int riskThreshold,
        @Default(EngineSettings.DEFAULT_RISK_ACTION) Action riskAction,

        @Default(EngineSettings.DEFAULT_FAILURE_LOG_INTERVAL)
        Duration failureLogInterval,

        @NestedConfigurationProperty EngineSettings.Client client,
        @NestedConfigurationProperty Store store,
        @NestedConfigurationProperty EngineSettings.Logging logging,
        @NestedConfigurationProperty EngineSettings.Routes routes,
        @NestedConfigurationProperty EngineSettings.CrossSite crossSite,
        @NestedConfigurationProperty RateLimitSettings rateLimit,
        @NestedConfigurationProperty OriginSettings origin,
        @NestedConfigurationProperty ClientSignalsSettings clientSignals,
        @NestedConfigurationProperty IpListSettings ipLists,
        @NestedConfigurationProperty SequenceSettings sequence,
        @NestedConfigurationProperty EmailSettings email,
        @NestedConfigurationProperty BodySettings body,
        @NestedConfigurationProperty ProofSettings proof,
        @NestedConfigurationProperty ResponseSettings responses,
        @NestedConfigurationProperty TarpitSettings tarpit,
        @NestedConfigurationProperty FailureSettings failure,
        @NestedConfigurationProperty VolumeSettings volume,
        @NestedConfigurationProperty AbuseGuardProperties.Filter filter,
        @NestedConfigurationProperty AbuseGuardProperties.Annotations annotations,
        @NestedConfigurationProperty AbuseGuardProperties.Report report,
        @NestedConfigurationProperty BounceNotificationsProperties bounceNotifications) {

    /**
     * {@code abuse-guard.store.*}: the engine's store properties and the Redis module's section.
     *
     * @param type Where state lives: local (in process) or redis (shared by every instance; needs abuse-guard-redis).
     * @param maximumKeys The most client keys each rule or counter tracks in process; beyond it the least useful are evicted.
     * @param redis {@code abuse-guard.store.redis.*}
     */
    record Store(
            @Default(EngineSettings.Store.DEFAULT_TYPE) String type,

            @Default("" + EngineSettings.Store.DEFAULT_MAXIMUM_KEYS)
            long maximumKeys,

            @NestedConfigurationProperty RedisSettings redis) {}
}
