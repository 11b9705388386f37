package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Actuator on a port of its own ({@code management.server.port}) runs in a child context with its own
 * server: abuse-guard's filter must guard it there too, with the main port's engine and store. A password on
 * the Actuator (HTTP Basic, here {@link OpsPasswordOnManagementPort}) is a login that the {@code ops-login}
 * failure rule counts; its paths cover the main port's {@code /ping} too, so a ban earned on one port holds on
 * the other.
 */
@SpringBootTest(
        classes = ManagementPortTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "management.server.port=0",
            "management.endpoints.web.exposure.include=health",
            OpsPasswordOnManagementPort.PASSWORD + "=" + ManagementPortTest.PASSWORD,
            "abuse-guard.client.trusted-proxies=127.0.0.1",
            "abuse-guard.ip-lists.deny=203.0.113.0/24",
            "abuse-guard.failure.rules.ops-login.paths=/actuator,/actuator/**,/ping",
            "abuse-guard.failure.rules.ops-login.statuses=401",
            "abuse-guard.failure.rules.ops-login.key=ip",
            "abuse-guard.failure.rules.ops-login.max-retry=3",
            "abuse-guard.failure.rules.ops-login.find-time=10m",
            "abuse-guard.failure.rules.ops-login.ban-time=15m"
        })
class ManagementPortTest {
    static final String PASSWORD = "right-password";
    private static final AtomicInteger CLIENTS = new AtomicInteger(1);

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    MeterRegistry meters;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theActuatorIsOnItsOwnPortBehindThePassword() throws Exception {
        String client = newClient();

        assertThat(managementPort).isNotEqualTo(port);
        assertThat(get(managementPort, "/actuator/health", client, OpsPasswordOnManagementPort.basic(PASSWORD))
                        .statusCode())
                .isEqualTo(200);
        assertThat(get(port, "/actuator/health", client, null).statusCode())
                .as("not on the application's port")
                .isEqualTo(404);
    }

    @Test
    void theFourthWrongPasswordOnTheManagementPortIsRefusedByTheFailureRule() throws Exception {
        String client = newClient();
        String wrong = OpsPasswordOnManagementPort.basic("guess");

        for (int guess = 1; guess <= 3; guess++) {
            assertThat(get(managementPort, "/actuator/health", client, wrong).statusCode())
                    .as("wrong password " + guess)
                    .isEqualTo(401);
        }
        HttpResponse<String> fourth = get(managementPort, "/actuator/health", client, wrong);

        assertThat(fourth.statusCode()).isEqualTo(429);
        assertThat(fourth.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(fourth.body()).contains("\"rule\":\"ops-login\"");
        assertThat(get(managementPort, "/actuator/health", client, OpsPasswordOnManagementPort.basic(PASSWORD))
                        .statusCode())
                .as("banned: the right password is not even tried")
                .isEqualTo(429);
        assertThat(get(managementPort, "/actuator/health", newClient(), OpsPasswordOnManagementPort.basic(PASSWORD))
                        .statusCode())
                .as("another address")
                .isEqualTo(200);
    }

    @Test
    void anAddressOfTheDenyListIsRefusedOnTheManagementPort() throws Exception {
        HttpResponse<String> denied =
                get(managementPort, "/actuator/health", "203.0.113.7", OpsPasswordOnManagementPort.basic(PASSWORD));

        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void aBanEarnedOnTheManagementPortHoldsOnTheApplicationsPort() throws Exception {
        String client = newClient();
        assertThat(get(port, "/ping", client, null).statusCode()).isEqualTo(200);

        for (int guess = 1; guess <= 3; guess++) {
            get(managementPort, "/actuator/health", client, OpsPasswordOnManagementPort.basic("guess"));
        }

        assertThat(get(port, "/ping", client, null).statusCode())
                .as("one engine, one store: the ban of ops-login")
                .isEqualTo(429);
        assertThat(get(port, "/ping", newClient(), null).statusCode()).isEqualTo(200);
    }

    @Test
    void theManagementPortsRequestsAreCountedUnderBoundedRoutes() throws Exception {
        String client = newClient();
        double allowedBefore = unmatchedAllowed();
        for (String path : new String[] {"/actuator/health", "/actuator/health/x1", "/actuator/x2", "/x3"}) {
            get(managementPort, path, client, OpsPasswordOnManagementPort.basic(PASSWORD));
        }

        assertThat(unmatchedAllowed() - allowedBefore)
                .as("review7: each of the management port's requests is counted, under UNMATCHED")
                .isEqualTo(4);
        assertThat(meters.find("abuseguard.decisions").counters())
                .isNotEmpty()
                .allSatisfy(counter -> assertThat(counter.getId().getTag("route"))
                        .as("a route template or UNMATCHED, never a raw path")
                        .isIn("UNMATCHED", "/ping"));
    }

    private double unmatchedAllowed() {
        return meters.find("abuseguard.decisions").tag("outcome", "allow").tag("route", "UNMATCHED").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count)
                .sum();
    }

    private static String newClient() {
        return "198.51.100." + CLIENTS.getAndIncrement();
    }

    private HttpResponse<String> get(int serverPort, String path, String client, String authorization)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serverPort + path))
                .header("X-Forwarded-For", client);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Ping.class)
    static class App {}

    @RestController
    static class Ping {
        @GetMapping("/ping")
        String ping() {
            return "pong";
        }
    }
}
