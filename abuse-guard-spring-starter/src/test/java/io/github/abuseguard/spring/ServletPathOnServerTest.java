package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.spring.annotation.RateLimit;
import io.github.abuseguard.spring.annotation.RejectDisposableEmail;
import io.github.abuseguard.spring.annotation.RequiresPrior;
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
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * review17 F5: with the DispatcherServlet mapped below the root ({@code spring.mvc.servlet.path=/v1}) the guard sees
 * {@code /v1/api/...}, so route templates and the rules of controller annotations carry the prefix. Before, no
 * annotation's rule applied there: 7 sign-ups with a listed address went through a rule of 5. On a real Tomcat.
 */
@SpringBootTest(
        classes = ServletPathOnServerTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.mvc.servlet.path=/v1", "abuse-guard.sequence.session=header:X-Session"})
class ServletPathOnServerTest {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aControllersRateLimitAppliesUnderTheServletPath() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            statuses.add(get("/v1/api/scores/chess", "s1").statusCode());
        }

        assertThat(statuses).containsExactly(200, 200, 200, 429, 429);
    }

    @Test
    void aControllersDisposableEmailRuleAppliesUnderTheServletPath() throws Exception {
        HttpResponse<String> listed = post("/v1/api/signups", "{\"email\":\"bot@mailinator.com\"}", "s2");
        HttpResponse<String> kept = post("/v1/api/signups", "{\"email\":\"ann@example.org\"}", "s2");

        assertThat(listed.statusCode()).isEqualTo(422);
        assertThat(listed.body()).contains("disposable");
        assertThat(kept.statusCode()).isEqualTo(200);
        assertThat(kept.body()).isEqualTo("ann@example.org");
    }

    @Test
    void aControllersRequiredPriorStepAppliesUnderTheServletPath() throws Exception {
        HttpResponse<String> skipped = post("/v1/api/accounts/7/payment-methods", "{}", "s3");
        HttpResponse<String> verified = post("/v1/api/accounts/7/verify", "{}", "s4");
        HttpResponse<String> afterVerifying = post("/v1/api/accounts/7/payment-methods", "{}", "s4");

        assertThat(skipped.statusCode()).isEqualTo(403);
        assertThat(verified.statusCode()).isEqualTo(200);
        assertThat(afterVerifying.statusCode()).isEqualTo(200);
    }

    /** review38 F1: the root handler's route under {@code /v1} is {@code /v1}, the step a prior must name. */
    @Test
    void aStepOnTheRootHandlerCountsUnderTheServletPath() throws Exception {
        HttpResponse<String> skipped = post("/v1/api/after-home", "{}", "s5");
        int home = get("/v1/", "s6").statusCode();
        HttpResponse<String> afterHome = post("/v1/api/after-home", "{}", "s6");

        assertThat(skipped.statusCode()).isEqualTo(403);
        assertThat(home).isEqualTo(200);
        assertThat(afterHome.statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> get(String path, String session) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("X-Session", session)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String json, String session) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Content-Type", "application/json")
                        .header("X-Session", session)
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Api.class)
    static class App {}

    record Signup(String email) {}

    @RestController
    static class Api {
        @RateLimit(name = "scores", capacity = 3, period = "1m")
        @GetMapping("/api/scores/{game}")
        String scores(@PathVariable("game") String game) {
            return game;
        }

        @RejectDisposableEmail(field = "/email")
        @PostMapping("/api/signups")
        String signUp(@RequestBody Signup signup) {
            return signup.email();
        }

        @PostMapping("/api/accounts/{id}/verify")
        String verify(@PathVariable("id") String id) {
            return id;
        }

        @RequiresPrior("POST /api/accounts/{id}/verify")
        @PostMapping("/api/accounts/{id}/payment-methods")
        String pay(@PathVariable("id") String id) {
            return id;
        }

        @GetMapping("/")
        String home() {
            return "home";
        }

        @RequiresPrior("GET /")
        @PostMapping("/api/after-home")
        String afterHome() {
            return "paid";
        }

        /** A route the browser proof guards in {@link RegisteredDispatcherServletOnServerTest}. */
        @GetMapping("/api/proved/{id}")
        String proved(@PathVariable("id") String id) {
            return id;
        }
    }
}
