package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * review158 F2: the HTTP Basic WARN now asks the chains only about sampled paths: "/", one path nothing serves, the
 * rules' and exempt paths and the annotated controllers' routes. The classic set-up, HTTP Basic on a chain of its own
 * for {@code /actuator/**} (Actuator's endpoints are served by their own handler mapping, not among the controllers'
 * routes), and NO failure rule at all, samples no path that chain takes: the WARN is silent, where before this
 * session it fired, while every wrong password on {@code /actuator/metrics} is answered 401 without limit.
 */
@ExtendWith(OutputCaptureExtension.class)
class Review158BasicWarningSilenceTest {

    private static final String WARNING = "HTTP Basic is on in a SecurityFilterChain";

    @Test
    void basicOnTheActuatorChainAloneWithNoRuleCountingItIsWarned(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(ActuatorBasicApp.class)
                .properties("server.port=0", "management.endpoints.web.exposure.include=health,metrics")
                .run()) {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 20; i++) {
                String basic = Base64.getEncoder().encodeToString(("ops:guess" + i).getBytes());
                int status = http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/metrics"))
                                        .header("Authorization", "Basic " + basic)
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode();
                assertThat(status)
                        .as("wrong password %d on /actuator/metrics, never counted", i)
                        .isEqualTo(401);
            }
        }
        assertThat(output.getAll())
                .as("Basic's passwords guessed without limit on /actuator/**, and nothing said at start-up")
                .contains(WARNING);
    }

    /**
     * review158 F5: the WARN's sampling asks each chain's matcher about a FilterInvocation's dummy request, outside
     * the try that SignInFilterPaths.servesPost keeps for "a matcher that needs more of a request than its path and
     * method" (UnsupportedOperationException). A chain for the internal network ({@code IpAddressMatcher}, which reads
     * the remote address) with HTTP Basic makes the start-up check throw: the application does not start.
     */
    @Test
    void anApplicationWithAChainMatchedByAddressStarts(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(InternalNetworkBasicApp.class)
                .properties("server.port=0")
                .run()) {
            assertThat(app.isRunning()).isTrue();
        }
    }

    /**
     * review158 F2 (second shape): an API chain taken by requests that carry credentials ({@code Authorization}
     * present), the usual way to keep HTTP Basic off the browser pages: no sample carries the header, so no sample
     * is taken by the chain, and the WARN is silent while every path answers a wrong password 401, uncounted.
     */
    @Test
    void basicOnAChainTakenByTheAuthorizationHeaderWithNoRuleIsWarned(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(CredentialedBasicApp.class)
                .properties("server.port=0")
                .run()) {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 20; i++) {
                String basic = Base64.getEncoder().encodeToString(("ops:guess" + i).getBytes());
                int status = http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/items"))
                                        .header("Authorization", "Basic " + basic)
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode();
                assertThat(status)
                        .as("wrong password %d on /api/items, never counted", i)
                        .isEqualTo(401);
            }
        }
        assertThat(output.getAll())
                .as("Basic's passwords guessed without limit, and nothing said at start-up")
                .contains(WARNING);
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @EnableWebSecurity
    static class CredentialedBasicApp {
        @Bean
        @Order(1)
        SecurityFilterChain credentialed(HttpSecurity http) throws Exception {
            return http.securityMatcher(request -> request.getHeader("Authorization") != null)
                    .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                    .httpBasic(basic -> {})
                    .build();
        }

        @Bean
        @Order(2)
        SecurityFilterChain everyoneElse(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                    .build();
        }

        @Bean
        UserDetailsService users() {
            return new InMemoryUserDetailsManager(User.withUsername("ops")
                    .password("{noop}secret")
                    .roles("OPS")
                    .build());
        }

        @Bean
        Items items() {
            return new Items();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @EnableWebSecurity
    static class InternalNetworkBasicApp {
        @Bean
        @Order(1)
        SecurityFilterChain internalNetwork(HttpSecurity http) throws Exception {
            return http.securityMatcher(
                            new org.springframework.security.web.util.matcher.IpAddressMatcher("10.0.0.0/8"))
                    .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                    .httpBasic(basic -> {})
                    .build();
        }

        @Bean
        @Order(2)
        SecurityFilterChain everyoneElse(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                    .build();
        }

        @Bean
        UserDetailsService users() {
            return new InMemoryUserDetailsManager(User.withUsername("ops")
                    .password("{noop}secret")
                    .roles("OPS")
                    .build());
        }

        @Bean
        Items items() {
            return new Items();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @EnableWebSecurity
    static class ActuatorBasicApp {
        @Bean
        @Order(1)
        SecurityFilterChain operators(HttpSecurity http) throws Exception {
            return http.securityMatcher("/actuator/**")
                    .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                    .httpBasic(basic -> {})
                    .build();
        }

        @Bean
        @Order(2)
        SecurityFilterChain everyoneElse(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                    .build();
        }

        @Bean
        UserDetailsService users() {
            return new InMemoryUserDetailsManager(User.withUsername("ops")
                    .password("{noop}secret")
                    .roles("OPS")
                    .build());
        }

        @Bean
        Items items() {
            return new Items();
        }
    }

    @RestController
    static class Items {
        @GetMapping("/api/items")
        String items() {
            return "[]";
        }
    }
}
