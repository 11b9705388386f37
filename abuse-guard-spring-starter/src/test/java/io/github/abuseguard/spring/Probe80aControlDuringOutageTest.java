package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * probe80a: the live control endpoint while the shared store is down, under the outage policies other than
 * {@code local-fallback}. README "Live control": "a ban or unban made while the shared store is down is kept and
 * written to it when it is back"; "Shared state on Redis": {@code fail-open} allows and reports, {@code fail-closed}
 * refuses guarded requests.
 */
class Probe80aControlDuringOutageTest {

    private final HttpClient http = HttpClient.newHttpClient();

    /** A Redis URI nothing answers on: a port taken and closed again. */
    private static String deadRedis() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "redis://127.0.0.1:" + socket.getLocalPort();
        }
    }

    private static ConfigurableApplicationContext instance(String policy, boolean control) throws Exception {
        return new SpringApplicationBuilder(App.class)
                .properties(
                        "server.port=0",
                        "management.endpoint.abuseguardcontrol.access=" + (control ? "unrestricted" : "none"),
                        "management.endpoints.web.exposure.include=abuseguardcontrol,abuseguard",
                        "abuse-guard.store.type=redis",
                        "abuse-guard.store.redis.uri=" + deadRedis(),
                        "abuse-guard.store.redis.timeout=100ms",
                        "abuse-guard.store.redis.outage-policy=" + policy,
                        "abuse-guard.store.redis.key-prefix=probe80a:outage:",
                        "abuse-guard.failure.rules.login.paths=/api/login",
                        "abuse-guard.failure.rules.login.statuses=401",
                        "abuse-guard.failure.rules.login.key=ip",
                        "abuse-guard.rate-limit.rules.api.paths=/api/**",
                        "abuse-guard.rate-limit.rules.api.limits[0].capacity=5",
                        "abuse-guard.rate-limit.rules.api.limits[0].period=1m")
                .run();
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    private HttpResponse<String> send(int port, String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(
                method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Under {@code fail-open} with Redis down, every operation of the control endpoint answers 500 (Spring's error
     * page, no reason): the ban an operator sets during the outage is neither taken nor kept, an unban neither, and
     * the listing and the {@code abuseguard} report fail too, exactly when the operator needs them. Under
     * {@code local-fallback} the same calls answer 200 and the ban is kept.
     */
    @Test
    void underFailOpenABanDuringAnOutageIsKeptNotA500() throws Exception {
        try (ConfigurableApplicationContext app = instance("fail-open", true)) {
            HttpResponse<String> ban = send(
                    port(app),
                    "POST",
                    "/actuator/abuseguardcontrol/ban",
                    "{\"key\":\"203.0.113.7\",\"duration\":\"PT1H\"}");
            HttpResponse<String> unban =
                    send(port(app), "POST", "/actuator/abuseguardcontrol/unban", "{\"key\":\"198.51.100.9\"}");
            HttpResponse<String> listing = send(port(app), "GET", "/actuator/abuseguardcontrol", null);
            HttpResponse<String> report = send(port(app), "GET", "/actuator/abuseguard", null);

            assertThat(ban.statusCode()).as("ban: %s", ban.body()).isEqualTo(200);
            assertThat(unban.statusCode()).as("unban: %s", unban.body()).isEqualTo(200);
            assertThat(listing.statusCode()).as("listing: %s", listing.body()).isEqualTo(200);
            assertThat(report.statusCode()).as("report: %s", report.body()).isEqualTo(200);
        }
    }

    /**
     * Under {@code fail-closed}, opening the control endpoint adds the live-ban guard, which asks the store about every
     * request of every path: with Redis down a route no rule names is refused 503, as is every Actuator endpoint (the
     * control endpoint's own mode switch, which is the instance's and needs no store, included). Without the
     * endpoint the same route is served: README says fail-closed refuses guarded requests.
     */
    @Test
    void underFailClosedARouteNoRuleNamesIsServedWhetherOrNotTheControlEndpointIsOpen() throws Exception {
        int withoutControl;
        try (ConfigurableApplicationContext app = instance("fail-closed", false)) {
            withoutControl = send(port(app), "GET", "/free", null).statusCode();
        }
        try (ConfigurableApplicationContext app = instance("fail-closed", true)) {
            HttpResponse<String> free = send(port(app), "GET", "/free", null);
            HttpResponse<String> mode = send(
                    port(app),
                    "POST",
                    "/actuator/abuseguardcontrol/mode",
                    "{\"guard\":\"rate-limit\",\"rule\":\"api\",\"mode\":\"monitor\"}");

            assertThat(withoutControl).as("no rule names /free").isEqualTo(200);
            assertThat(free.statusCode())
                    .as("the same route with the control endpoint open: %s", free.body())
                    .isEqualTo(200);
            assertThat(mode.statusCode())
                    .as("a mode switch is the instance's own: %s", mode.body())
                    .isEqualTo(200);
        }
    }

    @RestController
    static class Api {
        @GetMapping("/free")
        String free() {
            return "free";
        }

        @GetMapping("/api/x")
        String x() {
            return "x";
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Api.class)
    static class App {}
}
