package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;

/**
 * The demo with the Actuator on a port of its own, as README advises ({@code management.server.port}):
 * Spring Boot serves it from a child context with its own server and Spring Security's filter chain; the
 * {@code actuator-login} rule must count the operator's password there as on the application's port.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "management.server.port=0",
            "management.server.address=127.0.0.1",
            "abuse-guard.client.trusted-proxies=127.0.0.1",
            Operator.NAME,
            Operator.PASSWORD,
            Operator.ROLES
        })
class ManagementPortTest {
    private static final String WRONG =
            "Basic " + Base64.getEncoder().encodeToString("ops:wrong".getBytes(StandardCharsets.UTF_8));

    @LocalManagementPort
    int managementPort;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theEleventhWrongPasswordOnTheManagementPortIsRefusedBeforeSpringSecurity() throws Exception {
        String client = "203.0.113.91";
        for (int guess = 1; guess <= 10; guess++) {
            assertThat(status("/actuator/metrics", client, WRONG))
                    .as("wrong password " + guess)
                    .isEqualTo(401);
        }

        assertThat(status("/actuator/metrics", client, WRONG)).isEqualTo(429);
        assertThat(status("/actuator/metrics", client, Operator.AUTHORIZATION))
                .as("banned: the right password is not tried either")
                .isEqualTo(429);
        assertThat(status("/actuator/metrics", "203.0.113.92", Operator.AUTHORIZATION))
                .as("the operator from another address")
                .isEqualTo(200);
    }

    private int status(String path, String client, String authorization) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                                .header("X-Forwarded-For", client)
                                .header("Authorization", authorization)
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
