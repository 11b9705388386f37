package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.spring.annotation.AbuseGuardExempt;
import io.github.abuseguard.spring.annotation.RateLimit;
import io.github.abuseguard.spring.annotation.RequiresPrior;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * review45 (its reproductions, kept): the route is the handler Spring MVC picks, also by conditions other than the
 * method (F1: {@code consumes}, {@code params}), by Spring's order of patterns (F5); a handler's marker covers
 * its own route (F4), its CORS preflight (F2), and methods as Spring reads them (F3). On a real Tomcat.
 */
@SpringBootTest(
        classes = SpringRoutingOnServerTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.sequence.session=header:X-Session",
            "abuse-guard.rate-limit.rules.api.paths=/api/**",
            "abuse-guard.rate-limit.rules.api.key=ip",
            "abuse-guard.rate-limit.rules.api.limits[0].capacity=1000",
            "abuse-guard.rate-limit.rules.api.limits[0].period=1h",
        })
class SpringRoutingOnServerTest {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    /** A literal handler with a consumes condition: Spring sends JSON to the {id} handler, which requires a prior. */
    @Test
    void aConsumesConditionOnALiteralHandlerHidesTheVariablesHandlersRequiresPrior() throws Exception {
        HttpResponse<String> r = send("POST", "/api/accounts/me/payment-methods", "s1", "application/json", null);
        // Spring MVC dispatches this to addPaymentMethod (body "card for me"): its @RequiresPrior must refuse it
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    }

    /** The same with a params condition: the client chooses whether the query parameter is there. */
    @Test
    void aParamsConditionOnALiteralHandlerHidesTheVariablesHandlersRequiresPrior() throws Exception {
        HttpResponse<String> r = send("POST", "/api/orders/latest/ship", "s2", "application/json", null);
        // Spring MVC dispatches this (no ?preview) to ship (body "shipped latest"): its @RequiresPrior must refuse it
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    }

    /** A CORS preflight for a partner's fetch of a @AbuseGuardExempt GET: was exempt, now refused as cross-site. */
    @Test
    void aPreflightOfAnExemptReadPasses() throws Exception {
        HttpRequest preflight = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/public/feed/1"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://partner.example")
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization")
                .header("Sec-Fetch-Site", "cross-site")
                .header("Sec-Fetch-Mode", "cors")
                .header("Sec-Fetch-Dest", "empty")
                .build();
        HttpResponse<String> r = http.send(preflight, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isNotEqualTo(403);
    }

    /** Control: the method-less handler's limit does apply to another method. */
    @Test
    void controlTheMethodLessHandlersLimitApplies() throws Exception {
        int last = 0;
        for (int i = 0; i < 4; i++) {
            last = send("PUT", "/api/items/8", "s5", "application/json", null).statusCode();
        }
        assertThat(last).isEqualTo(429);
    }

    /** An exempt handler's pattern exempts another handler's literal path, which Spring routes elsewhere. */
    @Test
    void anExemptVariableHandlerDoesNotExemptALiteralHandlerOfItsShape() throws Exception {
        int last = 0;
        String body = null;
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = send("GET", "/api/profiles/me", "s6", null, null);
            last = r.statusCode();
            body = r.body();
        }
        assertThat(last).as("my-profile's limit of 2; last body " + body).isEqualTo(429);
    }

    /**
     * Spring ranks /api/v1/** (a wildcard, score 100) after /api/{version}/{kind} (two variables, score 2); the
     * table ranks it first for its two literal segments.
     */
    @Test
    void aDoubleWildcardWithMoreLiteralsDoesNotHideTheVariablesHandler() throws Exception {
        HttpResponse<String> r = send("POST", "/api/v1/transfers", "s7", "application/json", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    }

    /** "get" is not GET for Spring: it goes to the method-less handler, yet the exempt GET marker takes it. */
    @Test
    void aLowerCaseMethodIsNotExemptByAGetMarker() throws Exception {
        int last = 0;
        String first = null;
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = send("get", "/api/items/7", "s3", null, null);
            last = r.statusCode();
            first = first == null ? r.body() : first;
        }
        assertThat(first).as("Spring's handler of every method serves it").isEqualTo("any items 7");
        assertThat(last).as("the method-less handler's limit of 2").isEqualTo(429);
    }

    private HttpResponse<String> send(String method, String path, String session, String type, String extra)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-Session", session);
        if (type != null) {
            b.header("Content-Type", type);
        }
        b.method(
                method,
                method.equalsIgnoreCase("GET")
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("{}"));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Handlers.class)
    static class App {}

    @RestController
    static class Handlers {
        @PostMapping(value = "/api/accounts/me/payment-methods", consumes = "application/xml")
        String importXml() {
            return "xml import";
        }

        @RequiresPrior("POST /api/accounts/{id}/verify")
        @PostMapping("/api/accounts/{id}/payment-methods")
        String addPaymentMethod(@PathVariable("id") String id) {
            return "card for " + id;
        }

        @PostMapping("/api/accounts/{id}/verify")
        String verify(@PathVariable("id") String id) {
            return id;
        }

        @PostMapping(value = "/api/orders/latest/ship", params = "preview")
        String preview() {
            return "preview";
        }

        @RequiresPrior("POST /api/orders/{id}/confirm")
        @PostMapping("/api/orders/{id}/ship")
        String ship(@PathVariable("id") String id) {
            return "shipped " + id;
        }

        @PostMapping("/api/orders/{id}/confirm")
        String confirm(@PathVariable("id") String id) {
            return id;
        }

        @AbuseGuardExempt
        @GetMapping("/api/public/feed/{id}")
        String feed(@PathVariable("id") String id) {
            return "feed " + id;
        }

        @RequestMapping("/api/v1/**")
        String legacy() {
            return "legacy";
        }

        @RequiresPrior("POST /api/accounts/{id}/verify")
        @PostMapping("/api/{version}/{kind}")
        String create(@PathVariable("version") String version, @PathVariable("kind") String kind) {
            return "created " + version + " " + kind;
        }

        @AbuseGuardExempt
        @GetMapping("/api/profiles/{id}")
        String profile(@PathVariable("id") String id) {
            return "profile " + id;
        }

        @RateLimit(name = "my-profile", capacity = 2, period = "1m")
        @GetMapping("/api/profiles/me")
        String myProfile() {
            return "my profile";
        }

        @AbuseGuardExempt
        @GetMapping("/api/items/{id}")
        String item(@PathVariable("id") String id) {
            return "item " + id;
        }

        @RateLimit(name = "any-items", capacity = 2, period = "1m")
        @RequestMapping("/api/items/{id}")
        String anyItem(@PathVariable("id") String id) {
            return "any items " + id;
        }
    }
}
