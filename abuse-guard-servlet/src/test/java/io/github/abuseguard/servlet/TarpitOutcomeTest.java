package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.email.DisposableDomains;
import io.github.abuseguard.email.DisposableEmailGuard;
import io.github.abuseguard.email.EmailRule;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.LocalStateStore;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A tarpitted request gives back the failure guard's in-flight slot, or has its outcome counted. */
class TarpitOutcomeTest {

    /** Tarpits every request that carries {@code X-Tarpit}, after the failure guard passed it. */
    private static final Guard TARPIT = new Guard() {
        @Override
        public String name() {
            return "tarpit";
        }

        @Override
        public Decision check(GuardRequest request) {
            return request.header("X-Tarpit") == null
                    ? Decision.allow()
                    : Decision.deny(Action.TARPIT)
                            .guard("tarpit")
                            .reason("slow-down")
                            .build();
        }
    };

    private static AbuseGuardFilter filter(AbuseGuardFilter.AfterTarpit then) {
        FailureGuard failures = FailureGuard.builder()
                .store(LocalStateStore.builder().build())
                .rule(FailureRule.builder("login")
                        .path("/api/login/**")
                        .key("ip")
                        .maxRetry(3)
                        .banTime(Duration.ofMinutes(10))
                        .build())
                .build();
        return AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(failures).guard(TARPIT).build())
                .tarpit(Duration.ofMillis(20), then, 10)
                .build();
    }

    /**
     * A login failure rule that keeps the route's places for clients without a history (every client here) while its
     * under-attack mode is off, a 3 s tarpit, and addresses read from {@code X-Forwarded-For}.
     */
    private static AbuseGuardFilter placesKept(AbuseGuardFilter.AfterTarpit then) {
        return placesKept(then, Duration.ofSeconds(3));
    }

    private static AbuseGuardFilter placesKept(AbuseGuardFilter.AfterTarpit then, Duration delay) {
        return tarpitting(watching(5, HistoryOnCommitTest.freshClientsRefused()), then, delay);
    }

    /** The login failure rule keyed by address, watched by {@code mode}. */
    private static FailureGuard watching(int maxRetry, io.github.abuseguard.failure.UnderAttack mode) {
        return FailureGuard.builder()
                .store(LocalStateStore.builder().build())
                .rule(FailureRule.builder("login")
                        .path("/api/login/**")
                        .key("ip")
                        .maxRetry(maxRetry)
                        .banTime(Duration.ofMinutes(10))
                        .underAttack(mode)
                        .build())
                .build();
    }

    private static io.github.abuseguard.failure.UnderAttack freshClientsAnswered(Action action) {
        return HistoryOnCommitTest.freshClientsAnswered(action);
    }

    /** The failure guard, then {@link #TARPIT}; addresses read from {@code X-Forwarded-For}. */
    private static AbuseGuardFilter tarpitting(
            FailureGuard failures, AbuseGuardFilter.AfterTarpit then, Duration delay) {
        return AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(failures).guard(TARPIT).build())
                .clientResolver(io.github.abuseguard.identity.ClientResolver.builder()
                        .trustedProxies("127.0.0.0/8")
                        .build())
                .tarpit(delay, then, 100, 100)
                .build();
    }

    /** Sends a tarpitted sign-in from {@code address} and waits until the tarpit holds it. */
    private static java.util.concurrent.CompletableFuture<HttpResponse<String>> heldInTarpit(
            java.net.http.HttpClient client, TestServer server, AbuseGuardFilter filter, String address) {
        return heldInTarpit(
                client,
                filter,
                HttpRequest.newBuilder(server.uri("/api/login/ok"))
                        .header("X-Tarpit", "1")
                        .header("X-Forwarded-For", address)
                        .build());
    }

    /** Sends {@code request}, which the filter tarpits, and waits until the tarpit holds it. */
    private static java.util.concurrent.CompletableFuture<HttpResponse<String>> heldInTarpit(
            java.net.http.HttpClient client, AbuseGuardFilter filter, HttpRequest request) {
        int before = filter.tarpitWaiting();
        java.util.concurrent.CompletableFuture<HttpResponse<String>> held =
                client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1); // bounds a failure only
        while (filter.tarpitWaiting() <= before) {
            assertThat(held).as("answered before the delay").isNotDone();
            assertThat(System.nanoTime()).as("the request in the tarpit").isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(100_000); // leaves the server the core
        }
        return held;
    }

    /**
     * Fails sign-ins from fresh addresses until the login rule's under-attack mode starts: 20 in its window, a few more
     * if a window's edge split them.
     */
    private static void modeStarted(TestServer server, FailureGuard failures) throws Exception {
        for (int i = 0; i < 40 && failures.underAttack().isEmpty(); i++) {
            HttpResponse<String> failure = server.send(HttpRequest.newBuilder(server.uri("/api/login/fail"))
                    .header("X-Forwarded-For", "198.51.100." + (i + 1)));
            assertThat(failure.statusCode()).isEqualTo(401);
        }
        assertThat(failures.underAttack()).as("the mode started").containsExactly("login");
    }

    private static HttpResponse<String> tarpitted(TestServer server, String path) throws Exception {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("X-Tarpit", "1"));
    }

    @Test
    void tarpittedRequestsRefusedInTheEndDoNotUseUpTheAddresssAttempts() throws Exception {
        try (TestServer server = new TestServer(filter(AbuseGuardFilter.AfterTarpit.REJECT))) {
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> refused = tarpitted(server, "/api/login/ok");
                assertThat(refused.body()).contains("slow-down");
            }
            HttpResponse<String> login = server.get("/api/login/ok");
            assertThat(login.statusCode())
                    .as("six tarpitted refusals are no failures and hold no slot")
                    .isEqualTo(200);
            assertThat(login.body()).startsWith("length=");
        }
    }

    @Test
    void tarpittedRequestsRefusedInTheEndHoldNoPlaceOnTheRouteWhileTheyWait() throws Exception {
        // review56 F1: under then: reject, 20 tarpitted guesses from 20 addresses held the route's places (kept for
        // clients without a history while the under-attack mode is off) for the whole delay, and every real user
        // who came meanwhile was refused 429 too-many-unknown-in-flight; none of the guesses counted as a failure
        AbuseGuardFilter filter = placesKept(AbuseGuardFilter.AfterTarpit.REJECT);
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        // the guesses wait until the real users were answered, however slow the machine (their 3 s had to outlast
        // 20 guesses and 8 sign-ins)
        try (TestServer server = new TestServer(filter);
                TarpitGate gate = TarpitGate.shut(filter)) {
            List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> guesses = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                guesses.add(client.sendAsync(
                        HttpRequest.newBuilder(server.uri("/api/login/ok"))
                                .header("X-Tarpit", "1")
                                .header("X-Forwarded-For", "198.51.100." + (i + 1))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            // the guesses are in the tarpit now, until the gate opens
            long deadline =
                    System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1); // bounds a failure only
            while (filter.tarpitWaiting() < 20) {
                assertThat(System.nanoTime()).as("20 guesses in the tarpit").isLessThan(deadline);
                Thread.onSpinWait();
            }
            for (int i = 0; i < 8; i++) {
                HttpResponse<String> user = server.send(HttpRequest.newBuilder(server.uri("/api/login/ok"))
                        .header("X-Forwarded-For", "203.0.113." + (i + 1)));
                assertThat(user.statusCode())
                        .as("real user %d while 20 guesses wait in the tarpit: %s", i, user.body())
                        .isEqualTo(200);
            }
            assertThat(filter.tarpitWaiting()).as("the guesses still wait").isEqualTo(20);
            gate.open();
            for (java.util.concurrent.CompletableFuture<HttpResponse<String>> guess : guesses) {
                assertThat(guess.get(1, java.util.concurrent.TimeUnit.MINUTES).body())
                        .contains("slow-down");
            }
        }
    }

    /**
     * probe62 F3: under then: pass, requests waiting in the tarpit kept the route's places (20 here) for the delay:
     * ten addresses' tarpitted sign-ins refused every client without a history 429 too-many-unknown-in-flight, with no
     * failure counted. They give the places back while they wait, so the real users go on; and every one of a crowd
     * of 30 fresh addresses waits out the delay (review66: none skips it), then takes a place again or is refused.
     */
    @Test
    void tarpittedRequestsPassedOnHoldNoPlaceOnTheRouteWhileTheyWaitAndEachWaits() throws Exception {
        AbuseGuardFilter filter = placesKept(AbuseGuardFilter.AfterTarpit.PASS, Duration.ofSeconds(6));
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        // the 30 wait until the real users were answered, however slow the machine (their 6 s had to outlast 30
        // requests sent one at a time and 8 sign-ins)
        try (TestServer server = new TestServer(filter);
                TarpitGate gate = TarpitGate.shut(filter)) {
            // one at a time, each in the tarpit before the next: a request takes its place in the guard's check and
            // gives it back once held, so a burst still meets the places for that moment (review67 F3); what is
            // asserted is that waiting requests hold none
            List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> held = new java.util.ArrayList<>();
            long deadline =
                    System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1); // bounds a failure only
            for (int i = 0; i < 30; i++) {
                held.add(client.sendAsync(
                        HttpRequest.newBuilder(server.uri("/api/login/ok"))
                                .header("X-Tarpit", "1")
                                .header("X-Forwarded-For", "198.51.100." + (i + 1))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
                while (filter.tarpitWaiting() < i + 1) {
                    assertThat(held).as("answered before the delay").noneMatch(java.util.concurrent.Future::isDone);
                    assertThat(System.nanoTime())
                            .as("%d requests in the tarpit", i + 1)
                            .isLessThan(deadline);
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000); // leaves the server the core
                }
            }
            for (int i = 0; i < 8; i++) {
                HttpResponse<String> user = server.send(HttpRequest.newBuilder(server.uri("/api/login/ok"))
                        .header("X-Forwarded-For", "203.0.113." + (i + 1)));
                assertThat(user.statusCode())
                        .as("real user %d while 30 requests wait in the tarpit: %s", i, user.body())
                        .isEqualTo(200);
            }
            assertThat(held).as("each still waits").noneMatch(java.util.concurrent.Future::isDone);
            gate.open();
            int passed = 0;
            for (java.util.concurrent.CompletableFuture<HttpResponse<String>> request : held) {
                HttpResponse<String> answer = request.get(1, java.util.concurrent.TimeUnit.MINUTES);
                if (answer.statusCode() == 200) {
                    passed++;
                } else {
                    assertThat(answer.statusCode()).isEqualTo(429);
                    assertThat(answer.body()).contains("too-many-unknown-in-flight");
                }
            }
            assertThat(passed)
                    .as("places taken again after the delay, 20 at most at once")
                    .isGreaterThanOrEqualTo(20);
        }
    }

    /**
     * review67: under {@code under-attack.action: log} a request that finds every newcomer place taken goes on,
     * logged. A tarpitted one (then: pass) that took its place at its check and finds them all taken when its delay
     * ends was answered {@code 429 too-many-unknown-in-flight} instead: the engine refuses whatever the guard's
     * {@code resumes} returns, an action that passes the request on included.
     */
    @Test
    void aTarpittedRequestResumingUnderALoggingModeGoesOnAsANewOneDoes() throws Exception {
        FailureGuard failures = watching(50, freshClientsAnswered(Action.LOG));
        AbuseGuardFilter filter = tarpitting(failures, AbuseGuardFilter.AfterTarpit.PASS, Duration.ofSeconds(3));
        java.util.concurrent.CountDownLatch inApp = new java.util.concurrent.CountDownLatch(20);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        HttpServlet application = new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                if (request.getRequestURI().endsWith("/hold")) {
                    inApp.countDown();
                    try {
                        release.await(20, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                response.setStatus(200);
                response.getWriter().write("ok");
            }
        };
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        // the tarpitted request resumes once every place is taken, not when its 3 s are up (20 newcomers and a
        // sign-in had to fit in them)
        try (TestServer server = new TestServer(filter, application);
                TarpitGate gate = TarpitGate.shut(filter)) {
            java.util.concurrent.CompletableFuture<HttpResponse<String>> tarpitted =
                    heldInTarpit(client, server, filter, "192.0.2.1");
            List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> holding = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    holding.add(client.sendAsync(
                            HttpRequest.newBuilder(server.uri("/api/login/hold"))
                                    .header("X-Forwarded-For", "198.51.100." + (i + 1))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()));
                }
                assertThat(inApp.await(1, java.util.concurrent.TimeUnit.MINUTES))
                        .as("20 newcomers in the application, holding every place")
                        .isTrue();
                assertThat(filter.tarpitWaiting()).as("still waiting").isEqualTo(1);
                HttpResponse<String> fresh = server.send(
                        HttpRequest.newBuilder(server.uri("/api/login/ok")).header("X-Forwarded-For", "203.0.113.1"));
                assertThat(fresh.statusCode())
                        .as("a new request goes on, logged: %s", fresh.body())
                        .isEqualTo(200);
                assertThat(filter.tarpitWaiting()).as("still waiting").isEqualTo(1);
                gate.open();

                HttpResponse<String> answer = tarpitted.get(1, java.util.concurrent.TimeUnit.MINUTES);

                assertThat(answer.statusCode())
                        .as("the tarpitted request goes on after its delay as a new one does: %s", answer.body())
                        .isEqualTo(200);
            } finally {
                gate.open();
                release.countDown();
                for (java.util.concurrent.CompletableFuture<HttpResponse<String>> request : holding) {
                    request.get(1, java.util.concurrent.TimeUnit.MINUTES);
                }
            }
        }
    }

    /**
     * review67 F1: a route whose under-attack mode answers with a decoy, started while a tarpitted request waited,
     * answered that request with a problem document when it resumed, telling the client what a new request is not told.
     */
    @Test
    void aTarpittedRequestResumingIntoADecoyingModeGetsTheDecoy() throws Exception {
        FailureGuard failures = watching(50, freshClientsAnswered(Action.DECOY));
        AbuseGuardFilter filter = tarpitting(failures, AbuseGuardFilter.AfterTarpit.PASS, Duration.ofSeconds(3));
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        // the tarpitted request resumes once the mode has started, not when its 3 s are up (up to 40 sign-ins had
        // to fit in them)
        try (TestServer server = new TestServer(filter);
                TarpitGate gate = TarpitGate.shut(filter)) {
            java.util.concurrent.CompletableFuture<HttpResponse<String>> tarpitted =
                    heldInTarpit(client, server, filter, "192.0.2.1");
            modeStarted(server, failures);
            assertThat(filter.tarpitWaiting()).as("still waiting").isEqualTo(1);
            gate.open();

            HttpResponse<String> answer = tarpitted.get(1, java.util.concurrent.TimeUnit.MINUTES);

            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body())
                    .as("the mode's decoy, as a new request gets")
                    .isEqualTo("{\"status\":\"ok\"}");
        }
    }

    /**
     * review68 F3: a decoying mode lets an OPTIONS request go on to the application (a decoy could not mimic its Allow
     * answer, probe48b F5); an OPTIONS request that resumes from the tarpit into that mode got a problem document
     * instead, {@code 429} "This endpoint is under attack": what the decoy mode exists to hide, and not what a new
     * OPTIONS request gets.
     */
    @Test
    void review68aTarpittedOptionsRequestResumingIntoADecoyingModeIsAnsweredAsANewOneIs() throws Exception {
        FailureGuard failures = watching(50, freshClientsAnswered(Action.DECOY));
        AbuseGuardFilter filter = tarpitting(failures, AbuseGuardFilter.AfterTarpit.PASS, Duration.ofSeconds(3));
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        // the tarpitted request resumes once the mode has started, not when its 3 s are up
        try (TestServer server = new TestServer(filter);
                TarpitGate gate = TarpitGate.shut(filter)) {
            java.util.concurrent.CompletableFuture<HttpResponse<String>> tarpitted = heldInTarpit(
                    client,
                    filter,
                    HttpRequest.newBuilder(server.uri("/api/login/ok"))
                            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                            .header("X-Tarpit", "1")
                            .header("X-Forwarded-For", "192.0.2.1")
                            .build());
            modeStarted(server, failures);
            HttpResponse<String> fresh = server.send(HttpRequest.newBuilder(server.uri("/api/login/ok"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("X-Forwarded-For", "203.0.113.9"));
            assertThat(fresh.statusCode())
                    .as("a new OPTIONS request goes on to the application")
                    .isEqualTo(200);
            assertThat(filter.tarpitWaiting()).as("still waiting").isEqualTo(1);
            gate.open();

            HttpResponse<String> answer = tarpitted.get(1, java.util.concurrent.TimeUnit.MINUTES);

            assertThat(answer.statusCode())
                    .as("as a new OPTIONS request is answered, not a problem document: %s", answer.body())
                    .isEqualTo(fresh.statusCode());
            assertThat(answer.body())
                    .as("the application's answer, as a new OPTIONS request gets, not the decoy")
                    .isEqualTo(fresh.body());
        }
    }

    @Test
    void failuresOfTarpittedRequestsPassedOnAreCounted() throws Exception {
        try (TestServer server = new TestServer(filter(AbuseGuardFilter.AfterTarpit.PASS))) {
            for (int i = 0; i < 3; i++) {
                assertThat(tarpitted(server, "/api/login/fail").statusCode()).isEqualTo(401);
            }
            HttpResponse<String> next = server.get("/api/login/ok");
            assertThat(next.statusCode()).isNotEqualTo(200);
            assertThat(next.body()).as("banned for its three failures").contains("too-many-failures");
        }
    }

    @Test
    void successesOfTarpittedRequestsPassedOnGiveTheirSlotsBack() throws Exception {
        try (TestServer server = new TestServer(filter(AbuseGuardFilter.AfterTarpit.PASS))) {
            for (int i = 0; i < 6; i++) {
                assertThat(tarpitted(server, "/api/login/ok").statusCode()).isEqualTo(200);
            }
            assertThat(server.get("/api/login/ok").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aRequestPassedOnAfterTheTarpitIsAFirstDispatchToWhatComesAfterTheFilter() throws Exception {
        // Filters that skip async dispatches (Spring Security's HTTP Basic) must still run for it.
        try (TestServer server = new TestServer(filter(AbuseGuardFilter.AfterTarpit.PASS))) {
            assertThat(tarpitted(server, "/api/dispatch").body()).isEqualTo("dispatch=REQUEST");
            assertThat(server.get("/api/dispatch").body()).isEqualTo("dispatch=REQUEST");
        }
    }

    /**
     * review39 F1: over a rate limit that tarpits, a throw-away address is refused; the limit's tarpit, which
     * passes the request on after its delay, never stands in for the refusal (it answered 200 before).
     */
    @Test
    void aListedAddressOverATarpittingLimitNeverReachesTheApplication() throws Exception {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(DisposableEmailGuard.of(
                        DisposableDomains.bundled(),
                        List.of(EmailRule.builder("sign-up")
                                .path("/api/accounts")
                                .build())))
                .guard(RateLimitGuard.builder()
                        .rule(RateLimitRule.builder("sign-ups")
                                .path("/api/accounts")
                                .action(Action.TARPIT)
                                .limit(Limit.of(1, Duration.ofHours(1)))
                                .build())
                        .build())
                .build();
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(engine)
                .tarpit(Duration.ofMillis(20), AbuseGuardFilter.AfterTarpit.PASS, 10)
                .build();
        try (TestServer server = new TestServer(filter)) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/api/accounts"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"x" + i + "@mailinator.com\"}")));
                assertThat(response.statusCode())
                        .as("listed address, attempt " + i)
                        .isEqualTo(422);
            }
        }
    }

    /**
     * probe47c F5: an application that commits a 401 and then throws (a client resetting the connection during a
     * long failure answer makes the write throw) was counted as 500, so its failures never banned. The status
     * the client read is the outcome.
     */
    @Test
    void aFailureCommittedBeforeTheApplicationThrowsIsCounted() throws Exception {
        HttpServlet failsAfterCommitting = new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.setStatus(401);
                response.setContentLength(14); // the whole answer is on its way before the throw
                response.getWriter().write("wrong password");
                response.flushBuffer();
                throw new IOException("the client reset the connection");
            }
        };
        try (TestServer server = new TestServer(filter(AbuseGuardFilter.AfterTarpit.REJECT), failsAfterCommitting)) {
            for (int i = 0; i < 3; i++) {
                assertThat(server.get("/api/login/x").statusCode()).isEqualTo(401);
            }
            assertThat(server.get("/api/login/x").statusCode())
                    .as("three failures the client read: banned (never, when they were taken for 500s)")
                    .isEqualTo(429);
        }
    }
}
