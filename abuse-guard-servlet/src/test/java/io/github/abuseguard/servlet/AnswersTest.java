package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardEvent;
import io.github.abuseguard.GuardListener;
import io.github.abuseguard.GuardRequest;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The answers beyond a plain refusal: decoy and tarpit. */
class AnswersTest {

    /** Denies every request under /trap with the given action. */
    private static Guard trap(Action action) {
        return new Guard() {
            @Override
            public String name() {
                return "trap";
            }

            @Override
            public Decision check(GuardRequest request) {
                if (!request.path().startsWith("/trap")) {
                    return Decision.allow();
                }
                return Decision.deny(action)
                        .guard("trap")
                        .reason("clone-site")
                        .decoy("images")
                        .build();
            }
        };
    }

    @Test
    void aDecoyedClientGetsTheConfiguredFakeSuccessAndTheDenialIsRecorded() throws Exception {
        List<GuardEvent> events = new CopyOnWriteArrayList<>();
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder()
                        .guard(trap(Action.DECOY))
                        .listener(new GuardListener() {
                            @Override
                            public void onEvent(GuardEvent event) {
                                events.add(event);
                            }
                        })
                        .build())
                .decoy("images", new DecoyResponse(200, "application/json", "{\"id\":\"${uuid}\",\"url\":\"${path}\"}"))
                .build();
        try (TestServer server = new TestServer(filter)) {
            HttpResponse<String> decoy = server.get("/trap/images/7");

            assertThat(decoy.statusCode()).isEqualTo(200);
            assertThat(decoy.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(decoy.body()).matches("\\{\"id\":\"[0-9a-f-]{36}\",\"url\":\"/trap/images/7\"}");
            assertThat(decoy.body()).doesNotContain("length="); // the application never ran
        }
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.kind()).isEqualTo(GuardEvent.Kind.DENY);
            assertThat(event.decision().action()).isEqualTo(Action.DECOY);
        });
    }

    /**
     * An {@code OPTIONS} request is answered by the application, decoyed or not: a fake success with a JSON body where
     * the application answers its {@code Allow} fields told the decoy apart in one request (probe48b F5).
     */
    @Test
    void anOptionsRequestOfADecoyedClientIsTheApplicationsToAnswer() throws Exception {
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(trap(Action.DECOY)).build())
                .decoy("images", new DecoyResponse(200, "application/json", "{\"url\":\"${path}\"}"))
                .build();
        try (TestServer server = new TestServer(filter)) {
            HttpResponse<String> options =
                    server.send(java.net.http.HttpRequest.newBuilder(server.uri("/trap/images/7"))
                            .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()));
            HttpResponse<String> get = server.get("/trap/images/7");

            assertThat(options.body())
                    .as("the application's answer")
                    .contains("length=")
                    .doesNotContain("url");
            assertThat(get.body()).isEqualTo("{\"url\":\"/trap/images/7\"}");
        }
    }

    @Test
    void aDecoyWritesNothingFromTheRequestLineThatCouldBreakOutOfJsonOrHtml() {
        String hostile = "/trap/\"},\"admin\":true,\"x\":\"<script>alert(1)</script>\\'&%zz%41\u00e9";

        String inert = DecoyResponse.inert(hostile);

        assertThat(inert).doesNotContain("\"", "<", ">", "'", "&", "\\");
        assertThat(inert).startsWith("/trap/%22%7D%2C%22admin%22").endsWith("%25zz%41%C3%A9");
        assertThat(DecoyResponse.inert("/" + "a".repeat(5000))).hasSize(DecoyResponse.MAX_PATH_LENGTH);
    }

    @Test
    void aDecoyBodyStaysValidJsonWhateverPathTheClientSent() throws Exception {
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(trap(Action.DECOY)).build())
                .decoy("images", new DecoyResponse(200, "application/json", "{\"url\":\"${path}\"}"))
                .build();
        try (TestServer server = new TestServer(filter)) {
            // Jetty refuses a raw quote, backslash or angle bracket in the request line (a laxer container
            // may not); an apostrophe, which ends an HTML attribute, reaches the filter.
            String response = rawGet(server, "/trap/a'%22,%22admin%22:true");

            assertThat(response).startsWith("HTTP/1.1 200");
            String body = response.substring(response.indexOf("\r\n\r\n") + 4);
            assertThat(new tools.jackson.databind.ObjectMapper().readTree(body).propertyNames())
                    .containsExactly("url");
            assertThat(body)
                    .doesNotContain("'")
                    .contains(
                            "/trap/a%27%22,%22admin%22:true".replace(",", "%2C").replace(":", "%3A"));
        }
    }

    private static String rawGet(TestServer server, String target) throws java.io.IOException {
        try (java.net.Socket socket =
                new java.net.Socket("127.0.0.1", server.uri("/").getPort())) {
            socket.setSoTimeout(60_000); // bounds a failure only: the read ends at the server's answer
            socket.getOutputStream()
                    .write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void twoHundredTarpittedRequestsHoldNoRequestThreadAndANormalRequestIsAnsweredMeanwhile() throws Exception {
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(trap(Action.TARPIT)).build())
                .tarpit(Duration.ofSeconds(3), AbuseGuardFilter.AfterTarpit.REJECT, 500, 500)
                .build();
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (TestServer server = new TestServer(filter, 24)) {
            List<CompletableFuture<HttpResponse<String>>> trapped = new ArrayList<>();
            // the 200 wait until the normal request is answered, not until 3 s after the first is held (flake83: 200
            // connections and the normal request took 7.4 s from the first sent on a loaded machine)
            try (TarpitGate gate = TarpitGate.shut(filter)) {
                for (int i = 0; i < 200; i++) {
                    trapped.add(client.sendAsync(
                            HttpRequest.newBuilder(server.uri("/trap/" + i)).build(),
                            HttpResponse.BodyHandlers.ofString()));
                }
                awaitTarpit(filter, 200);

                HttpResponse<String> normal = server.get("/api/normal");

                assertThat(normal.statusCode()).isEqualTo(200);
                assertThat(trapped)
                        .as("a normal request is answered on a 24-thread server while 200 wait, none of them yet"
                                + " answered")
                        .noneMatch(CompletableFuture::isDone);
            }
            for (CompletableFuture<HttpResponse<String>> future : trapped) {
                HttpResponse<String> response = future.join();
                assertThat(response.statusCode()).isEqualTo(403);
                assertThat(response.body()).contains("\"reason\":\"clone-site\"");
            }
        }
    }

    /** Waits until the tarpit holds {@code count} requests; a test that never gets there fails after a minute. */
    private static void awaitTarpit(AbuseGuardFilter filter, int count) {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (filter.tarpitWaiting() < count) {
            assertThat(System.nanoTime())
                    .as("the tarpit never held %d requests", count)
                    .isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }

    @Test
    void aClientThatReadsSlowlyDoesNotHoldTheOtherTarpittedRequests() throws Exception {
        Tarpit tarpit = new Tarpit(Duration.ofMillis(1), false, 10, 10);
        CountDownLatch secondAnswered = new CountDownLatch(1);
        CountDownLatch firstUnblocked = new CountDownLatch(1);
        try {
            // The first answer blocks until the second is written: on one shared timer thread, never.
            assertThat(tarpit.hold(
                            asyncRequest(), null, "192.0.2.1", async -> awaitQuietly(secondAnswered, firstUnblocked)))
                    .isEqualTo(Tarpit.Hold.HELD);
            assertThat(tarpit.hold(asyncRequest(), null, "192.0.2.1", async -> secondAnswered.countDown()))
                    .isEqualTo(Tarpit.Hold.HELD);
            assertThat(firstUnblocked.await(1, TimeUnit.MINUTES)).isTrue();
            assertThat(tarpit.waitingClients())
                    .as("a client whose requests were all answered keeps no entry")
                    .isZero();
        } finally {
            tarpit.close();
        }
    }

    @Test
    void aRequestWhoseClientHangsUpDuringTheDelayIsGivenUpOnceAndNeverAnswered() throws Exception {
        Tarpit tarpit = new Tarpit(Duration.ofMillis(200), false, 10, 10);
        HttpServletRequest request = asyncRequest();
        AsyncContext async = request.startAsync(null, null);
        java.util.concurrent.atomic.AtomicReference<jakarta.servlet.AsyncListener> listener =
                new java.util.concurrent.atomic.AtomicReference<>();
        doAnswer(invocation -> {
                    listener.set(invocation.getArgument(0));
                    return null;
                })
                .when(async)
                .addListener(any());
        CountDownLatch handedOver = new CountDownLatch(1);
        doAnswer(invocation -> {
                    invocation.<Runnable>getArgument(0).run(); // the timer's hand-over, after the delay
                    handedOver.countDown();
                    return null;
                })
                .when(async)
                .start(any());
        java.util.concurrent.atomic.AtomicInteger abandoned = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
        try {
            assertThat(tarpit.hold(
                            request,
                            null,
                            "192.0.2.1",
                            () -> {},
                            held -> answered.incrementAndGet(),
                            abandoned::incrementAndGet))
                    .isEqualTo(Tarpit.Hold.HELD);
            // the client hangs up before the delay ends: the container reports an error, then completes
            listener.get().onError(new jakarta.servlet.AsyncEvent(async));
            listener.get().onComplete(new jakarta.servlet.AsyncEvent(async));
            assertThat(handedOver.await(1, TimeUnit.MINUTES))
                    .as("the timer hands the request over after the delay")
                    .isTrue();
            assertThat(abandoned)
                    .as("the guards are told once that it was refused after all")
                    .hasValue(1);
            assertThat(answered).as("and its answer never runs").hasValue(0);
            assertThat(tarpit.waitingClients()).isZero();
        } finally {
            tarpit.close();
        }
    }

    @Test
    void thePrefixesOfOneIpv6SiteShareOneClientsPlacesInTheTarpit() {
        Tarpit tarpit = new Tarpit(Duration.ofMinutes(1), false, 100, 2);
        try {
            assertThat(tarpit.hold(asyncRequest(), null, "2001:db8:5:1:0:0:0:0/64", async -> {}))
                    .isEqualTo(Tarpit.Hold.HELD);
            assertThat(tarpit.hold(asyncRequest(), null, "2001:db8:5:2:0:0:0:0/64", async -> {}))
                    .isEqualTo(Tarpit.Hold.HELD);
            assertThat(tarpit.hold(asyncRequest(), null, "2001:db8:5:3:0:0:0:0/64", async -> {}))
                    .as("a third /64 of the same /48")
                    .isEqualTo(Tarpit.Hold.CLIENT_FULL);
            assertThat(tarpit.hold(asyncRequest(), null, "2001:db8:6:1:0:0:0:0/64", async -> {}))
                    .as("another site")
                    .isEqualTo(Tarpit.Hold.HELD);
        } finally {
            tarpit.close();
        }
    }

    private static void awaitQuietly(CountDownLatch latch, CountDownLatch then) {
        try {
            if (latch.await(1, TimeUnit.MINUTES)) {
                then.countDown();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A request whose async context runs started work on a thread of its own, as a container does. */
    private static HttpServletRequest asyncRequest() {
        HttpServletRequest request = mock(HttpServletRequest.class);
        AsyncContext async = mock(AsyncContext.class);
        when(request.isAsyncSupported()).thenReturn(true);
        when(request.startAsync(any(), any())).thenReturn(async);
        doAnswer(invocation -> {
                    Thread worker = new Thread(invocation.<Runnable>getArgument(0), "container-worker");
                    worker.start();
                    return null;
                })
                .when(async)
                .start(any());
        return request;
    }

    @Test
    void anotherClientsFloodOfTheTarpitDoesNotLockTheUserOutOfARuleThatPassesAfterTheDelay() throws Exception {
        int pool = 2 * TarpitSettings.DEFAULT_MAX_CONCURRENT_PER_CLIENT;
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(trap(Action.TARPIT)).build())
                .clientResolver(io.github.abuseguard.identity.ClientResolver.builder()
                        .trustedProxies("127.0.0.1/32")
                        .build())
                .tarpit(Duration.ofSeconds(4), AbuseGuardFilter.AfterTarpit.PASS, pool)
                .build();
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (TestServer server = new TestServer(filter, 48)) {
            List<CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
            for (int i = 0; i < pool; i++) {
                flood.add(client.sendAsync(
                        HttpRequest.newBuilder(server.uri("/trap/login"))
                                .header("X-Forwarded-For", "203.0.113.66")
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (filter.tarpitWaiting()
                            + flood.stream().filter(CompletableFuture::isDone).count()
                    < pool) {
                assertThat(System.nanoTime()).as("the flood was never taken in").isLessThan(deadline);
                LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
            }

            HttpResponse<String> user = server.send(
                    HttpRequest.newBuilder(server.uri("/trap/login")).header("X-Forwarded-For", "198.51.100.7"));

            assertThat(user.statusCode())
                    .as("the user waits the delay and the application answers")
                    .isEqualTo(200);
            long busy = 0;
            for (CompletableFuture<HttpResponse<String>> future : flood) {
                HttpResponse<String> response = future.join();
                if (response.statusCode() == 429) {
                    busy++;
                    assertThat(response.body()).contains("\"reason\":\"tarpit-busy\"");
                    assertThat(response.headers().firstValue("Retry-After")).hasValue("4");
                } else {
                    assertThat(response.statusCode()).isEqualTo(200);
                }
            }
            assertThat(busy)
                    .as("the flooding client waits with its share and is refused the rest")
                    .isEqualTo(pool - TarpitSettings.DEFAULT_MAX_CONCURRENT_PER_CLIENT);
        }
    }

    @Test
    void aFullTarpitPassesARequestOnAtOnceWhenItsAnswerAfterTheDelayWouldBeToPassItOn() throws Exception {
        List<GuardEvent> denials = new CopyOnWriteArrayList<>();
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder()
                        .guard(trap(Action.TARPIT))
                        .listener(new GuardListener() {
                            @Override
                            public void onEvent(GuardEvent event) {
                                denials.add(event);
                            }
                        })
                        .build())
                .tarpit(Duration.ofSeconds(10), AbuseGuardFilter.AfterTarpit.PASS, 1)
                .build();
        HttpClient client = HttpClient.newHttpClient();
        try (TestServer server = new TestServer(filter)) {
            CompletableFuture<HttpResponse<String>> first = client.sendAsync(
                    HttpRequest.newBuilder(server.uri("/trap/upload"))
                            .POST(HttpRequest.BodyPublishers.ofString("payload"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            awaitTarpit(filter, 1);

            HttpResponse<String> overflow = server.send(HttpRequest.newBuilder(server.uri("/trap/again"))
                    .POST(HttpRequest.BodyPublishers.ofString("more")));

            assertThat(overflow.statusCode())
                    .as("the application answers at once: the tarpit holds one")
                    .isEqualTo(200);
            assertThat(overflow.body()).startsWith("length=4 ");
            assertThat(first).as("the held request still waits its 10 s").isNotDone();
            assertThat(denials).hasSize(2);
        }
    }

    @Test
    void aFullTarpitRefusesAtOnceAndAPassingTarpitLetsTheApplicationAnswerWithTheBody() throws Exception {
        AbuseGuardFilter refusing = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(trap(Action.TARPIT)).build())
                .tarpit(Duration.ofSeconds(2), AbuseGuardFilter.AfterTarpit.REJECT, 1)
                .build();
        HttpClient client = HttpClient.newHttpClient();
        try (TestServer server = new TestServer(refusing)) {
            CompletableFuture<HttpResponse<String>> first = client.sendAsync(
                    HttpRequest.newBuilder(server.uri("/trap/upload")).build(), HttpResponse.BodyHandlers.ofString());
            awaitTarpit(refusing, 1);

            HttpResponse<String> overflow = server.get("/trap/again");

            assertThat(overflow.statusCode())
                    .as("refused at once: the tarpit holds one")
                    .isEqualTo(403);
            assertThat(first.join().statusCode()).isEqualTo(403);
        }
        AbuseGuardFilter passing = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(trap(Action.TARPIT)).build())
                .tarpit(Duration.ofMillis(200), AbuseGuardFilter.AfterTarpit.PASS, 1)
                .build();
        try (TestServer server = new TestServer(passing)) {
            HttpResponse<String> passed = server.send(HttpRequest.newBuilder(server.uri("/trap/upload"))
                    .POST(HttpRequest.BodyPublishers.ofString("payload")));
            assertThat(passed.statusCode()).isEqualTo(200);
            assertThat(passed.body()).startsWith("length=7 ");
        }
    }
}
