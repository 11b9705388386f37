package io.github.abuseguard.examples.demo;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
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
 * on. Only {@code /actuator/health} stays anonymous, without details. abuse-guard's filter runs before Spring
 * Security (order -110 against -100), so refused requests cost no authentication, and the control
 * endpoint's audit line names the authenticated operator.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(requests -> requests.requestMatchers("/actuator/health", "/actuator/health/**")
                        .permitAll()
                        .requestMatchers("/actuator", "/actuator/**")
                        .hasRole("OPS")
                        .anyRequest()
                        .permitAll())
                .httpBasic(Customizer.withDefaults())
                // No cookie or session carries credentials, so there is no cross-site request to forge.
                .csrf(csrf -> csrf.disable())
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        return http.build();
    }
}
