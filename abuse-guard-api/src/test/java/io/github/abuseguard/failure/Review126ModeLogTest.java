package io.github.abuseguard.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.BucketSpec;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.store.TokenBuckets;
import io.github.abuseguard.store.Trails;
import io.github.abuseguard.testing.FakeTimeSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * review126: the mode's log lines of a failure rule (user71 F4). A request of the rule's routes that read the mode
 * as off just before this very instance started it (a read in flight: every request of the routes asks) finishes
 * its read after the start and writes its stale "off" over the instance's own start: the log then says the routes
 * are "no longer under attack" right after the WARN that put them under attack, and the next request says another
 * instance "started" the mode this instance started itself. RouteScrapeWatch guards the same read with a
 * compare-and-set of the read it started from; RouteSurge.isUnderAttack does not.
 */
class Review126ModeLogTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore local =
            LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build();

    private volatile Thread inFlight;
    private final CountDownLatch read = new CountDownLatch(1);
    private final CountDownLatch resume = new CountDownLatch(1);

    /** The local store, whose mode reads by {@link #inFlight} stop after reading, until {@link #resume}. */
    private final StateStore store = new StateStore() {
        @Override
        public TokenBuckets tokenBuckets(String namespace, BucketSpec spec) {
            return local.tokenBuckets(namespace, spec);
        }

        @Override
        public Counters counters(String namespace, Duration window) {
            return local.counters(namespace, window);
        }

        @Override
        public Bans bans(String namespace) {
            Bans bans = local.bans(namespace);
            if (!namespace.equals("failure:under-attack")) {
                return bans;
            }
            return new Bans() {
                @Override
                public void ban(String key, Duration ttl) {
                    bans.ban(key, ttl);
                }

                @Override
                public void lift(String key) {
                    bans.lift(key);
                }

                @Override
                public java.util.List<io.github.abuseguard.store.BannedKey> active(int limit) {
                    return bans.active(limit);
                }

                @Override
                public java.util.List<io.github.abuseguard.store.BannedKey> active(int limit, Duration endingAfter) {
                    return bans.active(limit, endingAfter);
                }

                @Override
                public Duration remaining(String key) {
                    return bans.remaining(key);
                }

                @Override
                public boolean isBanned(String key) {
                    boolean banned = bans.isBanned(key);
                    if (Thread.currentThread() == inFlight && read.getCount() > 0) {
                        read.countDown();
                        try {
                            resume.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return banned;
                }
            };
        }

        @Override
        public Trails trails(String namespace, int maxLength, Duration ttl) {
            return local.trails(namespace, maxLength, ttl);
        }
    };

    @Test
    void aReadInFlightWhenThisInstanceStartsTheModeLogsNoEndAndNoOtherStarter() throws Exception {
        FailureGuard guard = FailureGuard.builder()
                .store(store)
                .timeSource(clock)
                .rule(FailureRule.builder("login")
                        .path("/api/login")
                        .methods("POST")
                        .maxRetry(10)
                        .underAttack(new UnderAttack(
                                Duration.ofSeconds(10),
                                5.0,
                                20,
                                0.2,
                                Duration.ofMinutes(2),
                                Action.REJECT,
                                EnumSet.allOf(UnderAttack.Signal.class),
                                null))
                        .build())
                .build();
        AbuseGuard engine = AbuseGuard.builder().guard(guard).timeSource(clock).build();
        PrintStream original = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
            // a request of the route reading the mode (off) as the attack's failures come in
            Thread request = new Thread(guard::underAttack);
            inFlight = request;
            request.start();
            assertThat(read.await(30, TimeUnit.SECONDS)).isTrue();

            for (int a = 0; a < 60 && guard.underAttack().isEmpty(); a++) {
                exchange(engine, login("10." + (a + 1) + ".0.1"), 401);
            }
            assertThat(guard.underAttack()).containsExactly("login");

            resume.countDown(); // the read in flight ends
            request.join(30_000);
            exchange(engine, login("10.250.0.1"), 401); // the next request of the route
        } finally {
            System.setErr(original);
        }
        String log = printed.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("failure rule 'login' put its routes under attack");
        assertThat(log)
                .as("this instance started the mode and it has not ended")
                .doesNotContain("no longer under attack")
                .doesNotContain("started elsewhere");
    }

    private static GuardRequest login(String address) {
        return GuardRequest.builder("POST", "/api/login")
                .client(address)
                .header("User-Agent", "python-requests/2.31")
                .body("application/json", "{\"username\":\"victim\",\"password\":\"x\"}")
                .build();
    }

    private static Decision exchange(AbuseGuard engine, GuardRequest request, int status) {
        Evaluation evaluation = engine.evaluate(request);
        if (!evaluation.decision().isDeny() || evaluation.decision().action().passesRequestOn()) {
            engine.complete(request, status);
        }
        return evaluation.decision();
    }
}
