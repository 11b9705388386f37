package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.springframework.web.bind.annotation.RestController;

/**
 * review143 F5: probe80a F4's {@code stillMonitored} names the routes on trial that only report a ban, but not the
 * engine in monitor mode ({@code abuse-guard.mode=monitor}, a site trying the library out), under which every route
 * only reports it: the ban answers 200 with nothing said and the banned client goes on being served everywhere.
 */
@SpringBootTest(
        classes = Review143BanUnderMonitorModeTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "management.endpoint.abuseguardcontrol.access=unrestricted",
            "management.endpoints.web.exposure.include=abuseguardcontrol",
            "abuse-guard.mode=monitor",
            "abuse-guard.client.trusted-proxies=127.0.0.1/32",
            "abuse-guard.rate-limit.rules.api.paths=/api/**",
            "abuse-guard.rate-limit.rules.api.limits[0].capacity=50",
            "abuse-guard.rate-limit.rules.api.limits[0].period=1m",
        })
class Review143BanUnderMonitorModeTest {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aBanUnderTheEnginesMonitorModeSaysItOnlyReports() throws Exception {
        HttpResponse<String> ban = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/abuseguardcontrol/ban"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"203.0.113.61\",\"duration\":\"PT1H\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        int after = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/x"))
                                .header("X-Forwarded-For", "203.0.113.61")
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();

        assertThat(ban.statusCode()).as("ban: %s", ban.body()).isEqualTo(200);
        assertThat(after == 403 || ban.body().contains("\"stillMonitored\""))
                .as("the banned client got %s after the ban answered %s", after, ban.body())
                .isTrue();
    }

    @RestController
    static class Api {
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
