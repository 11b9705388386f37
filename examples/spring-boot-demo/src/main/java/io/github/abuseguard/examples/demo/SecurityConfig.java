package io.github.abuseguard.examples.demo;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The demo's API is anonymous; the Actuator endpoints need an operator (role {@code OPS}, HTTP Basic;
 * set {@code spring.security.user.name}, {@code .password} and {@code .roles=OPS}, or Boot logs a
 * generated password of a user without that role, and only the health status is readable). The
 * {@code abuseguard} report names the clients denied most, every rule's exact thresholds and the live
 * modes, and the metrics carry the mode gauges: an attacker would read how far to go and when a mode is
 * on. Only {@code /actuator/health} and its probes stay anonymous, without details; operators read them
 * at {@code /actuator/health/ops}. abuse-guard's filter runs before Spring
 * Security (order -110 against -100), so refused requests cost no authentication, and the control
 * endpoint's audit line names the authenticated operator.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

    /**
     * The public health status and probes: no authentication at all, so a wrong password in an
     * {@code Authorization} header is answered exactly as a right one (an exempt route must not be a
     * password oracle that no failure rule counts). This chain matches these paths exactly, and so do
     * abuse-guard's exempt routes: {@code /actuator/health/} or {@code /actuator/health/liveness/} fall to
     * the operators' chain below and are counted by {@code actuator-login} like any other password check.
     */
    @Bean
    @Order(1)
    SecurityFilterChain probes(HttpSecurity http) throws Exception {
        return stateless(
                http.securityMatcher("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness")
                        .authorizeHttpRequests(requests -> requests.anyRequest().permitAll()));
    }

    /** Every other Actuator endpoint: the operator, by HTTP Basic; failures counted by {@code actuator-login}. */
    @Bean
    @Order(2)
    SecurityFilterChain operators(HttpSecurity http) throws Exception {
        return stateless(http.securityMatcher("/actuator", "/actuator/**")
                .authorizeHttpRequests(requests -> requests.anyRequest().hasRole("OPS"))
                .httpBasic(Customizer.withDefaults()));
    }

    /** The anonymous API and pages: no authentication, so no path but the Actuator's answers a password. */
    @Bean
    @Order(3)
    SecurityFilterChain api(HttpSecurity http) throws Exception {
        return stateless(
                http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll()));
    }

    private static SecurityFilterChain stateless(HttpSecurity http) throws Exception {
        // No cookie or session carries credentials, so there is no cross-site request to forge.
        return http.csrf(csrf -> csrf.disable())
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .build();
    }
}
