package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * review128 F6: SignInFilterPaths asks each sign-in filter's own matcher, never its chain's securityMatcher. A chain
 * for /admin/** alone, with form login left at its default processing URL (POST /login), never sees POST /login: no
 * filter and no handler serves it (404), and a failure rule on /login guards nothing. The "matches no route ... is it
 * misspelt?" WARN, the one hint the operator gets, is silenced since the filter's matcher alone says it serves /login.
 */
@ExtendWith(OutputCaptureExtension.class)
class Review128SignInPathsTest {

    @Test
    void aSignInFilterOfAChainThatNeverSeesThePathDoesNotServeIt(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(AdminOnly.class)
                .properties(
                        "server.port=0",
                        "abuse-guard.failure.rules.login.paths=/login",
                        "abuse-guard.failure.rules.login.methods=POST",
                        "abuse-guard.failure.rules.login.key=ip")
                .run()) {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            HttpResponse<String> login = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                                    .header("Content-Type", "application/x-www-form-urlencoded")
                                    .POST(HttpRequest.BodyPublishers.ofString("username=user&password=secret"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).as("nothing serves POST /login").isEqualTo(404);
        }
        assertThat(output.getAll())
                .as("the WARN that the rule's path matches no route")
                .contains("matches no route of the application");
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @EnableWebSecurity
    static class AdminOnly {
        @Bean
        SecurityFilterChain admin(HttpSecurity http) throws Exception {
            return http.securityMatcher("/admin/**")
                    .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                    .csrf(csrf -> csrf.disable())
                    .formLogin(Customizer.withDefaults())
                    .build();
        }

        @Bean
        UserDetailsService users() {
            return new InMemoryUserDetailsManager(User.withUsername("user")
                    .password("{noop}secret")
                    .roles("USER")
                    .build());
        }
    }
}
