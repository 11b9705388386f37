package io.github.abuseguard.spring;

import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.Default;
import io.github.abuseguard.config.PropertyPath;
import io.github.abuseguard.internal.SettingsBinder;
import java.time.Duration;
import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code abuse-guard.*} properties: the schema of {@link AbuseGuardSettings}, which plain servlet
 * applications load from a file, plus what only a Spring Boot application has ({@link #filter()},
 * {@link #annotations()}, {@link #report()}, {@link #bounceNotifications()}). Every part is an immutable
 * record bound by {@link SettingsSectionsBinder} from its {@link Default}s and the environment, strictly:
 * an unknown property under {@code abuse-guard} fails start-up naming it, and so does a value a record
 * refuses. The records' IDE metadata comes from {@link SettingsMetadata}.
 */
@ConfigurationProperties(prefix = "abuse-guard")
public class AbuseGuardProperties extends AbuseGuardSettings {

    private Starter starter = new Starter(
            SettingsBinder.defaults(Filter.class),
            SettingsBinder.defaults(Annotations.class),
            SettingsBinder.defaults(Report.class),
            SettingsBinder.defaults(BounceNotificationsProperties.class));

    /** {@code abuse-guard.filter.*}. */
    public Filter filter() {
        return starter.filter();
    }

    /** {@code abuse-guard.annotations.*}. */
    public Annotations annotations() {
        return starter.annotations();
    }

    /** {@code abuse-guard.report.*}. */
    public Report report() {
        return starter.report();
    }

    /** {@code abuse-guard.bounce-notifications.*}. */
    public BounceNotificationsProperties bounceNotifications() {
        return starter.bounceNotifications();
    }

    /** Replaces the starter's own properties, as {@link SettingsSectionsBinder} does once it bound them. */
    void replaceStarter(Starter starter) {
        this.starter = Objects.requireNonNull(starter, "starter");
    }

    /**
     * The properties only the starter has, bound together at {@code abuse-guard} from what neither the
     * engine nor a section holds, so that binding refuses what nothing knows.
     */
    record Starter(
            Filter filter, Annotations annotations, Report report, BounceNotificationsProperties bounceNotifications) {}

    /**
     * {@code abuse-guard.filter.*}: the servlet filter registration.
     *
     * @param order The filter's order. The default, -110, runs before Spring Security (-100), so abusive requests are turned away before authentication costs anything; set -90 or higher to run after it and key limits by the authenticated principal.
     * @param malformedFormProblem Whether a PUT, PATCH or DELETE form that Spring's FormContentFilter would read whole before the guard is bounded by a filter just before that one (longer than 2 MiB: 413 with a problem body) and one it cannot decode (a bad %-escape) answered 400 with a problem body rather than 500, and a multipart body Spring cannot parse (no boundary, cut short) answered 400 with a problem body rather than 500.
     * @param managementPort Whether the filter also guards the Actuator when it is served on a port of its own (management.server.port), with the same engine and state store as the application's port.
     */
    public record Filter(
            @Default("" + DEFAULT_ORDER) int order,
            @Default("" + DEFAULT_MALFORMED_FORM_PROBLEM) boolean malformedFormProblem,
            @Default("" + DEFAULT_MANAGEMENT_PORT) boolean managementPort) {

        /** The default of {@code order}: before Spring Security's filter chain (-100). */
        public static final int DEFAULT_ORDER = -110;

        /** The default of {@code malformed-form-problem}. */
        public static final boolean DEFAULT_MALFORMED_FORM_PROBLEM = true;

        /** The default of {@code management-port}. */
        public static final boolean DEFAULT_MANAGEMENT_PORT = true;
    }

    /**
     * {@code abuse-guard.annotations.*}: rules declared on controllers.
     *
     * @param enabled Whether @RateLimit, @AbuseGuardExempt and @AbuseGuardMonitor on controllers are read.
     */
    public record Annotations(@Default("" + DEFAULT_ENABLED) boolean enabled) {

        /** The default of {@code enabled}. */
        public static final boolean DEFAULT_ENABLED = true;
    }

    /**
     * {@code abuse-guard.report.*}: what the Actuator endpoint reports.
     *
     * @param window How long a client's denials count towards the most-denied list.
     * @param topClients How many most-denied clients the endpoint lists.
     * @param maximumKeys The most client keys tracked for the most-denied list.
     */
    public record Report(
            @Default(DEFAULT_WINDOW) Duration window,
            @Default("" + DEFAULT_TOP_CLIENTS) int topClients,
            @Default("" + DEFAULT_MAXIMUM_KEYS) long maximumKeys) {

        /** The default of {@code window}. */
        public static final String DEFAULT_WINDOW = "15m";

        /** The default of {@code top-clients}. */
        public static final int DEFAULT_TOP_CLIENTS = 20;

        /** The default of {@code maximum-keys}. */
        public static final long DEFAULT_MAXIMUM_KEYS = 10_000;

        private static final PropertyPath AT = PropertyPath.of("report");

        /**
         * @throws io.github.abuseguard.config.InvalidSettingException naming the property if {@code window}
         *     is not positive, or {@code topClients} or {@code maximumKeys} is less than 1
         */
        public Report {
            AT.positive(window, "window");
            if (topClients < 1) {
                throw AT.child("top-clients").invalid("must be at least 1, was " + topClients);
            }
            if (maximumKeys < 1) {
                throw AT.child("maximum-keys").invalid("must be at least 1, was " + maximumKeys);
            }
        }
    }
}
