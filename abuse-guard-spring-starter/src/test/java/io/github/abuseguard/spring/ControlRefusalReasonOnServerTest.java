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

/**
 * user65 F1: an operator following "Monitor first, then enforce" with {@code abuse-guard.mode=monitor} asks the
 * control endpoint to enforce a rule and gets a bare {@code 400 Bad Request}: the endpoint's reason ("abuse-guard.mode
 * is monitor, which wins over any switch ... restart with abuse-guard.mode=enforce") never reaches the caller, so an
 * unknown rule, a misspelt guard and this refusal all look the same.
 */
@SpringBootTest(
        classes = ControlRefusalReasonOnServerTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.mode=monitor",
            "management.endpoint.abuseguardcontrol.access=unrestricted",
            "management.endpoints.web.exposure.include=abuseguardcontrol",
        })
class ControlRefusalReasonOnServerTest {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aRefusedEnforceSwitchTellsTheOperatorWhy() throws Exception {
        HttpResponse<String> answer = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/abuseguardcontrol/mode"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"guard\":\"rate-limit\",\"rule\":\"login\",\"mode\":\"enforce\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body())
                .as("the reason the README promises reaches the operator")
                .contains("abuse-guard.mode is monitor");
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {}
}
