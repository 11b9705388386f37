package io.github.abuseguard.volume;

import static io.github.abuseguard.volume.DemoScoresRule.get;
import static io.github.abuseguard.volume.DemoScoresRule.prove;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.Decision;
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
import io.github.abuseguard.testing.StandardError;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The start of a route's under-scrape mode, as the log tells it (README, Enumeration and scraping, "The log"): the
 * instance that starts the mode writes one WARN, an instance that finds it started by another an INFO, and no request
 * racing the start undoes it.
 */
class ScrapeModeStartTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    private LocalStateStore store() {
        return LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build();
    }

    /** Twelve proved addresses read new games 20 ms apart until {@code guard} is under scrape; {@code between} runs before each read. */
    private int startTheMode(VolumeGuard guard, Runnable between) {
        int item = 0;
        for (int a = 0; a < 12; a++) {
            prove(guard, "172.31.0." + (a + 1));
        }
        for (int g = 0; g < 25 && guard.underScrape().isEmpty(); g++) {
            for (int a = 0; a < 12 && guard.underScrape().isEmpty(); a++) {
                if (item % 5 == 0) {
                    between.run();
                }
                guard.check(get("172.31.0." + (a + 1), "/api/scores/new-" + item++));
                clock.advance(Duration.ofMillis(20));
            }
        }
        assertThat(guard.underScrape())
                .as("control: the crowd started the mode")
                .containsExactly("scores");
        return item;
    }

    /**
     * probe78a F2: two instances of the demo on one Redis, a scrape crowd spread over both. Observed on the demo: three
     * WARNs "put its routes under scrape" for one start at the same millisecond and no INFO: an instance whose cached
     * read of the mode (off) was younger than a second "started" the mode another instance started, and logged it as
     * its own.
     */
    @Test
    void aScrapeModeStartedOnOneInstanceIsLoggedAsStartedOnce() throws Exception {
        LocalStateStore shared = store();
        VolumeGuard first = DemoScoresRule.on(shared, clock);
        VolumeGuard second = DemoScoresRule.on(shared, clock);
        String log = StandardError.printedBy(() -> {
            prove(second, "10.9.0.1");
            for (int a = 0; a < 12; a++) {
                prove(second, "172.31.1." + (a + 1)); // more of the crowd, on the second instance
            }
            // a reader of one popular game asks the second instance every 100 ms while the crowd reads on the first
            // (every request of the routes reads the mode, at most once a second)
            int item = startTheMode(first, () -> second.check(get("10.9.0.1", "/api/scores/chess")));
            // more of the crowd goes on on the second instance, within the second after the start
            for (int a = 0; a < 12; a++) {
                second.check(get("172.31.1." + (a + 1), "/api/scores/new-" + item++));
            }
        });
        Matcher started = Pattern.compile("volume rule 'scores' put its routes under scrape")
                .matcher(log);
        int starts = 0;
        while (started.find()) {
            starts++;
        }
        assertThat(starts)
                .as("one start of the mode, one WARN (the second instance found it started: an INFO)")
                .isEqualTo(1);
    }

    /**
     * review138: {@code RouteScrapeWatch.enter} once set the cached mode to "under" before it wrote the ban to the
     * store. A request thread of the same instance whose clock read is a millisecond older than the start's read the
     * store in that gap, found no ban, and replaced the fresh "under" with "not under" for the next second: it logged
     * "no longer under scrape" at the start, before the start's own WARN.
     */
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

    /** Starts the mode with a crowd; {@code raced}: a request with a 1 ms older clock read runs as the ban is written. */
    private Decision newcomerRightAfterTheStart(boolean raced, StringBuilder log) throws Exception {
        AtomicReference<Runnable> atBan = new AtomicReference<>();
        VolumeGuard guard = DemoScoresRule.on(new HookedStore(store(), atBan), clock);
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
        Decision[] newcomer = new Decision[1];
        log.append(StandardError.printedBy(() -> {
            startTheMode(guard, () -> {});
            newcomer[0] = guard.check(get("198.51.100.200", "/api/scores/chess"));
        }));
        return newcomer[0];
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
