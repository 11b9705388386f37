package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;

/**
 * probe73c: a sign-up spammer after as many accounts an hour as it can get. Both tests fail on the demo as it
 * is: they state the bound the spammer's resources should get, not what it gets now. The guards' clock stands
 * still (SignUpCrowdTest's clock), so no token comes back while a test runs.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.client.trusted-proxies=127.0.0.1",
            "spring.application.name=sign-up-allocation" // a context of its own, never shared
        })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SignUpAllocationTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @TestConfiguration
    static class Clock {
        @Bean
        SignUpCrowdTest.StillClock abuseGuardTimeSource() {
            return new SignUpCrowdTest.StillClock();
        }
    }

    private HttpResponse<String> signUp(String client, String email) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/accounts"))
                .header("X-Forwarded-For", client)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\"}", StandardCharsets.UTF_8))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * probe73c F1: the demo bounded sign-ups per address (5 per 10 min) and per network (30 per IPv4 /24 or IPv6 /48),
     * and nothing between a network and the whole site. A hosting customer's /44 (16 /48s; a tunnel broker's free /48s
     * likewise) opens 16 x 30 = 480 accounts in one window, 2,880 an hour; a /40, 256 /48s, is held only by the
     * site-wide 1,000 a minute, and refuses every customer's sign-up while it keeps that spent. The `allocation` key
     * (IPv4 /16, IPv6 /32) bounds them: 100 per 10 minutes (sign-up-allocation).
     */
    @Test
    void oneIpv6AllocationRotatingItsSitesOpensAtMostAHundredAccountsPerWindow() throws Exception {
        int created = 0;
        for (int site = 0; site < 16; site++) { // 2001:db8:40::/44 holds 2001:db8:40::/48 .. 2001:db8:4f::/48
            for (int net = 0; net < 35; net++) {
                String client = "2001:db8:" + Integer.toHexString(0x40 + site) + ":" + Integer.toHexString(net) + "::1";
                HttpResponse<String> answer = signUp(client, "s" + site + "n" + net + "@spam-catchall.example");
                if (answer.statusCode() == 201) {
                    created++;
                } else {
                    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(429);
                }
            }
        }
        assertThat(created)
                .as("accounts one /44 opened in one 10-minute window (16 sites x 30 before)")
                .isEqualTo(100);
        assertThat(signUp("2001:db8:99:1::1", "fresh-network@gmail.com").body())
                .as("a fresh /48 of the same /32")
                .contains("\"rule\":\"sign-up-allocation\"");
        assertThat(signUp("2001:db9:1:1::1", "another-allocation@gmail.com").statusCode())
                .as("a customer of another /32")
                .isEqualTo(201);
    }
}
