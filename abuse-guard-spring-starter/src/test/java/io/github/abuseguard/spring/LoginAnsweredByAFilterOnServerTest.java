package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * review46b F6: a login a filter after the guards answers (Spring Security's form login or HTTP Basic, at order
 * -100) never reaches the DispatcherServlet; it was taken for a request no handler ran, and a limit keyed by the
 * user name, which the README advises there, gave every token back. Only a request Spring MVC served without a
 * handler is one.
 */
@SpringBootTest(
        classes = LoginAnsweredByAFilterOnServerTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.rate-limit.rules.login-user.paths=/login",
            "abuse-guard.rate-limit.rules.login-user.key=body:/username",
            "abuse-guard.rate-limit.rules.login-user.limits[0].capacity=2",
            "abuse-guard.rate-limit.rules.login-user.limits[0].period=1m"
        })
class LoginAnsweredByAFilterOnServerTest {
    @LocalServerPort
    int port;

    @Test
    void aPerUserNameLimitHoldsALoginAFilterAnswers() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            statuses.add(http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "{\"username\":\"ann\",\"password\":\"x\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode());
        }
        assertThat(statuses).containsExactly(401, 401, 429, 429);
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {
        /** Answers the login itself, where Spring Security's filter chain would (after the guards' -110). */
        @Bean
        FilterRegistrationBean<Filter> passwordCheck() {
            FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>((request, response, chain) -> {
                if (((HttpServletRequest) request).getRequestURI().equals("/login")) {
                    ((HttpServletResponse) response).sendError(401);
                    return;
                }
                chain.doFilter(request, response);
            });
            registration.setOrder(-100);
            return registration;
        }
    }
}
