package io.github.abuseguard.spring;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.identity.ClientResolver;
import io.github.abuseguard.store.StateStore;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.ConversionException;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.ClassUtils;

/**
 * The roll-out report and live control endpoints, each only when it is available (access granted and
 * exposed): the report's listener and the ban guard cost nothing otherwise.
 */
@AutoConfiguration(after = AbuseGuardAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnSwitch(value = "abuse-guard.enabled", matchIfMissing = true)
public final class AbuseGuardControlAutoConfiguration {
    private static final Logger log = LoggerFactory.getLogger(AbuseGuardControlAutoConfiguration.class);

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnAvailableEndpoint(AbuseGuardRolloutEndpoint.class)
    static class Rollout {
        @Bean
        @ConditionalOnMissingBean
        RolloutReport abuseGuardRolloutReport(AbuseGuardProperties properties, TimeSource timeSource) {
            try {
                return new RolloutReport(properties.report().window(), 256, timeSource);
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException("abuse-guard.report.window", e.getMessage());
            }
        }

        @Bean
        @ConditionalOnMissingBean
        AbuseGuardRolloutEndpoint abuseGuardRolloutEndpoint(
                AbuseGuard engine,
                RolloutReport report,
                org.springframework.beans.factory.ListableBeanFactory beans,
                org.springframework.core.env.Environment environment) {
            if (AbuseGuardEndpointAutoConfiguration.readableByAnyone(environment, beans, "abuseguardrollout")) {
                // probe82b F2: which guards and rules only report, their would-deny counts: what is on trial
                log.warn("The abuseguardrollout endpoint is exposed over HTTP on the application's port and no Spring"
                        + " Security filter chain is configured: anyone can read which guards and rules only report"
                        + " (monitor), their live switches and how many clients each would deny. Require a role for"
                        + " it, or serve management on a port only operators reach (management.server.port)");
            }
            return new AbuseGuardRolloutEndpoint(engine, report);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnAvailableEndpoint(AbuseGuardControlEndpoint.class)
    static class Control {
        /** A {@link io.github.abuseguard.Guard} bean: the engine asks it after the sections' guards. */
        @Bean
        @ConditionalOnMissingBean
        LiveBans abuseGuardLiveBans(StateStore store, TimeSource timeSource) {
            return new LiveBans(store, timeSource);
        }

        @Bean
        @ConditionalOnMissingBean
        AbuseGuardControlEndpoint abuseGuardControlEndpoint(
                AbuseGuard engine,
                LiveBans bans,
                ClientResolver clients,
                ListableBeanFactory beans,
                Environment environment) {
            if (!securedBySpringSecurity(beans) && !onALoopbackManagementPort(environment)) {
                // probe48e F8: opened with no authentication at all, an anonymous caller switched the rate limits to
                // monitor; the audit line named "anonymous" only
                log.warn("The abuseguardcontrol endpoint is open and no Spring Security filter chain is configured:"
                        + " anyone who reaches it can ban clients and switch protection to monitor. Require a role for"
                        + " it (see the README's Live control), or serve management on a port only operators reach");
            }
            return new AbuseGuardControlEndpoint(engine, bans, clients);
        }

        /**
         * The endpoint's HTTP answers, unless the application shapes them with a web extension of its own: Actuator
         * takes one per endpoint, and an application that declared one before this existed must still start
         * (review103 F1).
         */
        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(AbuseGuardControlEndpoint.class)
        @Conditional(NoOwnControlWebExtension.class)
        AbuseGuardControlWebExtension abuseGuardControlWebExtension(AbuseGuardControlEndpoint endpoint) {
            return new AbuseGuardControlWebExtension(endpoint);
        }

        /**
         * Whether management is served on a port of its own bound to a loopback address, which only the machine's
         * operators reach: what the warning recommends, so it is not warned about (user65 F4). Only a literal
         * address or {@code localhost} counts, never a name that would have to be resolved.
         */
        static boolean onALoopbackManagementPort(Environment environment) {
            String address = environment.getProperty("management.server.address");
            if (address == null || !onAPortOfItsOwn(environment)) {
                return false;
            }
            String host = address.strip();
            if (host.equalsIgnoreCase("localhost")) {
                return true;
            }
            boolean ipv4 = !host.isEmpty() && host.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
            boolean ipv6 = host.indexOf(':') >= 0
                    && host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':');
            if (!ipv4 && !ipv6) {
                return false; // a name, which would have to be resolved
            }
            try {
                return InetAddress.getByName(host).isLoopbackAddress(); // a literal: parsed, not resolved
            } catch (UnknownHostException notAnAddress) {
                return false;
            }
        }

        /**
         * Whether management is served by a server of its own, as Spring Boot's {@code ManagementPortType} decides:
         * both ports read as numbers ({@code 08080} is 8080), a negative one switches management off, and {@code 0}
         * is a random port of its own whatever {@code server.port} is (review103 F4).
         */
        private static boolean onAPortOfItsOwn(Environment environment) {
            Integer management;
            Integer server;
            try {
                management = environment.getProperty("management.server.port", Integer.class);
                server = environment.getProperty("server.port", Integer.class);
            } catch (ConversionException notANumber) {
                return false; // Spring Boot refuses to start on it; nothing is quiet meanwhile
            }
            if (management == null || management < 0) {
                return false;
            }
            if (server == null && management == DEFAULT_SERVER_PORT) {
                return false;
            }
            return management == 0 || !management.equals(server);
        }

        /** Spring Boot's {@code server.port} when it is not set. */
        private static final int DEFAULT_SERVER_PORT = 8080;

        /** Whether the application configures a Spring Security filter chain, which may guard the endpoint. */
        static boolean securedBySpringSecurity(ListableBeanFactory beans) {
            String chain = "org.springframework.security.web.SecurityFilterChain";
            if (!ClassUtils.isPresent(chain, AbuseGuardControlAutoConfiguration.class.getClassLoader())) {
                return false;
            }
            return beans.getBeanNamesForType(ClassUtils.resolveClassName(
                                    chain, AbuseGuardControlAutoConfiguration.class.getClassLoader()))
                            .length
                    > 0;
        }
    }

    /**
     * Matches unless a bean of the application is a web extension of the control endpoint ({@code
     * @EndpointWebExtension(endpoint = AbuseGuardControlEndpoint.class)}), which then serves its HTTP answers.
     */
    static final class NoOwnControlWebExtension extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            ConfigurableListableBeanFactory beans = context.getBeanFactory();
            if (beans == null) {
                return ConditionOutcome.match();
            }
            for (String name : beans.getBeanNamesForAnnotation(EndpointWebExtension.class)) {
                EndpointWebExtension extension = beans.findAnnotationOnBean(name, EndpointWebExtension.class, false);
                if (extension != null && extension.endpoint() == AbuseGuardControlEndpoint.class) {
                    return ConditionOutcome.noMatch(
                            "the application's web extension '" + name + "' serves the abuseguardcontrol endpoint");
                }
            }
            return ConditionOutcome.match();
        }
    }
}
