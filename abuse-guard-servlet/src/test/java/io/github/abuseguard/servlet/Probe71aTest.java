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
 * probe71a F1: a key bound to origins ("a request with this key must come from one of them", {@link
 * OriginRule.Builder#bindApiKey}) is checked on the methods the rule watches only. A read of the rule's paths with the
 * partner's key from an origin the key is not bound to passes: from a sibling subdomain's page (Fetch Metadata
 * {@code same-site}, which the cross-site check lets through) or from a browser without Fetch Metadata. Each such read
 * spends the partner's {@code header:X-Api-Key} budget, and the partner's own widget is then refused 429.
 */
class Probe71aTest {
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
                        .rule(RateLimitRule.builder("per-key")
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

    /**
     * {@code same-site}: a page on a sibling subdomain of the API's site (a blog, a forum, user content); {@code
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
