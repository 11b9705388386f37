package io.github.abuseguard.servlet;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardListener;
import io.github.abuseguard.OutcomeObserver;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.email.EmailGuardFactory;
import io.github.abuseguard.email.EmailSettings;
import io.github.abuseguard.identity.ClientResolver;
import io.github.abuseguard.internal.SettingsAssembler;
import io.github.abuseguard.internal.SettingsBinder;
import io.github.abuseguard.internal.WeakenedProtection;
import io.github.abuseguard.store.StateStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a filter configured from settings is built of, taken from the api module's one assembly path
 * ({@link SettingsAssembler}); kept out of {@link AbuseGuardFilter} so that no public type of this module
 * depends on the api's internals.
 */
final class FilterAssembly {

    /**
     * A default written in property syntax, such as {@code 5s}, as the typed value a builder starts from; the
     * public builders may not call the api module's internals themselves.
     */
    static Duration duration(String property, String text) {
        return SettingsBinder.duration(property, text);
    }

    private FilterAssembly() {}

    /**
     * One WARN per switch of {@code settings} that turns protection down (abuse-guard off, monitor mode, a
     * guard or the cross-site check off, a rule every path of which is exempt or monitored), as the Spring
     * Boot starter gives.
     */
    static void warnOfWeakenedProtection(AbuseGuardSettings settings) {
        WeakenedProtection.warn(settings);
        if (settings.engine().enabled()) {
            io.github.abuseguard.failure.internal.OwnerLockOuts.warnAboutOwnersLockedOut(
                    settings,
                    Map.of(),
                    settings.section(TarpitSettings.class).then().strip().equalsIgnoreCase("pass"));
        }
    }

    /**
     * Each configured rule's paths, by their property ({@code abuse-guard.failure.rules.login.paths}), of every enabled
     * guard whose rules have paths.
     */
    static Map<String, List<String>> rulePaths(AbuseGuardSettings settings) {
        Map<String, List<String>> paths = new LinkedHashMap<>();
        WeakenedProtection.configuredRules(settings)
                .forEach((section, rules) -> rules.forEach((name, rule) -> {
                    if (rule.paths() != null) {
                        paths.put(
                                AbuseGuardSettings.PREFIX + "." + section + ".rules." + name + ".paths", rule.paths());
                    }
                }));
        return paths;
    }

    /** The store of {@code abuse-guard.store.type}. */
    static StateStore store(AbuseGuardSettings settings, TimeSource time) {
        return SettingsAssembler.stateStore(settings, time);
    }

    /**
     * The engine of {@code settings} on {@code store}: every configured guard and the decision log; the
     * store is closed with the engine, or at once when a guard cannot be built.
     *
     * @throws io.github.abuseguard.config.InvalidSettingException naming the property of a bad value
     */
    static AbuseGuard engine(
            AbuseGuardSettings settings,
            TimeSource time,
            StateStore store,
            List<GuardListener> listeners,
            List<OutcomeObserver> observers) {
        AbuseGuard.Builder engine;
        try {
            engine = SettingsAssembler.assemble(
                    settings,
                    GuardContext.builder().store(store).timeSource(time).build());
        } catch (RuntimeException e) {
            closeQuietly(store, e);
            throw e;
        }
        engine.listener(SettingsAssembler.decisionLog(settings, time));
        listeners.forEach(engine::listener);
        observers.forEach(engine::observer);
        if (store instanceof AutoCloseable closeable) {
            engine.closing(closeable);
        }
        return engine.build();
    }

    /**
     * Refuses the properties of the shared schema that only the Spring Boot starter acts on: bounce
     * feedback ({@code abuse-guard.email.bounce-*}) is fed by the starter's notification endpoint and
     * bean, which a plain filter has neither of, so a value set for it would bind and do nothing.
     *
     * @throws InvalidSettingException naming the first such property set to other than its default
     */
    static void refuseSpringBootOnly(AbuseGuardSettings settings) {
        EmailSettings email = settings.section(EmailSettings.class);
        EmailSettings defaults = SettingsBinder.defaults(EmailSettings.class);
        refuseUnlessDefault("bounce-threshold", email.bounceThreshold(), defaults.bounceThreshold());
        refuseUnlessDefault("bounce-rate", email.bounceRate(), defaults.bounceRate());
        refuseUnlessDefault("bounce-window", email.bounceWindow(), defaults.bounceWindow());
        refuseUnlessDefault("bounce-block-for", email.bounceBlockFor(), defaults.bounceBlockFor());
    }

    private static void refuseUnlessDefault(String property, Object value, Object byDefault) {
        if (!Objects.equals(value, byDefault)) {
            throw new InvalidSettingException(
                    AbuseGuardSettings.PREFIX + "." + EmailGuardFactory.NAME + "." + property,
                    "bounce feedback works in the Spring Boot starter only (its bounce-notifications endpoint feeds"
                            + " it); the plain servlet filter would ignore this value, so remove it");
        }
    }

    /** The client resolver of {@code abuse-guard.client.*}. */
    static ClientResolver clientResolver(AbuseGuardSettings settings) {
        return SettingsAssembler.clientResolver(settings);
    }

    private static void closeQuietly(StateStore store, RuntimeException failure) {
        if (store instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
    }
}
