package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Mode;
import io.github.abuseguard.origin.MissingOriginPolicy;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * review118 F2: 34fda9a5 lets a request carrying an origin-bound API key pass the cross-site check on every method, as
 * User69ApiKeyOriginGetTest shows with a GET sent as no browser sends it. X-Api-Key is not a CORS-safelisted header:
 * a browser asks a preflight first, and a preflight never carries the key's value (only its name, in
 * Access-Control-Request-Headers). The preflight is refused 403 cross-site-request, for GET as for POST, so the
 * widget's browser reads (and writes) nothing; README: "the widget's browser reads /api/** with its key from its
 * origin past the cross-site check as it writes there".
 */
class Review118ApiKeyPreflightTest {
    private static final String WIDGET = "https://widget.example";

    private final LocalStateStore store =
            LocalStateStore.builder().maximumKeys(1_000).build();
    private AbuseGuard engine;
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        engine = AbuseGuard.builder()
                .guard(OriginGuard.of(List.of(OriginRule.builder("api")
                        .path("/api/**")
                        .missing(MissingOriginPolicy.ALLOW, 40)
                        .bindApiKey("widget-key-123", List.of(WIDGET))
                        .build())))
                .guard(RateLimitGuard.builder()
                        .store(store)
                        .rule(RateLimitRule.builder("api-per-ip")
                                .path("/api/**")
                                .limit(Limit.of(100, Duration.ofHours(1)))
                                .build())
                        .build())
                .mode(Mode.ENFORCE)
                .build();
        server = new TestServer(AbuseGuardFilter.builder().engine(engine).build());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        engine.close();
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"GET", "POST"})
    void theBrowsersPreflightOfAKeyedCallPasses(String method) throws Exception {
        HttpResponse<String> preflight = server.send(HttpRequest.newBuilder(server.uri("/api/orders"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", WIDGET)
                .header("Access-Control-Request-Method", method)
                .header("Access-Control-Request-Headers", "x-api-key")
                .header("Sec-Fetch-Site", "cross-site")
                .header("Sec-Fetch-Mode", "cors")
                .header("Sec-Fetch-Dest", "empty"));
        assertThat(preflight.statusCode())
                .as("the preflight a browser sends before the keyed %s: %s", method, preflight.body())
                .isEqualTo(200);
    }
}
