package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * user71 F2: HTTP Basic answers a wrong password {@code 401} on every path its chain covers; with no failure rule
 * counting such requests its passwords could be guessed without limit, and nothing said so at start-up.
 */
@ExtendWith(OutputCaptureExtension.class)
class BasicPasswordsWarningTest {

    private static final String WARNING = "HTTP Basic is on in a SecurityFilterChain";

    @Test
    void httpBasicWithoutAFailureRuleCountingItIsAWarning(CapturedOutput output) {
        try (ConfigurableApplicationContext app = start()) {
            assertThat(app.isRunning()).isTrue();
        }
        assertThat(output.getAll().lines().filter(line -> line.contains(WARNING)))
                .singleElement()
                .satisfies(line -> assertThat(line).contains("credential header:Authorization"));
    }

    @Test
    void aFailureRuleCountingBasicCredentialsSilencesIt(CapturedOutput output) {
        try (ConfigurableApplicationContext app = start(
                "abuse-guard.failure.rules.basic.paths=/**",
                "abuse-guard.failure.rules.basic.statuses=401",
                "abuse-guard.failure.rules.basic.credential=header:Authorization")) {
            assertThat(app.isRunning()).isTrue();
        }
        assertThat(output.getAll()).doesNotContain(WARNING);
    }

    private static ConfigurableApplicationContext start(String... properties) {
        return new SpringApplicationBuilder(BasicApp.class)
                .properties("server.port=0")
                .properties(properties)
                .run();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @EnableWebSecurity
    static class BasicApp {
        @Bean
        SecurityFilterChain security(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                    .httpBasic(basic -> {})
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
