package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.RateLimitStatus;
import io.github.abuseguard.ResponseHints;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.catalina.LifecycleException;
import org.junit.jupiter.api.Test;

/**
 * On a real Tomcat the filter hands the rate-limit fields to the connector as bytes: the fields a client
 * reads must be exactly those {@code setHeader} gives on any other container, request after request on
 * one connection, for every rule of a route, on throttled answers, and whatever the application does
 * with the fields afterwards.
 */
class TomcatFieldsTest {

    /** Two rules on one route, one of them of two limits; a frozen clock makes every reset exact. */
    private static AbuseGuardFilter filter() {
        FakeTimeSource time = new FakeTimeSource();
        RateLimitGuard guard = RateLimitGuard.builder()
                .store(LocalStateStore.builder().timeSource(time).build())
                .rule(RateLimitRule.builder("per-ip")
                        .path("/api/**")
                        .limit(Limit.of(50, Duration.ofMinutes(5)))
                        .build())
                .rule(RateLimitRule.builder("burst")
                        .path("/api/burst/**")
                        .limit(Limit.of(3, Duration.ofSeconds(10)))
                        .limit(Limit.of(100, Duration.ofHours(1)))
                        .build())
                .build();
        return AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(guard).timeSource(time).build())
                .build();
    }

    @Test
    void theRemainingCountAndResetOfEachRequestReachTheClientExactly() throws Exception {
        try (Server server = new Server(filter())) {
            for (int i = 1; i <= 30; i++) {
                HttpResponse<String> response = server.get("/api/items/" + i);

                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("bytes=true");
                assertThat(response.headers().allValues("RateLimit-Policy")).containsExactly("\"per-ip\";q=50;w=300");
                assertThat(response.headers().allValues("RateLimit"))
                        .containsExactly("\"per-ip\";r=" + (50 - i) + ";t=" + Math.min(300, 6 * i));
                assertThat(response.headers().firstValue("Content-Length")).hasValue("10");
            }
        }
    }

    @Test
    void everyRuleOfARouteIsReportedAndTheThrottledAnswerCarriesTheRuleThatRefused() throws Exception {
        try (Server server = new Server(filter())) {
            List<String> states = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> allowed = server.get("/api/burst/x");
                assertThat(allowed.statusCode()).isEqualTo(200);
                assertThat(allowed.headers().allValues("RateLimit-Policy"))
                        .containsExactly("\"per-ip\";q=50;w=300, \"burst-10s\";q=3;w=10, \"burst-3600s\";q=100;w=3600");
                states.add(allowed.headers().firstValue("RateLimit").orElseThrow());
            }
            HttpResponse<String> throttled = server.get("/api/burst/x");

            assertThat(states)
                    .containsExactly(
                            "\"per-ip\";r=49;t=6, \"burst-10s\";r=2;t=10, \"burst-3600s\";r=2;t=36",
                            "\"per-ip\";r=48;t=12, \"burst-10s\";r=1;t=10, \"burst-3600s\";r=1;t=72",
                            "\"per-ip\";r=47;t=18, \"burst-10s\";r=0;t=10, \"burst-3600s\";r=0;t=108");
            assertThat(throttled.statusCode()).isEqualTo(429);
            assertThat(throttled.headers().allValues("RateLimit-Policy"))
                    .containsExactly("\"burst-10s\";q=3;w=10, \"burst-3600s\";q=100;w=3600");
            assertThat(throttled.headers().allValues("RateLimit"))
                    .containsExactly("\"burst-10s\";r=0;t=4, \"burst-3600s\";r=0;t=4");
            assertThat(throttled.headers().firstValue("Retry-After")).hasValue("4");
        }
    }

    @Test
    void theApplicationCanStillReplaceOrRemoveTheFields() throws Exception {
        try (Server server = new Server(filter())) {
            HttpResponse<String> replaced = server.get("/api/replace");
            HttpResponse<String> removed = server.get("/api/remove");

            assertThat(replaced.headers().allValues("RateLimit")).containsExactly("set by the application");
            assertThat(replaced.headers().allValues("RateLimit-Policy")).containsExactly("\"per-ip\";q=50;w=300");
            assertThat(removed.headers().allValues("RateLimit")).isEmpty();
            assertThat(removed.headers().allValues("RateLimit-Policy")).containsExactly("\"per-ip\";q=50;w=300");
            // the slot the removed field leaves is reused for Content-Length, written in place
            assertThat(removed.headers().firstValue("Content-Length")).hasValue("10");
            assertThat(server.get("/api/after").headers().allValues("RateLimit"))
                    .containsExactly("\"per-ip\";r=47;t=18");
        }
    }

    @Test
    void aWrappedResponseGetsTheSameFieldsThroughSetHeader() throws Exception {
        try (Server server = new Server(filter())) {
            HttpResponse<String> plain = server.get("/api/a");
            HttpResponse<String> wrapped = server.get("/api/a?wrapped");

            assertThat(plain.body()).isEqualTo("bytes=true");
            assertThat(wrapped.body()).isEqualTo("bytes=false");
            assertThat(wrapped.headers().allValues("RateLimit")).containsExactly("\"per-ip\";r=48;t=12");
            assertThat(wrapped.headers().allValues("RateLimit-Policy")).containsExactly("\"per-ip\";q=50;w=300");
        }
    }

    @Test
    void theBytesAreThoseOfTheStringField() {
        List<List<RateLimitStatus>> cases = List.of(
                List.of(new RateLimitStatus("per-ip", 100, 300, 0, 1)),
                List.of(new RateLimitStatus("per-ip", 100, 300, 99, 300)),
                List.of(new RateLimitStatus("we\"ird\\name\u0007é", 3, 60, 123456789012L, 9)),
                List.of(
                        new RateLimitStatus("a", 1, 1, Long.MAX_VALUE, Long.MIN_VALUE),
                        new RateLimitStatus("b", 1, 1, -1, 10),
                        new RateLimitStatus("", 1, 1, 1000, 99999)));
        for (List<RateLimitStatus> statuses : cases) {
            assertThat(stateField(statuses)).isEqualTo(ResponseHints.stateField(statuses));
        }
        assertThat(stateField(cases.get(0))).isEqualTo("\"per-ip\";r=0;t=1");
    }

    private static String stateField(List<RateLimitStatus> statuses) {
        ResponseHints hints = ResponseHints.of(statuses);
        byte[] field = new byte[hints.rateLimitFieldLength()];
        hints.rateLimitField(field);
        return new String(field, StandardCharsets.ISO_8859_1);
    }

    @Test
    void aPolicyFieldCannotEndTheHeaderLine() {
        String policy = "\"a\";q=1;w=1\r\nSet-Cookie: x=1\u0000\u007f\tok \u00e9\u20ac";
        byte[] field = new byte[policy.length()];

        RateLimitFields.putLatin1(policy, field);

        assertThat(new String(field, StandardCharsets.ISO_8859_1))
                .isEqualTo("\"a\";q=1;w=1  Set-Cookie: x=1  \tok \u00e9?");
    }

    /**
     * Tomcat recycles a response's header slots with their buffers between the requests of a processor:
     * the fields go into those buffers, so a later response allocates no array for them.
     */
    @Test
    void theFieldsOfALaterResponseGoIntoTheBuffersOfTheSlotsTomcatRecycled() {
        org.apache.coyote.Response coyote = new org.apache.coyote.Response();
        org.apache.catalina.connector.Response connector = new org.apache.catalina.connector.Response(coyote);
        HttpServletResponse response = connector.getResponse();
        assertThat(TomcatFields.writes(response)).isTrue();
        byte[] name = "RateLimit".getBytes(StandardCharsets.US_ASCII);

        byte[] first = TomcatFields.field(response, "RateLimit", name, 19);
        System.arraycopy("\"per-ip\";r=599;t=60".getBytes(StandardCharsets.US_ASCII), 0, first, 0, 19);
        byte[] firstName = coyote.getMimeHeaders().getName(0).getByteChunk().getBuffer();
        assertThat(coyote.getMimeHeaders().getHeader("RateLimit")).isEqualTo("\"per-ip\";r=599;t=60");
        coyote.recycle(); // what Tomcat does when the request is done
        byte[] second = TomcatFields.field(response, "RateLimit", name, 18);
        System.arraycopy("\"per-ip\";r=98;t=60".getBytes(StandardCharsets.US_ASCII), 0, second, 0, 18);

        assertThat(second).isSameAs(first);
        assertThat(coyote.getMimeHeaders().getName(0).getByteChunk().getBuffer())
                .isSameAs(firstName);
        assertThat(coyote.getMimeHeaders().size()).isEqualTo(1);
        assertThat(coyote.getMimeHeaders().getName(0).getType())
                .isEqualTo(org.apache.tomcat.util.buf.MessageBytes.T_BYTES);
        assertThat(coyote.getMimeHeaders().getName(0).toString()).isEqualTo("RateLimit");
        assertThat(coyote.getMimeHeaders().getValue(0).getType())
                .isEqualTo(org.apache.tomcat.util.buf.MessageBytes.T_BYTES);
        assertThat(coyote.getMimeHeaders().getHeader("RateLimit")).isEqualTo("\"per-ip\";r=98;t=60");
    }

    /** Tomcat on a free loopback port: the guard in front of an application that reports the response it got. */
    private static final class Server implements AutoCloseable {
        private final TestTomcat tomcat = new TestTomcat();
        private final HttpClient client = HttpClient.newHttpClient();

        Server(Filter guard) throws Exception {
            tomcat.filter("wrapper", (request, response, chain) -> {
                HttpServletRequest http = (HttpServletRequest) request;
                chain.doFilter(
                        request,
                        "wrapped".equals(http.getQueryString())
                                ? new HttpServletResponseWrapper((HttpServletResponse) response)
                                : response);
            });
            tomcat.filter("guard", guard);
            tomcat.servlet("app", "/*", new HttpServlet() {
                @Override
                protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                    if (request.getRequestURI().endsWith("/replace")) {
                        response.setHeader("RateLimit", "set by the application");
                    } else if (request.getRequestURI().endsWith("/remove")) {
                        response.setHeader("RateLimit", null);
                    }
                    byte[] body = ("bytes=" + TomcatFields.writes(response)).getBytes(StandardCharsets.US_ASCII);
                    response.setContentLength(body.length);
                    response.getOutputStream().write(body);
                }
            });
            tomcat.start();
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return client.send(HttpRequest.newBuilder(tomcat.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
        }

        @Override
        public void close() throws LifecycleException {
            tomcat.close();
        }
    }
}
