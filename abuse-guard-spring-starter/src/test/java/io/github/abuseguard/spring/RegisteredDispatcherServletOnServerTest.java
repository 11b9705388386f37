package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * probe38a F1/F2: an application that maps the DispatcherServlet with its own {@code DispatcherServletRegistrationBean}
 * (at {@code /v2}, no {@code spring.mvc.servlet.path}) gets the same protection as with the property: before, every
 * controller annotation's rule was built for the root and never applied (8 sign-ups through a rule of 5, a listed
 * address accepted), and the browser proof's default path lay outside every servlet's mapping, so no proof could be
 * earned. On a real Tomcat, with {@link ServletPathOnServerTest}'s controller.
 */
@SpringBootTest(
        classes = RegisteredDispatcherServletOnServerTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"abuse-guard.proof.enabled=true", "abuse-guard.proof.required-paths=/v2/api/proved/**"})
class RegisteredDispatcherServletOnServerTest {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aControllersRateLimitAppliesUnderTheRegisteredMapping() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            statuses.add(send("GET", "/v2/api/scores/chess", null).statusCode());
        }

        assertThat(statuses).containsExactly(200, 200, 200, 429, 429);
    }

    @Test
    void aControllersDisposableEmailRuleAppliesUnderTheRegisteredMapping() throws Exception {
        HttpResponse<String> listed = send("POST", "/v2/api/signups", "{\"email\":\"bot@mailinator.com\"}");

        assertThat(listed.statusCode()).isEqualTo(422);
        assertThat(listed.body()).contains("disposable");
    }

    @Test
    void theBrowserProofIsServedUnderTheRegisteredMapping() throws Exception {
        HttpResponse<String> script = send("GET", "/v2/abuse-guard/proof.js", null);
        HttpResponse<String> challenge = send("GET", "/v2/abuse-guard/proof", null);
        HttpResponse<String> unproved = send("GET", "/v2/api/proved/1", null);

        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.body()).contains("browser proof");
        assertThat(challenge.statusCode()).as("a challenge is handed out").isEqualTo(200);
        assertThat(unproved.statusCode()).isEqualTo(403);
        assertThat(unproved.body()).contains("proof-required");
    }

    private HttpResponse<String> send(String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(ServletPathOnServerTest.Api.class)
    static class App {
        /** As an application maps the DispatcherServlet itself, in place of Spring Boot's registration. */
        @Bean(name = "dispatcherServletRegistration")
        DispatcherServletRegistrationBean dispatcherServletRegistration(DispatcherServlet servlet) {
            DispatcherServletRegistrationBean registration = new DispatcherServletRegistrationBean(servlet, "/v2");
            registration.setName("dispatcherServlet");
            return registration;
        }
    }
}
