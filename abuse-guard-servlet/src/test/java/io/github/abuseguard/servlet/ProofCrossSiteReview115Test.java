package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Mode;
import io.github.abuseguard.origin.OriginGuard;
import io.github.abuseguard.origin.OriginRule;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.LocalStateStore;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * review115: 03343327 refuses the browser proof's POST "as a watched route is" when the cross-site policy refuses it,
 * but a watched route lets through a cross-site request whose Origin an origin rule covering it lists
 * ({@code AbuseGuard#anyAllowsCrossSite}, review77 F9): the proof asks the policy alone, so a front end an origin
 * rule over {@code /**} lets into every watched route is refused the proof.
 */
class ProofCrossSiteReview115Test {
    private static final Pattern CHALLENGE = Pattern.compile("\"challenge\":\"([^\"]+)\"");
    private static final String PARTNER = "https://partner.example";

    private final LocalStateStore store =
            LocalStateStore.builder().maximumKeys(1_000).build();
    private AbuseGuard engine;
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        engine = AbuseGuard.builder()
                .guard(OriginGuard.of(List.of(OriginRule.builder("front-ends")
                        .path("/**")
                        .allowOrigin(PARTNER)
                        .build())))
                .guard(RateLimitGuard.builder()
                        .store(store)
                        .rule(RateLimitRule.builder("orders")
                                .path("/app/**")
                                .limit(Limit.of(100, Duration.ofHours(1)))
                                .build())
                        .build())
                .mode(Mode.ENFORCE)
                .build();
        server = new TestServer(AbuseGuardFilter.builder()
                .engine(engine)
                .proof("/abuse-guard/proof", 8, Duration.ofMinutes(2), "this site's proof secret")
                .build());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        engine.close();
    }

    @Test
    void aFrontEndAnOriginRuleListsProvesAsItCallsAWatchedRoute() throws Exception {
        HttpResponse<String> watched = server.send(fromPartner("/app/orders")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("item=1")));
        assertThat(watched.statusCode())
                .as("control: the watched route lets the listed origin in")
                .isEqualTo(200);

        Matcher asked = CHALLENGE.matcher(server.get("/abuse-guard/proof").body());
        assertThat(asked.find()).isTrue();
        String form = "challenge=" + asked.group(1) + "&nonce=" + ProofSolver.nonce(asked.group(1), 8);
        HttpResponse<String> proved = server.send(fromPartner("/abuse-guard/proof")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));

        assertThat(proved.statusCode())
                .as("the proof is refused as a watched route is, not more: %s", proved.body())
                .isEqualTo(204);
    }

    private HttpRequest.Builder fromPartner(String path) {
        return HttpRequest.newBuilder(server.uri(path))
                .header("Origin", PARTNER)
                .header("Sec-Fetch-Site", "cross-site")
                .header("Sec-Fetch-Mode", "cors")
                .header("Sec-Fetch-Dest", "empty");
    }
}
