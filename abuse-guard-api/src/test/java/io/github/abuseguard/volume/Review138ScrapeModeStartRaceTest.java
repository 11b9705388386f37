package io.github.abuseguard.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.BannedKey;
import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.BucketSpec;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.Histories;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.SlidingWindows;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.store.Tallies;
import io.github.abuseguard.store.TokenBuckets;
import io.github.abuseguard.store.Trails;
import io.github.abuseguard.testing.FakeTimeSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * review138: {@code RouteScrapeWatch.enter} (5d44c8a1, probe78a F2) now sets the cached mode to "under" by a
 * compare-and-set before it writes the ban to the store (it wrote the store first). A request thread of the same
 * instance whose clock read is a millisecond older than the start's ({@code now < readAt}) reads the store in that gap,
 * finds no ban, and its compare-and-set replaces the fresh "under" with "not under" for the next second: it logs
 * "no longer under scrape" at the start, before the start's own WARN. (The newcomer assertion after it held in
 * review138's run: the instance still refused a newcomer 20 ms later.)
 */
class Review138ScrapeModeStartRaceTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    private VolumeGuard instance(StateStore store) {
        return VolumeGuard.builder()
                .store(store)
                .timeSource(clock)
                .seed(1234)
                .rule(DistinctRule.builder("scores")
                        .path("/api/scores/{game}")
                        .methods("GET")
                        .maxDistinct(30)
                        .underScrape(UnderScrape.defaults())
                        .build())
                .build();
    }

    private static GuardRequest get(String address, String path) {
        return GuardRequest.builder("GET", path).client(address).build();
    }

    private static void prove(VolumeGuard guard, String address) {
        GuardRequest page =
                GuardRequest.builder("GET", "/api/cart").client(address).build();
        assertThat(guard.check(page).isAllow()).isTrue();
        guard.observe(page, 200, true);
    }

    /** Starts the mode with a crowd; {@code raced}: a request with a 1 ms older clock read runs as the ban is written. */
    private Decision newcomerRightAfterTheStart(boolean raced, StringBuilder log) throws Exception {
        AtomicReference<Runnable> atBan = new AtomicReference<>();
        StateStore store = new HookedStore(
                LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build(), atBan);
        VolumeGuard guard = instance(store);
        if (raced) {
            atBan.set(() -> {
                clock.advance(Duration.ofMillis(-1));
                Thread other = new Thread(() -> guard.check(get("10.9.0.1", "/api/scores/chess")));
                other.start();
                try {
                    other.join();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                clock.advance(Duration.ofMillis(1));
            });
        }
        PrintStream original = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Decision newcomer;
        try {
            System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
            int item = 0;
            for (int a = 0; a < 12; a++) {
                prove(guard, "172.31.0." + (a + 1));
            }
            for (int g = 0; g < 25 && guard.underScrape().isEmpty(); g++) {
                for (int a = 0; a < 12 && guard.underScrape().isEmpty(); a++) {
                    guard.check(get("172.31.0." + (a + 1), "/api/scores/new-" + item++));
                    clock.advance(Duration.ofMillis(20));
                }
            }
            assertThat(guard.underScrape())
                    .as("control: the crowd started the mode")
                    .containsExactly("scores");
            newcomer = guard.check(get("198.51.100.200", "/api/scores/chess"));
        } finally {
            System.setErr(original);
        }
        log.append(printed.toString(StandardCharsets.UTF_8));
        return newcomer;
    }

    @Test
    void aRequestReadingTheStoreAsTheModeStartsDoesNotUndoTheStart() throws Exception {
        StringBuilder controlLog = new StringBuilder();
        assertThat(newcomerRightAfterTheStart(false, controlLog).isDeny())
                .as("control: a newcomer 20 ms after the start is refused")
                .isTrue();

        StringBuilder log = new StringBuilder();
        Decision newcomer = newcomerRightAfterTheStart(true, log);
        assertThat(log.toString())
                .as("the start's log")
                .contains("put its routes under scrape")
                .doesNotContain("no longer under scrape");
        assertThat(newcomer.isDeny())
                .as("a newcomer 20 ms after the start on the instance that started it: %s", newcomer)
                .isTrue();
    }

    /** A store whose ban of the rule's mode key runs {@code atBan} once before it is written. */
    private static final class HookedStore implements StateStore {
        private final LocalStateStore delegate;
        private final AtomicReference<Runnable> atBan;

        HookedStore(LocalStateStore delegate, AtomicReference<Runnable> atBan) {
            this.delegate = delegate;
            this.atBan = atBan;
        }

        @Override
        public TokenBuckets tokenBuckets(String namespace, BucketSpec spec) {
            return delegate.tokenBuckets(namespace, spec);
        }

        @Override
        public Counters counters(String namespace, Duration window) {
            return delegate.counters(namespace, window);
        }

        @Override
        public Bans bans(String namespace) {
            Bans bans = delegate.bans(namespace);
            if (!namespace.equals("volume:under-scrape")) {
                return bans;
            }
            return new Bans() {
                @Override
                public void ban(String key, Duration ttl) {
                    if (key.equals("scores")) {
                        Runnable hook = atBan.getAndSet(null);
                        if (hook != null) {
                            hook.run();
                        }
                    }
                    bans.ban(key, ttl);
                }

                @Override
                public boolean isBanned(String key) {
                    return bans.isBanned(key);
                }

                @Override
                public void lift(String key) {
                    bans.lift(key);
                }

                @Override
                public List<BannedKey> active(int limit) {
                    return bans.active(limit);
                }
            };
        }

        @Override
        public SlidingWindows slidingWindows(String namespace, Duration window) {
            return delegate.slidingWindows(namespace, window);
        }

        @Override
        public Histories histories(String namespace, Duration ttl) {
            return delegate.histories(namespace, ttl);
        }

        @Override
        public Trails trails(String namespace, int maxLength, Duration ttl) {
            return delegate.trails(namespace, maxLength, ttl);
        }

        @Override
        public Tallies tallies(String namespace, int bits, int slots, Duration ttl) {
            return delegate.tallies(namespace, bits, slots, ttl);
        }

        @Override
        public long sharedSeed(String name) {
            return delegate.sharedSeed(name);
        }
    }
}
