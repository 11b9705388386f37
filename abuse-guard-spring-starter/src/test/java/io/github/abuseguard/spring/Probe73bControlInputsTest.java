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

/** probe73b: what the live control endpoint takes as a rule, a key, a duration. */
@SpringBootTest(
        classes = Probe73bControlInputsTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "management.endpoint.abuseguardcontrol.access=unrestricted",
            "management.endpoints.web.exposure.include=abuseguardcontrol,abuseguard",
            "abuse-guard.rate-limit.rules.api.paths=/api/**",
            "abuse-guard.rate-limit.rules.api.limits[0].capacity=5",
            "abuse-guard.rate-limit.rules.api.limits[0].period=1m",
        })
class Probe73bControlInputsTest {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> post(String action, String json) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/abuseguardcontrol/" + action))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A key with a control character is refused because it would forge audit lines (probe52d F9); a rule name is
     * written into the same audit line, and a guard that describes no rules (the live-ban guard the endpoint itself
     * adds) takes any rule name: a line break in it starts a second audit line of the caller's choosing, and the
     * switch, which switches nothing, is answered 200 and listed.
     */
    @Test
    void aRuleNameCannotForgeAnAuditLine() throws Exception {
        HttpResponse<String> answer = post(
                "mode",
                "{\"guard\":\"live-ban\",\"rule\":\"x\\n2026-12-07T04:40:33Z INFO io.github.abuseguard.audit :"
                        + " abuse-guard control: ops lifted the ban of client key 203.0.113.7\",\"mode\":\"monitor\"}");

        assertThat(answer.statusCode()).as("answer: %s", answer.body()).isEqualTo(400);
        assertThat(answer.body()).doesNotContain("switchedModes");
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {}
}
