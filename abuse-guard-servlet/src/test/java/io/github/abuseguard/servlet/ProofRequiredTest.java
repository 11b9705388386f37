package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardEvent;
import io.github.abuseguard.GuardListener;
import io.github.abuseguard.Mode;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.OutagePolicy;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Routes that require the browser proof answer only clients that gave one, on a real server. */
class ProofRequiredTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().maximumKeys(1_000).timeSource(clock).build();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final GuardListener recorder = new GuardListener() {
        @Override
        public void onEvent(GuardEvent event) {
            events.add(event.kind() + " " + event.guard() + "/"
                    + event.decision().reason() + " " + event.request().path());
        }
    };
    private AbuseGuard engine =
            AbuseGuard.builder().listener(recorder).timeSource(clock).build();
    private TestServer server;

    private record Setup(AbuseGuard.Builder engine, Mode proofMode) {}

    @BeforeEach
    void start() throws Exception {
        server = server(Mode.ENFORCE);
    }

    private TestServer server(Mode proofMode) throws Exception {
        return new TestServer(AbuseGuardFilter.builder()
                .engine(engine)
                .store(store)
                .proof("/abuse-guard/proof", 6, Duration.ofMinutes(2), "this site's proof secret")
                .requireProof(List.of("/api/scores/**"), Duration.ofHours(24), proofMode)
                .build());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        engine.close();
    }

    @Test
    void aClientWithoutAProofIsRefusedOnlyOnTheRequiredRoutes() throws Exception {
        HttpResponse<String> refused = server.get("/api/scores/chess");

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body())
                .contains("\"guard\":\"proof\"", "\"reason\":\"proof-required\"", "/abuse-guard/proof");
        assertThat(server.get("/api/other").statusCode())
                .as("a route that requires nothing")
                .isEqualTo(200);
        HttpResponse<String> preflight = server.send(HttpRequest.newBuilder(server.uri("/api/scores/chess"))
                .header("Origin", "https://partner.example")
                .header("Access-Control-Request-Method", "GET")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(preflight.statusCode())
                .as("a CORS preflight carries nothing of the client's")
                .isEqualTo(200);
        HttpResponse<String> noOrigin = server.send(HttpRequest.newBuilder(server.uri("/api/scores/chess"))
                .header("Access-Control-Request-Method", "GET")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(noOrigin.statusCode())
                .as("probe7: without Origin no browser sent it, so it is no preflight")
                .isEqualTo(403);
        HttpResponse<String> options = server.send(HttpRequest.newBuilder(server.uri("/api/scores/chess"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(options.statusCode())
                .as("review6 F6: any other OPTIONS is a request like the rest")
                .isEqualTo(403);
    }

    @Test
    void aRefusalIsHeardByTheEngineListenersLikeAGuardsOne() throws Exception {
        assertThat(server.get("/api/scores/chess").statusCode()).isEqualTo(403);

        assertThat(events)
                .as("probe7 F2: metrics, the decision log and the most-denied report hear of it")
                .containsExactly("DENY proof/proof-required /api/scores/chess");
    }

    @Test
    void monitoringReportsWhatItWouldRefuseAndLetsTheRequestOn() throws Exception {
        server.close();
        engine.close();
        for (Setup monitored : List.of(
                new Setup(AbuseGuard.builder(), Mode.MONITOR),
                new Setup(AbuseGuard.builder().mode(Mode.MONITOR), Mode.ENFORCE),
                new Setup(AbuseGuard.builder().monitoredRoute("/api/**"), Mode.ENFORCE))) {
            events.clear();
            engine = monitored.engine().listener(recorder).build();
            server = server(monitored.proofMode());

            HttpResponse<String> response = server.get("/api/scores/chess");

            assertThat(response.statusCode())
                    .as("probe7 F1: monitor first, then enforce (%s)", monitored)
                    .isEqualTo(200);
            assertThat(events).containsExactly("WOULD_DENY proof/proof-required /api/scores/chess");
            server.close();
            engine.close();
        }
        engine = AbuseGuard.builder().build();
        server = server(Mode.ENFORCE);
    }

    /**
     * probe9 F3: with the shared store unreachable, the marker's look-up and the proof's POST threw (500)
     * under a policy without a fallback; under the local fallback a client proved on another instance proves
     * again here, and only then passes (review8: letting everyone through while the circuit was open let an
     * attacker who starves an instance past the required paths).
     */
    @Test
    void whileTheSharedStoreIsUnreachableTheOutagePolicyDecidesAndAProofGivenHereCounts() throws Exception {
        for (OutagePolicy policy : OutagePolicy.values()) {
            LocalStateStore shared = LocalStateStore.builder().timeSource(clock).build();
            AtomicBoolean unreachable = new AtomicBoolean();
            serveWithSharedStore(shared, unreachable, policy);
            // another instance recorded this client's proof in the shared store; this one never looked it up
            shared.bans("proof:vouched").ban("127.0.0.1", Duration.ofHours(24));

            unreachable.set(true);
            assertThat(server.get("/api/scores/chess").statusCode())
                    .as("a client proved elsewhere during an outage, %s", policy)
                    .isEqualTo(policy == OutagePolicy.FAIL_OPEN ? 200 : 403);
            String form = ProofSolver.form(server.get("/abuse-guard/proof").body());
            assertThat(server.send(HttpRequest.newBuilder(server.uri("/abuse-guard/proof"))
                                    .header("Content-Type", "application/x-www-form-urlencoded")
                                    .POST(HttpRequest.BodyPublishers.ofString(form)))
                            .statusCode())
                    .as("a proof during an outage, %s", policy)
                    .isEqualTo(204);
            assertThat(server.get("/api/scores/chess").statusCode())
                    .as("proved again here (the page's script does on proof-required), %s", policy)
                    .isEqualTo(policy == OutagePolicy.FAIL_CLOSED ? 403 : 200);
        }
    }

    /**
     * A proved client's requests to a required route ask the store for its mark once in a few seconds, not once each:
     * on Redis each was a round trip beside the rate decision.
     */
    @Test
    void aProvedClientsRequestsAskTheStoreForItsMarkOnceInAFewSeconds() throws Exception {
        server.close();
        AtomicInteger lookUps = new AtomicInteger();
        server = new TestServer(AbuseGuardFilter.builder()
                .engine(engine)
                .store(countingMarkLookUps(store, lookUps, StateStore.class))
                .proof("/abuse-guard/proof", 6, Duration.ofMinutes(2), "this site's proof secret")
                .requireProof(List.of("/api/scores/**"), Duration.ofHours(24))
                .build());
        assertThat(server.get("/api/scores/chess").statusCode()).isEqualTo(403);
        assertThat(server.get("/api/scores/chess").statusCode())
                .as("no mark is remembered: asked again")
                .isEqualTo(403);
        assertThat(lookUps).hasValue(2);

        prove();
        for (int i = 0; i < 10; i++) {
            assertThat(server.get("/api/scores/chess").statusCode()).isEqualTo(200);
        }
        assertThat(lookUps).as("found once, then remembered").hasValue(3);

        clock.advance(Duration.ofNanos(ProvedClients.REMEMBERED_NANOS));
        assertThat(server.get("/api/scores/chess").statusCode()).isEqualTo(200);
        assertThat(lookUps).as("a few seconds later: asked again").hasValue(4);
    }

    /**
     * review70 F1: a proof lasts {@code lasts} ("within lasts of its last one"); the instance's memo of a client
     * found proved must not honour it for 5 s more when the proof itself lasts less than that: a 1 s proof
     * looked up just before it ended was honoured for ~6 s.
     */
    @Test
    void aProofShorterThanTheMemoIsNotHonouredPastItsLifetime() throws Exception {
        server.close();
        server = new TestServer(AbuseGuardFilter.builder()
                .engine(engine)
                .store(store)
                .proof("/abuse-guard/proof", 6, Duration.ofMinutes(2), "this site's proof secret")
                .requireProof(List.of("/api/scores/**"), Duration.ofSeconds(1))
                .build());
        prove();
        clock.advance(Duration.ofMillis(900));
        assertThat(server.get("/api/scores/chess").statusCode())
                .as("within the proof's second")
                .isEqualTo(200);

        clock.advance(Duration.ofSeconds(3)); // the proof ended 2.9 s ago
        assertThat(server.get("/api/scores/chess").statusCode())
                .as("a 1 s proof, 3.9 s after it was given")
                .isEqualTo(403);
    }

    /**
     * review70 F2: under fail-closed a client the store cannot vouch for is refused (isVouched's contract, and a
     * client that proves during the outage is refused); a client found proved before the outage began passed
     * for up to 5 s of it, from the memo, which a fail-closed store now goes without.
     */
    @Test
    void underFailClosedAnOutageRefusesEvenAClientFoundProvedAMomentAgo() throws Exception {
        AtomicBoolean unreachable = new AtomicBoolean();
        serveWithSharedStore(
                LocalStateStore.builder().timeSource(clock).build(), unreachable, OutagePolicy.FAIL_CLOSED);
        prove();
        assertThat(server.get("/api/scores/chess").statusCode()).isEqualTo(200);

        unreachable.set(true);
        assertThat(server.get("/api/scores/chess").statusCode())
                .as("the store unreachable under fail-closed")
                .isEqualTo(403);
    }

    /**
     * Serves the required routes again, with {@code shared} as the remote store behind a resilient one under {@code
     * policy}, unreachable while {@code unreachable} is set (one failed call opens its circuit).
     */
    private void serveWithSharedStore(StateStore shared, AtomicBoolean unreachable, OutagePolicy policy)
            throws Exception {
        server.close();
        ResilientStateStore resilient = ResilientStateStore.builder(
                        failingWhen(unreachable, shared, StateStore.class),
                        LocalStateStore.builder().timeSource(clock).build())
                .policy(policy)
                .minimumCalls(1)
                .windowSize(1)
                .timeSource(clock)
                .build();
        server = new TestServer(AbuseGuardFilter.builder()
                .engine(engine)
                .store(resilient)
                .proof("/abuse-guard/proof", 6, Duration.ofMinutes(2), "this site's proof secret")
                .requireProof(List.of("/api/scores/**"), Duration.ofHours(24))
                .build());
    }

    /** {@code delegate} behind dynamic proxies that count the look-ups of a mark ({@code Bans.isBanned...}). */
    private static <T> T countingMarkLookUps(T delegate, AtomicInteger lookUps, Class<T> type) {
        return intercepted(delegate, type, method -> {
            if (method.getDeclaringClass() == Bans.class && method.getName().startsWith("isBanned")) {
                lookUps.incrementAndGet();
            }
        });
    }

    /** {@code delegate} behind dynamic proxies that throw while {@code unreachable}, as a remote store does. */
    private static <T> T failingWhen(AtomicBoolean unreachable, T delegate, Class<T> type) {
        return intercepted(delegate, type, method -> {
            if (unreachable.get()) {
                throw new IllegalStateException("connection refused");
            }
        });
    }

    /**
     * {@code delegate} behind a dynamic proxy that tells {@code before} of each call, and so is every interface it
     * returns (a store's namespaces).
     */
    @SuppressWarnings("unchecked")
    private static <T> T intercepted(T delegate, Class<T> type, Consumer<Method> before) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            before.accept(method);
            Object result;
            try {
                result = method.invoke(delegate, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            Class<?> returned = method.getReturnType();
            return returned.isInterface() && result != null
                    ? intercepted(result, (Class<Object>) returned, before)
                    : result;
        });
    }

    @Test
    void theModeBindsFromItsProperty() throws Exception {
        server.close();
        AbuseGuardSettings settings = AbuseGuardSettings.bind(Map.of(
                "abuse-guard.proof.enabled", "true",
                "abuse-guard.proof.secret", "this site's proof secret",
                "abuse-guard.proof.required-paths", "/api/scores/**",
                "abuse-guard.proof.mode", "monitor"));
        server = new TestServer(AbuseGuardFilter.builder()
                .settings(settings)
                .engine(engine)
                .store(store)
                .build());

        assertThat(server.get("/api/scores/chess").statusCode()).isEqualTo(200);
        assertThat(events).containsExactly("WOULD_DENY proof/proof-required /api/scores/chess");
    }

    @Test
    void aProofOpensTheRoutesForTheHistorysLifetimeAndEachProofRenewsIt() throws Exception {
        prove();
        assertThat(server.get("/api/scores/chess").statusCode()).isEqualTo(200);

        clock.advance(Duration.ofHours(20));
        prove();
        clock.advance(Duration.ofHours(20));
        assertThat(server.get("/api/scores/chess").statusCode())
                .as("40 h after the first proof, 20 h after the last")
                .isEqualTo(200);

        clock.advance(Duration.ofHours(4).plusSeconds(1));
        assertThat(server.get("/api/scores/chess").statusCode()).isEqualTo(403);
    }

    /**
     * probe45b F4: each valid proof wrote the histories and the mark again (five round trips on Redis), and one
     * solution replayed 1,773 times a second loaded the shared store for free. A proof sent again within a minute
     * is answered without writing: the mark still ends a lifetime after the first.
     */
    @Test
    void aProofSentAgainWithinAMinuteWritesNothing() throws Exception {
        prove();
        clock.advance(Duration.ofSeconds(30));
        prove();
        clock.advance(Duration.ofHours(24).minusSeconds(30).plusSeconds(1));
        assertThat(server.get("/api/scores/chess").statusCode())
                .as("24 h after the first proof: the second wrote no renewal")
                .isEqualTo(403);
    }

    @Test
    void routesThatRequireTheProofNeedTheStoreAndTheProof() {
        AbuseGuardFilter.Builder withoutStore = AbuseGuardFilter.builder()
                .engine(engine)
                .proof("/abuse-guard/proof", 6, Duration.ofMinutes(2), "this site's proof secret")
                .requireProof(List.of("/api/**"), Duration.ofHours(1));
        AbuseGuardFilter.Builder withoutProof = AbuseGuardFilter.builder()
                .engine(engine)
                .store(store)
                .requireProof(List.of("/api/**"), Duration.ofHours(1));

        assertThatThrownBy(withoutStore::build).hasMessageContaining("state store");
        assertThatThrownBy(withoutProof::build).hasMessageContaining("proof on");
    }

    @Test
    void aBadRequiredPathNamesItsProperty() {
        AbuseGuardSettings settings = AbuseGuardSettings.bind(
                Map.of("abuse-guard.proof.enabled", "true", "abuse-guard.proof.required-paths", "api/**"));

        assertThatThrownBy(() -> AbuseGuardFilter.builder().settings(settings))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("abuse-guard.proof.required-paths");
    }

    /** probe14 LOW-1: the proof lasts the failure guard's history-ttl, whose bad value was blamed on required-paths. */
    @Test
    void aBadHistoryTtlNamesItsOwnPropertyWhenTheProofIsRequired() {
        AbuseGuardSettings settings = AbuseGuardSettings.bind(Map.of(
                "abuse-guard.failure.enabled", "false",
                "abuse-guard.failure.history-ttl", "-5s",
                "abuse-guard.proof.enabled", "true",
                "abuse-guard.proof.required-paths", "/api/scores/**"));

        assertThatThrownBy(() -> AbuseGuardFilter.builder().settings(settings))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("abuse-guard.failure.history-ttl")
                .hasMessageNotContaining("required-paths");
    }

    /** What the failure guard accepts as a history's lifetime (from 1 ms) a proof may last too. */
    @Test
    void aHistoryTtlUnderASecondIsAccepted() {
        AbuseGuardSettings settings = AbuseGuardSettings.bind(Map.of(
                "abuse-guard.failure.history-ttl", "500ms",
                "abuse-guard.proof.enabled", "true",
                "abuse-guard.proof.secret", "this site's proof secret",
                "abuse-guard.proof.required-paths", "/api/scores/**"));

        assertThat(AbuseGuardFilter.builder()
                        .settings(settings)
                        .engine(engine)
                        .store(store)
                        .build())
                .isNotNull();
    }

    private void prove() throws Exception {
        String form = ProofSolver.form(server.get("/abuse-guard/proof").body());
        HttpResponse<String> proved = server.send(HttpRequest.newBuilder(server.uri("/abuse-guard/proof"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        assertThat(proved.statusCode()).as(proved.body()).isEqualTo(204);
    }
}
