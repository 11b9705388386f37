package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardEvent;
import io.github.abuseguard.GuardListener;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.Mode;
import io.github.abuseguard.identity.ClientResolver;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class AbuseGuardFilterTest {

    private static RateLimitGuard perIp(long capacity) {
        return RateLimitGuard.builder()
                .rule(RateLimitRule.builder("per-ip")
                        .path("/api/**")
                        .limit(Limit.of(capacity, Duration.ofMinutes(5)))
                        .build())
                .build();
    }

    /** A guard that reads a body field, as the e-mail guard will. */
    private static Guard bodyReader(List<String> seen) {
        return new Guard() {
            @Override
            public String name() {
                return "body-reader";
            }

            @Override
            public Decision check(GuardRequest request) {
                io.github.abuseguard.BodyField field = request.bodyField("/name");
                seen.add(
                        field.isUnreadable()
                                ? field.unreadableReason().reason()
                                : field.values().isEmpty() ? "null" : String.join(",", field.values()));
                return Decision.allow();
            }
        };
    }

    /**
     * probe46b F4: a body a guard read was decoded by the filter's reader in UTF-8 where the request named no
     * charset, and by Jetty's own in ISO-8859-1: the application read {@code café} on a guarded route and {@code
     * cafÃ©} on an unguarded one. The reader decodes as the container's does.
     */
    @Test
    void theApplicationsReaderDecodesAGuardedBodyAsTheContainersReaderWould() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(bodyReader(seen)).build())
                .build();
        jakarta.servlet.http.HttpServlet readsText = new jakarta.servlet.http.HttpServlet() {
            @Override
            protected void service(
                    jakarta.servlet.http.HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response)
                    throws java.io.IOException {
                String text = request.getReader().readLine();
                response.getWriter()
                        .print(text.codePoints().mapToObj(Integer::toString).toList());
            }
        };
        byte[] body = TestServer.utf8("{\"name\":\"café\"}");
        AbuseGuardFilter unguarded =
                AbuseGuardFilter.builder().engine(AbuseGuard.builder().build()).build();
        try (TestServer server = new TestServer(filter, readsText);
                TestServer plain = new TestServer(unguarded, readsText)) {
            for (String type : new String[] {"text/plain", "application/octet-stream"}) {
                HttpResponse<String> read = server.send(HttpRequest.newBuilder(server.uri("/api/upload"))
                        .header("Content-Type", type)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
                HttpResponse<String> readByJetty = plain.send(HttpRequest.newBuilder(plain.uri("/api/upload"))
                        .header("Content-Type", type)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
                assertThat(read.body()).as(type).isEqualTo(readByJetty.body());
            }
            assertThat(seen).as("the guard read the body").isNotEmpty();
        }
    }

    @Test
    void overTheLimitTheClientGets429WithRetryAfterRateLimitFieldsAndAProblem() throws Exception {
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(perIp(3)).build())
                .build();
        try (TestServer server = new TestServer(filter)) {
            for (int i = 0; i < 3; i++) {
                assertThat(server.get("/api/images/1").statusCode()).isEqualTo(200);
            }

            HttpResponse<String> denied = server.get("/api/images/1");

            assertThat(denied.statusCode()).isEqualTo(429);
            assertThat(denied.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(denied.headers().firstValue("Retry-After")).hasValue("100");
            assertThat(denied.headers().firstValue("RateLimit-Policy")).hasValue("\"per-ip\";q=3;w=300");
            assertThat(denied.headers().firstValue("RateLimit")).hasValue("\"per-ip\";r=0;t=100");
            assertThat(denied.body())
                    .isEqualTo("{\"type\":\"https://iana.org/assignments/http-problem-types#quota-exceeded\","
                            + "\"title\":\"Request cannot be satisfied as assigned quota has been exceeded\","
                            + "\"status\":429,\"detail\":\"Rate limit 'per-ip' exceeded: 3 requests per 300 s. "
                            + "Retry in 100 s.\",\"instance\":\"/api/images/1\",\"violated-policies\":[\"per-ip\"],"
                            + "\"guard\":\"rate-limit\",\"reason\":\"rate-limited\",\"rule\":\"per-ip\"}");
        }
    }

    @Test
    void underTheLimitTheRequestPassesUntouchedAndCarriesItsQuota() throws Exception {
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(perIp(100)).build())
                .build();
        byte[] body = TestServer.utf8("{\"name\":\"x\"}");
        try (TestServer server = new TestServer(filter)) {
            HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/api/upload"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).startsWith("length=12 sha=" + TestServer.sha256(body) + " ");
            assertThat(response.body()).endsWith("evaluated=false");
            assertThat(response.headers().firstValue("RateLimit")).hasValue("\"per-ip\";r=99;t=3");
            assertThat(server.get("/static/x").headers().firstValue("RateLimit"))
                    .isEmpty();
        }
    }

    @Test
    void theRateLimitFieldsOfAllowedRequestsCanBeSwitchedOff() throws Exception {
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(perIp(1)).build())
                .rateLimitHeaders(false)
                .build();
        try (TestServer server = new TestServer(filter)) {
            assertThat(server.get("/api/x").headers().firstValue("RateLimit")).isEmpty();
            assertThat(server.get("/api/x").headers().firstValue("RateLimit")).isPresent();
        }
    }

    @Test
    void aSpoofedForwardedForFromAnUntrustedPeerCannotEscapeItsBucket() throws Exception {
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(perIp(2)).build())
                .build();
        try (TestServer server = new TestServer(filter)) {
            int passed = 0;
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/api/x"))
                        .header("X-Forwarded-For", "198.51.100." + i)
                        .header("Forwarded", "for=198.51.100." + i));
                if (response.statusCode() == 200) {
                    passed++;
                }
            }
            assertThat(passed).isEqualTo(2);
        }
    }

    @Test
    void aTrustedProxyForwardsEachClientToItsOwnBucket() throws Exception {
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(perIp(1)).build())
                .clientResolver(
                        ClientResolver.builder().trustedProxies("127.0.0.0/8").build())
                .build();
        try (TestServer server = new TestServer(filter)) {
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> response = server.send(
                        HttpRequest.newBuilder(server.uri("/api/x")).header("X-Forwarded-For", "198.51.100." + i));
                assertThat(response.statusCode()).isEqualTo(200);
            }
        }
    }

    @Test
    void aBodyPastTheCapIsUnreadableToTheGuardAndReachesTheApplicationWhole() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(bodyReader(seen)).build())
                .maxBodyBytes(1024)
                .build();
        byte[] body = new byte[300_000];
        new Random(7).nextBytes(body);
        byte[] json = TestServer.utf8("{\"name\":\"alice\",\"blob\":\"");
        System.arraycopy(json, 0, body, 0, json.length);
        try (TestServer server = new TestServer(filter)) {
            HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/api/upload"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).startsWith("length=300000 sha=" + TestServer.sha256(body));
            assertThat(seen).containsExactly("unreadable-body:too-large");
        }
    }

    @Test
    void aChunkedBodyWithoutLengthIsReadUpToTheCapAndReplayedWhole() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(bodyReader(seen)).build())
                .maxBodyBytes(16)
                .build();
        byte[] body = TestServer.utf8("{\"name\":\"bob\"," + " ".repeat(5000) + "\"x\":1}");
        try (TestServer server = new TestServer(filter)) {
            HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/api/upload"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))));

            assertThat(response.body()).startsWith("length=" + body.length + " sha=" + TestServer.sha256(body));
            assertThat(seen).containsExactly("unreadable-body:too-large");
        }
    }

    @Test
    void aChunkedBodyWithinTheCapIsReadWholeAndReplayed() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(bodyReader(seen)).build())
                .maxBodyBytes(8192)
                .build();
        byte[] body = TestServer.utf8("{\"x\":\"" + " ".repeat(5000) + "\",\"name\":\"bob\"}");
        try (TestServer server = new TestServer(filter)) {
            HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/api/upload"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))));

            assertThat(response.body()).startsWith("length=" + body.length + " sha=" + TestServer.sha256(body));
            assertThat(seen).containsExactly("bob");
        }
    }

    @Test
    void formParametersStillReachTheApplicationAfterAGuardReadTheBody() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(bodyReader(seen)).build())
                .maxBodyBytes(8)
                .build();
        try (TestServer server = new TestServer(filter)) {
            HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/api/form?x=1"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("name=J%C3%BCrgen+Smith&other=" + "y".repeat(100))));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("name=Jürgen Smith");
            assertThat(seen).containsExactly("unreadable-body:too-large"); // longer than the 8 bytes a guard may read
        }
    }

    @Test
    void monitorModeDeniesNothingAndReportsEveryWouldBeDenial() throws Exception {
        List<GuardEvent> events = new CopyOnWriteArrayList<>();
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder()
                        .mode(Mode.MONITOR)
                        .guard(perIp(2))
                        .listener(new GuardListener() {
                            @Override
                            public void onEvent(GuardEvent event) {
                                events.add(event);
                            }
                        })
                        .build())
                .build();
        try (TestServer server = new TestServer(filter)) {
            for (int i = 0; i < 5; i++) {
                assertThat(server.get("/api/x").statusCode()).isEqualTo(200);
            }
        }
        assertThat(events).hasSize(3).allMatch(event -> event.kind() == GuardEvent.Kind.WOULD_DENY);
    }

    @Test
    void aTaggedRequestGoesOnWithItsRiskAndAClientCannotForgeTheTag() throws Exception {
        Guard tagger = new Guard() {
            @Override
            public String name() {
                return "tagger";
            }

            @Override
            public Decision check(GuardRequest request) {
                if (request.path().startsWith("/api/suspect")) {
                    return Decision.deny(Action.TAG)
                            .guard("tagger")
                            .reason("cdn-forwarded")
                            .build();
                }
                return Decision.allow();
            }
        };
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(tagger).build())
                .tagHeader("X-Abuse-Guard-Risk")
                .build();
        try (TestServer server = new TestServer(filter)) {
            HttpResponse<String> tagged = server.get("/api/suspect");
            HttpResponse<String> forged =
                    server.send(HttpRequest.newBuilder(server.uri("/api/clean")).header("X-Abuse-Guard-Risk", "0"));

            assertThat(tagged.statusCode()).isEqualTo(200);
            assertThat(tagged.body())
                    .contains("tag=0; reasons=\"cdn-forwarded\"")
                    .endsWith("evaluated=true");
            assertThat(forged.body()).contains("tag=null");
        }
        // probe46d L7: with the guards switched off, a client's value still never reaches the application
        AbuseGuardFilter off = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(tagger).build())
                .tagHeader("X-Abuse-Guard-Risk")
                .enabled(false)
                .build();
        try (TestServer server = new TestServer(off)) {
            HttpResponse<String> forged =
                    server.send(HttpRequest.newBuilder(server.uri("/api/clean")).header("X-Abuse-Guard-Risk", "0"));
            assertThat(forged.body()).contains("tag=null").endsWith("evaluated=false");
        }
    }

    @Test
    void guardsThatLearnHearTheApplicationsStatus() throws Exception {
        List<Integer> statuses = new CopyOnWriteArrayList<>();
        Guard learner = new Guard() {
            @Override
            public String name() {
                return "learner";
            }

            @Override
            public Decision check(GuardRequest request) {
                return Decision.allow();
            }

            @Override
            public void observe(GuardRequest request, int status) {
                statuses.add(status);
            }
        };
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(learner).build())
                .build();
        try (TestServer server = new TestServer(filter)) {
            server.get("/api/fail");
            server.get("/api/ok");
        }
        assertThat(statuses).containsExactly(401, 200);
    }

    @Test
    void guardsLearnTheOutcomeOfARequestWhoseApplicationThrew() throws Exception {
        List<Integer> outcomes = new CopyOnWriteArrayList<>();
        Guard observer = new Guard() {
            @Override
            public String name() {
                return "observer";
            }

            @Override
            public Decision check(GuardRequest request) {
                return Decision.allow();
            }

            @Override
            public void observe(GuardRequest request, int status) {
                outcomes.add(status);
            }
        };
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(observer).build())
                .build();
        try (TestServer server = new TestServer(filter)) {
            HttpResponse<String> crashed = server.get("/api/crash");
            HttpResponse<String> answered = server.get("/api/fine");

            assertThat(crashed.statusCode()).isEqualTo(500);
            assertThat(answered.statusCode()).isEqualTo(200);
            assertThat(outcomes).containsExactly(500, 200);
        }
    }

    @Test
    void aFilterBuiltFromSettingsLeavesNoThreadBehindWhenDestroyed(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path denied = java.nio.file.Files.writeString(dir.resolve("deny.txt"), "203.0.113.9\n");
        java.nio.file.Path domains = java.nio.file.Files.writeString(dir.resolve("domains.txt"), "throwaway.example\n");
        java.nio.file.Path config = java.nio.file.Files.writeString(
                dir.resolve("abuse-guard.yml"),
                "abuse-guard:\n  ip-lists:\n    deny-file: " + denied + "\n  email:\n    sources: [\"" + domains
                        + "\"]\n");
        java.util.Set<Thread> before = refreshThreads();
        AbuseGuardFilter filter = AbuseGuardFilter.fromSettings(SettingsFile.load(config));
        java.util.Set<Thread> started = refreshThreads();
        started.removeAll(before);
        assertThat(started).as("refreshers running while the filter lives").isNotEmpty();

        filter.destroy();

        long deadline = System.nanoTime() + java.time.Duration.ofMinutes(1).toNanos();
        while (started.stream().anyMatch(Thread::isAlive)) {
            assertThat(System.nanoTime()).as("threads left: %s", started).isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(
                    java.time.Duration.ofMillis(10).toNanos());
        }
    }

    private static java.util.Set<Thread> refreshThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(thread -> thread.getName().startsWith("abuse-guard-ip-lists")
                        || thread.getName().startsWith("abuse-guard-domain-file"))
                .collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
    }
}
