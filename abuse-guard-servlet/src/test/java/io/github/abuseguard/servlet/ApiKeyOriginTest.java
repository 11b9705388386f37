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
    private static final String KEY = "widget-key-123";

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
                        .bindApiKey(KEY, List.of(WIDGET))
                        .build())))
                .guard(RateLimitGuard.builder()
                        .store(store)
                        .rule(RateLimitRule.builder("api-per-ip")
                                .path("/api/**")
                                .limit(Limit.of(100, Duration.ofHours(1)))
                                .build())
                        .rule(RateLimitRule.builder("per-key") // the partner's allowance, which others' reads spent
                                .path("/api/**")
                                .key("header:X-Api-Key")
                                .limit(Limit.of(3, Duration.ofHours(1)))
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
                .header("X-Api-Key", KEY)
                .header("Origin", WIDGET)
                .header("Sec-Fetch-Site", "cross-site")
                .header("Sec-Fetch-Mode", "cors")
                .header("Sec-Fetch-Dest", "empty");
    }

    /**
     * probe71a F1: a key bound to origins was checked on the rule's methods only, and reads with it from another
     * origin spent the partner's allowance. {@code same-site}: a page on a sibling subdomain of the API's site (a blog, a forum, user content); {@code
     * absent}: any site's page in a browser without Fetch Metadata (Safari before 16.4). Both send their own Origin.
     */
    @ParameterizedTest(name = "[Sec-Fetch-Site {0}]")
    @ValueSource(strings = {"same-site", "absent"})
    void theKeyIsRefusedOnReadsFromAnOriginItIsNotBoundTo(String site) throws Exception {
        String other = site.equals("same-site") ? "https://blog.api.example" : "https://evil.example";

        HttpResponse<String> write = server.send(keyed(other, site, "/api/orders")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("item=1")));
        assertThat(write.statusCode())
                .as("control: the key's write from %s is refused: %s", other, write.body())
                .isEqualTo(403);

        int passed = 0;
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> read =
                    server.send(keyed(other, site, "/api/orders").GET());
            if (read.statusCode() == 200) {
                passed++;
            }
        }
        HttpResponse<String> widget =
                server.send(keyed(WIDGET, "cross-site", "/api/orders").GET());

        assertThat(passed)
                .as("reads with the widget's key from %s, which the key is not bound to", other)
                .isZero();
        assertThat(widget.statusCode())
                .as("the widget's own read after them: %s", widget.body())
                .isEqualTo(200);
    }

    private HttpRequest.Builder keyed(String origin, String site, String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(server.uri(path))
                .header("X-Api-Key", KEY)
                .header("Origin", origin);
        if (!site.equals("absent")) {
            builder.header("Sec-Fetch-Site", site)
                    .header("Sec-Fetch-Mode", "cors")
                    .header("Sec-Fetch-Dest", "empty");
        }
        return builder;
    }
}
