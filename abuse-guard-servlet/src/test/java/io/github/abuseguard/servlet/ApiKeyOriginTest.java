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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * user69 F1 (the report's F3 in its test): README's origin example binds an API key to a widget's origin ("this key may only be used from these
 * origins"). The widget's browser POST with that key passes the cross-site check, its GET of the same route is
 * refused 403 cross-site-request: an origin rule protects POST, PUT, PATCH and DELETE only, and the cross-site check
 * takes a key's origins "for the request's method".
 */
class ApiKeyOriginTest {
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

    @Test
    void theWidgetTheKeyIsBoundToReadsAsItWrites() throws Exception {
        HttpResponse<String> write = server.send(fromWidget("/api/orders")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("item=1")));
        assertThat(write.statusCode())
                .as("control: the bound origin writes: %s", write.body())
                .isEqualTo(200);

        HttpResponse<String> read = server.send(fromWidget("/api/orders").GET());
        assertThat(read.statusCode())
                .as("the key's own origin reads the route it may write: %s", read.body())
                .isEqualTo(200);
    }

    /** review118 F2: a preflight names the key's header but never carries the key; its call is checked with it. */
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

    private HttpRequest.Builder fromWidget(String path) {
        return HttpRequest.newBuilder(server.uri(path))
                .header("X-Api-Key", "widget-key-123")
                .header("Origin", WIDGET)
                .header("Sec-Fetch-Site", "cross-site")
                .header("Sec-Fetch-Mode", "cors")
                .header("Sec-Fetch-Dest", "empty");
    }
}
