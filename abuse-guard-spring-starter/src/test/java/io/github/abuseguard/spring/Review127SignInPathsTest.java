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
import org.springframework.security.web.authentication.ott.OneTimeTokenGenerationSuccessHandler;

/**
 * review127: user71 F6's fix asks only Spring Security's {@code AbstractAuthenticationProcessingFilter}s. One-time-token
 * login (magic links) serves its token request, {@code POST /ott/generate}, which mails a link to the name given, in
 * a plain filter: a rate-limit rule on it, the very endpoint an abuse guard caps, still starts with "matches no
 * route of the application ... is it misspelt?", while the filter serves it (shown below: its answer is a redirect
 * to the "sent" page, not a 404).
 */
@ExtendWith(OutputCaptureExtension.class)
class Review127SignInPathsTest {

    @Test
    void theMagicLinkRequestPathIsNoMisspelling(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(MagicLinks.class)
                .properties(
                        "server.port=0",
                        "abuse-guard.rate-limit.rules.magic-links.paths=/ott/generate",
                        "abuse-guard.rate-limit.rules.magic-links.limits[0].capacity=5",
                        "abuse-guard.rate-limit.rules.magic-links.limits[0].period=1h")
                .run()) {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            HttpResponse<String> generate = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ott/generate"))
                                    .header("Content-Type", "application/x-www-form-urlencoded")
                                    .POST(HttpRequest.BodyPublishers.ofString("username=user"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(generate.statusCode())
                    .as("Spring Security's token filter served it")
                    .isNotEqualTo(404);
        }
        assertThat(output.getAll())
                .as("a WARN that the magic-link path may be misspelt")
                .doesNotContain("matches no route of the application");
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @EnableWebSecurity
    static class MagicLinks {
        @Bean
        SecurityFilterChain security(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                    .csrf(csrf -> csrf.disable())
                    .formLogin(Customizer.withDefaults())
                    .oneTimeTokenLogin(Customizer.withDefaults())
                    .build();
        }

        @Bean
        OneTimeTokenGenerationSuccessHandler mailer() {
            return (request, response, token) -> response.sendRedirect("/ott/sent");
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
