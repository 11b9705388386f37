package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.TimeSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;

/**
 * probe11's shape on the demo: a crowd of addresses, each within the per-address sign-up limit (5 per 10
 * minutes), filled the demo's 10,000 accounts in a minute. The site-wide cap ({@code sign-up-site},
 * {@code key: global}, 1,000 a minute) lets at most 1,000 sign-ups through per minute whatever the number of
 * addresses, while the per-address rule still refuses the sixth sign-up of one address, and an address
 * hammering the route alone spends nothing of the cap. The guards' clock stands still unless the test moves it,
 * so no token comes back while the crowd runs and the figures are exact.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.client.trusted-proxies=127.0.0.1",
            "spring.application.name=sign-up-crowd" // a context of its own, never shared
        })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SignUpCrowdTest {
    private static final int CAP = 1_000;

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    StillClock clock;

    /** A clock that moves only when the test moves it: every guard and the store read it. */
    static final class StillClock implements TimeSource {
        private final long startNanos = System.nanoTime();
        private final Instant startInstant = Instant.now();
        private final AtomicLong aheadNanos = new AtomicLong();

        @Override
        public long nanoTime() {
            return startNanos + aheadNanos.get();
        }

        @Override
        public Instant instant() {
            return startInstant.plusNanos(aheadNanos.get());
        }

        void advance(Duration duration) {
            aheadNanos.addAndGet(duration.toNanos());
        }
    }

    @TestConfiguration
    static class Clock {
        @Bean
        StillClock abuseGuardTimeSource() {
            return new StillClock();
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

    /** The n-th address of the crowd, each in a /16 of its own (and so a /24): no per-network or allocation rule sees two. */
    private static String member(int n) {
        return (20 + (n >> 8 & 127)) + "." + (n & 255) + ".0.9";
    }

    @Test
    void aCrowdOfAddressesGetsAtMostTheCapThroughPerMinuteWhileThePerAddressRuleStillHolds() throws Exception {
        // One address alone: five sign-ups, then its own rule; its 50 refused tries spend nothing of the cap.
        for (int i = 0; i < 5; i++) {
            assertThat(signUp("203.0.113.5", "alone" + i + "@example.com").statusCode())
                    .isEqualTo(201);
        }
        for (int i = 0; i < 50; i++) {
            HttpResponse<String> refused = signUp("203.0.113.5", "again" + i + "@example.com");
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.body()).contains("\"rule\":\"sign-up\"");
        }
        // Its refused tries spent nothing of its network's budget either: a neighbour in its /24 signs up.
        assertThat(signUp("203.0.113.6", "neighbour-of-alone@example.com").statusCode())
                .isEqualTo(201);

        // The crowd: 300 addresses, five sign-ups each, as fast as the server answers.
        int created = 0;
        int capped = 0;
        for (int n = 0; n < 300; n++) {
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> answer = signUp(member(n), "crowd" + n + "x" + i + "@example.com");
                if (answer.statusCode() == 201) {
                    created++;
                    continue;
                }
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(429);
                assertThat(answer.body())
                        .contains("\"rule\":\"sign-up-site\"")
                        .contains("\"reason\":\"capacity-reached\"")
                        .contains("#temporary-reduced-capacity")
                        .doesNotContain(CAP + " requests");
                assertThat(answer.headers().firstValue("Retry-After")).isPresent();
                assertThat(answer.headers().firstValue("RateLimit-Policy").orElse(""))
                        .as("what is left of the cap is the site's traffic: never shown")
                        .doesNotContain("sign-up-site");
                assertThat(answer.headers().firstValue("RateLimit").orElse("")).doesNotContain("sign-up-site");
                capped++;
            }
        }
        assertThat(created)
                .as("the cap, less the lone address's five and its neighbour's one")
                .isEqualTo(CAP - 6);
        assertThat(capped).isEqualTo(1_500 - (CAP - 6));

        // A customer during the crowd is refused too: that is what a cap does. A minute later it gets in.
        assertThat(signUp("192.0.2.44", "ann@example.com").statusCode()).isEqualTo(429);
        clock.advance(Duration.ofMinutes(1));
        HttpResponse<String> later = signUp("192.0.2.44", "ann@example.com");
        assertThat(later.statusCode()).isEqualTo(201);
        assertThat(later.headers().firstValue("RateLimit-Policy").orElseThrow())
                .as("the per-address quota is still reported")
                .contains("\"sign-up\"")
                .doesNotContain("sign-up-site");
    }

    @Test
    void oneIpv6SiteRotatingItsNetworksSpendsThirtySignUpsNotTheCap() throws Exception {
        clock.advance(Duration.ofMinutes(1)); // whatever another test spent of the cap is back
        // One subscriber's /48 holds 65,536 /64s, each a new address to the per-address rule (review14 F4).
        int created = 0;
        for (int n = 0; n < 60; n++) {
            HttpResponse<String> answer =
                    signUp("2001:db8:77:" + Integer.toHexString(n) + "::1", "site" + n + "@example.com");
            if (answer.statusCode() == 201) {
                created++;
                continue;
            }
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(429);
            assertThat(answer.body()).contains("\"rule\":\"sign-up-network\"");
        }
        assertThat(created).as("the network's 30, not the site-wide 1,000").isEqualTo(30);

        // Another /48, and an IPv4 address, are other networks: they still sign up.
        assertThat(signUp("2001:db8:78::1", "neighbour@example.com").statusCode())
                .isEqualTo(201);
        assertThat(signUp("198.51.100.7", "v4@example.com").statusCode()).isEqualTo(201);
        clock.advance(Duration.ofMinutes(1)); // the cap is whole again for another test
    }
}
