package io.github.abuseguard.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.BannedKey;
import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.BucketSpec;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.store.Tallies;
import io.github.abuseguard.store.TokenBuckets;
import io.github.abuseguard.store.Trails;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What an allowed request costs the store: on a shared store each operation is a round trip, so a client
 * within its bounds must cost one, whatever signals its rule has.
 */
class VolumeStoreCostTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final CountingStore store =
            new CountingStore(LocalStateStore.builder().timeSource(clock).build());

    private VolumeGuard demoLike() {
        VolumeGuard guard = VolumeGuard.builder()
                .store(store)
                .timeSource(clock)
                .seed(7)
                .rule(DistinctRule.builder("scores")
                        .path("/api/scores/{game}")
                        .methods("GET")
                        .maxDistinct(30)
                        .underScrape(UnderScrape.defaults())
                        .rateBaseline(RateBaseline.defaults())
                        .onlyReads(OnlyReads.defaults())
                        .build())
                .build();
        guard.importBaselines("{\"scores\":{\"rates\":{\"/api/scores/{game}\":"
                + "{\"p50\":20,\"p90\":40,\"p99\":60,\"clients\":500,\"windows\":100}}}}");
        return guard;
    }

    private static GuardRequest poll(int client, int game) {
        return GuardRequest.builder("GET", "/api/scores/game-" + game)
                .client("198.51.100." + client)
                .build();
    }

    @Test
    void aClientPollingWithinItsBoundsCostsOneStoreOperationPerRequest() {
        VolumeGuard guard = demoLike();
        for (int client = 1; client <= 20; client++) {
            for (int game = 0; game < 3; game++) {
                assertThat(guard.check(poll(client, game)).isAllow()).isTrue();
            }
        }
        // Past the first requests of each client (which move it through the rate histogram) and of each
        // game (which fill the population's sketch), every request is one record of the client's tally.
        for (int round = 0; round < 8; round++) {
            for (int client = 1; client <= 20; client++) {
                guard.check(poll(client, round % 3));
            }
        }
        int before = store.operations.get();
        int requests = 0;
        for (int round = 0; round < 2; round++) {
            for (int client = 1; client <= 20; client++) {
                assertThat(guard.check(poll(client, round % 3)).isAllow()).isTrue();
                requests++;
            }
        }
        int operations = store.operations.get() - before;
        assertThat(operations)
                .as(
                        "one tally record per request, the requests counted in batches of %d",
                        RouteScrapeWatch.REQUEST_BATCH)
                .isBetween(requests, requests + 1);
        assertThat(store.tallyRecords.get()).isPositive();
    }

    /**
     * The store operations of the request that puts the route under scrape after {@code sites} sites found
     * fresh resources in the window: padded with repeats until then (a share under min-ratio), so that every
     * site is noted before the start.
     */
    private int startingRequestOperations(int sites) {
        FakeTimeSource clock = new FakeTimeSource();
        CountingStore store = new CountingStore(
                LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build());
        VolumeGuard guard = VolumeGuard.builder()
                .store(store)
                .timeSource(clock)
                .seed(7)
                .rule(DistinctRule.builder("scores")
                        .path("/api/scores/{game}")
                        .methods("GET")
                        .maxDistinct(30)
                        .underScrape(UnderScrape.defaults()) // min-distinct 100: every path counted
                        .build())
                .build();
        for (int site = 0; site < sites; site++) {
            guard.check(poll("172.18." + (site / 250) + "." + (site % 250 + 1), "new-" + site));
            guard.check(poll("10.4.0.1", "finals"));
            guard.check(poll("10.4.0.2", "finals"));
        }
        assertThat(guard.underScrape()).as("a share of a third").isEmpty();
        clock.advance(Duration.ofSeconds(3)); // the padded slices out of the recent ones
        for (int site = 0; site < 100; site++) {
            int before = store.operations.get();
            guard.check(poll("172.19.0." + (site + 1), "later-" + site));
            int operations = store.operations.get() - before;
            if (!guard.underScrape().isEmpty()) {
                clock.advance(UnderScrape.defaults().duration().plusSeconds(1));
                int last = sites - 1;
                assertThat(guard.check(poll("172.18." + (last / 250) + "." + (last % 250 + 1), "again"))
                                .reason())
                        .as("the last padded site, remembered with the others after the mode")
                        .isEqualTo("under-scrape");
                return operations;
            }
        }
        throw new AssertionError("the mode did not start");
    }

    private static GuardRequest poll(String client, String game) {
        return GuardRequest.builder("GET", "/api/scores/" + game).client(client).build();
    }

    @Test
    void theRequestThatStartsTheModeRemembersItsSitesInABoundedNumberOfStoreOperations() {
        int few = startingRequestOperations(30);
        int many = startingRequestOperations(600);
        System.out.printf("the starting request: %d store operations after 30 sites, %d after 600%n", few, many);
        assertThat(many)
                .as("remembering the sites is one listing, one count and one write for them all")
                .isLessThanOrEqualTo(few + 2);
    }

    @Test
    void aRuleOfMoreTemplatesThanATallyHasSlotsCannotLearnRates() {
        DistinctRule.Builder rule = DistinctRule.builder("wide").rateBaseline(RateBaseline.defaults());
        for (int i = 0; i <= Tallies.MAX_SLOTS; i++) {
            rule.path("/api/t" + i + "/{id}");
        }
        assertThatIllegalStateException().isThrownBy(rule::build).withMessageContaining("rate-baseline");
    }

    /** Counts every operation of the store's namespaces. */
    private static final class CountingStore implements StateStore {
        final AtomicInteger operations = new AtomicInteger();
        final AtomicInteger tallyRecords = new AtomicInteger();
        private final StateStore delegate;

        CountingStore(StateStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public TokenBuckets tokenBuckets(String namespace, BucketSpec spec) {
            throw new AssertionError("the volume guard keeps no buckets");
        }

        @Override
        public Counters counters(String namespace, Duration window) {
            Counters counters = delegate.counters(namespace, window);
            return new Counters() {
                @Override
                public long add(String key, long delta) {
                    operations.incrementAndGet();
                    return counters.add(key, delta);
                }

                @Override
                public long get(String key) {
                    operations.incrementAndGet();
                    return counters.get(key);
                }

                @Override
                public long[] addAll(List<String> keys, long delta) {
                    operations.incrementAndGet();
                    return counters.addAll(keys, delta);
                }
            };
        }

        @Override
        public Bans bans(String namespace) {
            Bans bans = delegate.bans(namespace);
            return new Bans() {
                @Override
                public void ban(String key, Duration ttl) {
                    operations.incrementAndGet();
                    bans.ban(key, ttl);
                }

                @Override
                public boolean isBanned(String key) {
                    operations.incrementAndGet();
                    return bans.isBanned(key);
                }

                @Override
                public void lift(String key) {
                    operations.incrementAndGet();
                    bans.lift(key);
                }

                @Override
                public List<BannedKey> active(int limit) {
                    operations.incrementAndGet();
                    return bans.active(limit);
                }

                @Override
                public List<BannedKey> active(int limit, Duration endingAfter) {
                    operations.incrementAndGet();
                    return bans.active(limit, endingAfter);
                }

                @Override
                public void banAll(java.util.Map<String, Duration> ttls) {
                    operations.incrementAndGet();
                    bans.banAll(ttls);
                }

                @Override
                public List<Duration> remainingAll(List<String> keys) {
                    operations.incrementAndGet();
                    return bans.remainingAll(keys);
                }

                @Override
                public Duration remaining(String key) {
                    operations.incrementAndGet();
                    return bans.remaining(key);
                }
            };
        }

        @Override
        public Trails trails(String namespace, int maxLength, Duration ttl) {
            throw new AssertionError("the volume guard keeps no trails");
        }

        @Override
        public Tallies tallies(String namespace, int bits, int slots, Duration ttl) {
            Tallies tallies = delegate.tallies(namespace, bits, slots, ttl);
            return new Tallies() {
                @Override
                public long record(String key, int bit, long bitWindow, int slot, long countWindow) {
                    operations.incrementAndGet();
                    tallyRecords.incrementAndGet();
                    return tallies.record(key, bit, bitWindow, slot, countWindow);
                }

                @Override
                public void mark(String key, int slot, long untilWindow) {
                    operations.incrementAndGet();
                    tallies.mark(key, slot, untilWindow);
                }
            };
        }
    }
}
