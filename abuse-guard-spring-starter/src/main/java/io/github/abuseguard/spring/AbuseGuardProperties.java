package io.github.abuseguard.spring;

import io.github.abuseguard.config.AbuseGuardSettings;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * The {@code abuse-guard.*} properties: the schema of {@link AbuseGuardSettings}, which plain servlet
 * applications load from a file, plus what only a Spring Boot application has. Spring binds the fields;
 * the sections that guards and modules contribute are bound by {@link SettingsSectionsBinder}, which
 * also refuses unknown properties under {@code abuse-guard}, so a misspelt key is never silently
 * ignored.
 */
@ConfigurationProperties(prefix = "abuse-guard")
public class AbuseGuardProperties extends AbuseGuardSettings {

    private final Filter filter = new Filter();
    private final Annotations annotations = new Annotations();
    private final Report report = new Report();

    @NestedConfigurationProperty
    private final BounceNotificationsProperties bounceNotifications = new BounceNotificationsProperties();

    public Filter getFilter() {
        return filter;
    }

    public Annotations getAnnotations() {
        return annotations;
    }

    public Report getReport() {
        return report;
    }

    public BounceNotificationsProperties getBounceNotifications() {
        return bounceNotifications;
    }

    /** {@code abuse-guard.filter.*}: the servlet filter registration. */
    public static class Filter {

        /**
         * The filter's order. The default, -110, runs before Spring Security (-100), so abusive requests are
         * turned away before authentication costs anything; set -90 or higher to run after it and key
         * limits by the authenticated principal.
         */
        private int order = -110;

        /**
         * Whether a PUT, PATCH or DELETE form that Spring's FormContentFilter would read whole before the
         * guard is bounded by a filter just before that one (longer than 2 MiB: 413 with a problem body) and
         * one it cannot decode (a bad %-escape) answered 400 with a problem body rather than 500, and a
         * multipart body Spring cannot parse (no boundary, cut short) answered 400 with a problem body rather
         * than 500.
         */
        private boolean malformedFormProblem = true;

        /**
         * Whether the filter also guards the Actuator when it is served on a port of its own
         * (management.server.port), with the same engine and state store as the application's port.
         */
        private boolean managementPort = true;

        public boolean isManagementPort() {
            return managementPort;
        }

        public void setManagementPort(boolean managementPort) {
            this.managementPort = managementPort;
        }

        public boolean isMalformedFormProblem() {
            return malformedFormProblem;
        }

        public void setMalformedFormProblem(boolean malformedFormProblem) {
            this.malformedFormProblem = malformedFormProblem;
        }

        public int getOrder() {
            return order;
        }

        public void setOrder(int order) {
            this.order = order;
        }
    }

    /** {@code abuse-guard.annotations.*}: rules declared on controllers. */
    public static class Annotations {

        /** Whether @RateLimit, @AbuseGuardExempt and @AbuseGuardMonitor on controllers are read. */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** {@code abuse-guard.report.*}: what the Actuator endpoint reports. */
    public static class Report {

        /** How long a client's denials count towards the most-denied list. */
        private Duration window = Duration.ofMinutes(15);

        /** How many most-denied clients the endpoint lists. */
        private int topClients = 20;

        /** The most client keys tracked for the most-denied list. */
        private long maximumKeys = 10_000;

        public Duration getWindow() {
            return window;
        }

        public void setWindow(Duration window) {
            this.window = window;
        }

        public int getTopClients() {
            return topClients;
        }

        public void setTopClients(int topClients) {
            this.topClients = topClients;
        }

        public long getMaximumKeys() {
            return maximumKeys;
        }

        public void setMaximumKeys(long maximumKeys) {
            this.maximumKeys = maximumKeys;
        }
    }
}
