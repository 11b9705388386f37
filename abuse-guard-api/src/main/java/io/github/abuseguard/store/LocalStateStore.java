package io.github.abuseguard.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.github.abuseguard.TimeSource;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-process {@link StateStore}: Caffeine caches holding Bucket4j buckets and plain values.
 *
 * <p>Cache maintenance runs on the calling thread, amortised over requests, rather than being handed
 * to the common fork-join pool: on a small machine the hand-off costs more than the work.
 *
 * <p>Every namespace holds at most {@link Builder#maximumKeys(long) maximumKeys} keys, so a flood of
 * new client keys evicts the least useful ones instead of filling the heap. Buckets expire once they
 * would have refilled completely, which loses nothing: a full bucket and a new bucket are the same.
 * A namespace asked for again with other limits moves each existing bucket to them on its next use.
 */
public final class LocalStateStore implements StateStore {

    private final long maximumKeys;
    private final TimeSource timeSource;
    private final Ticker ticker;
    private final TimeMeter timeMeter;
    private final java.util.concurrent.ConcurrentMap<String, Object> namespaces =
            new java.util.concurrent.ConcurrentHashMap<>();

    private LocalStateStore(Builder builder) {
        this.maximumKeys = builder.maximumKeys;
        this.timeSource = builder.timeSource;
        this.ticker = timeSource::nanoTime;
        this.timeMeter = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return timeSource.nanoTime();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
    }

    /** Starts a store of at most 100,000 keys per namespace on the system clock. */
    public static Builder builder() {
        return new Builder();
    }

    /** The bound on keys per namespace. */
    public long maximumKeys() {
        return maximumKeys;
    }

    /** One state per namespace and kind: asking twice for the same namespace shares its state, as a shared store would. */
    private <T> T namespace(String kind, String namespace, java.util.function.Supplier<T> create) {
        @SuppressWarnings("unchecked")
        T state = (T) namespaces.computeIfAbsent(
                kind + ":" + Objects.requireNonNull(namespace, "namespace"), k -> create.get());
        return state;
    }

    @Override
    public TokenBuckets tokenBuckets(String namespace, BucketConfiguration configuration) {
        Objects.requireNonNull(configuration, "configuration");
        Cache<String, LocalBucket> buckets = namespace("tb", namespace, this::newBucketCache);
        return new LocalTokenBuckets(buckets, configuration, timeMeter);
    }

    private Cache<String, LocalBucket> newBucketCache() {
        return Caffeine.newBuilder()
                .executor(Runnable::run)
                .maximumSize(maximumKeys)
                .expireAfter(new Expiry<String, LocalBucket>() {
                    @Override
                    public long expireAfterCreate(String key, LocalBucket bucket, long now) {
                        return bucket.timeToRefill();
                    }

                    @Override
                    public long expireAfterUpdate(String key, LocalBucket bucket, long now, long remaining) {
                        return bucket.timeToRefill();
                    }

                    @Override
                    public long expireAfterRead(String key, LocalBucket bucket, long now, long remaining) {
                        return bucket.timeToRefill();
                    }
                })
                .ticker(ticker)
                .build();
    }

    @Override
    public Counters counters(String namespace, Duration window) {
        requirePositive(window, "window");
        return namespace("ct:" + window.toNanos(), namespace, () -> newCounters(window));
    }

    private Counters newCounters(Duration window) {
        Cache<String, AtomicLong> counts = Caffeine.newBuilder()
                .executor(Runnable::run)
                .maximumSize(maximumKeys)
                .expireAfter(Expiry.<String, AtomicLong>creating((key, value) -> window))
                .ticker(ticker)
                .build();
        return new Counters() {
            @Override
            public long add(String key, long delta) {
                return counts.get(key, k -> new AtomicLong()).addAndGet(delta);
            }

            @Override
            public long get(String key) {
                AtomicLong count = counts.getIfPresent(key);
                return count == null ? 0 : count.get();
            }
        };
    }

    @Override
    public Bans bans(String namespace) {
        return namespace("ban", namespace, this::newBans);
    }

    private Bans newBans() {
        Cache<String, Long> bans = Caffeine.newBuilder()
                .executor(Runnable::run)
                .maximumSize(maximumKeys)
                .expireAfter(Expiry.<String, Long>writing((key, ttlNanos) -> Duration.ofNanos(ttlNanos)))
                .ticker(ticker)
                .build();
        return new Bans() {
            @Override
            public void ban(String key, Duration ttl) {
                requirePositive(ttl, "ttl");
                bans.put(key, ttl.toNanos());
            }

            @Override
            public boolean isBanned(String key) {
                return bans.getIfPresent(key) != null;
            }

            @Override
            public void lift(String key) {
                bans.invalidate(key);
            }
        };
    }

    @Override
    public Trails trails(String namespace, int maxLength, Duration ttl) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be positive, was " + maxLength);
        }
        requirePositive(ttl, "ttl");
        return namespace("tr:" + maxLength + ":" + ttl.toNanos(), namespace, () -> newTrails(maxLength, ttl));
    }

    private Trails newTrails(int maxLength, Duration ttl) {
        Cache<String, ArrayDeque<String>> trails = Caffeine.newBuilder()
                .executor(Runnable::run)
                .maximumSize(maximumKeys)
                .expireAfter(Expiry.<String, ArrayDeque<String>>writing((key, trail) -> ttl))
                .ticker(ticker)
                .build();
        return new Trails() {
            @Override
            public List<String> append(String key, String entry) {
                List<String> copy = new ArrayList<>(maxLength);
                trails.asMap().compute(key, (k, trail) -> {
                    ArrayDeque<String> target = trail == null ? new ArrayDeque<>(maxLength) : trail;
                    if (target.size() == maxLength) {
                        target.removeFirst();
                    }
                    target.addLast(entry);
                    copy.addAll(target);
                    return target;
                });
                return copy;
            }

            @Override
            public List<String> get(String key) {
                List<String> copy = new ArrayList<>();
                trails.asMap().computeIfPresent(key, (k, trail) -> {
                    copy.addAll(trail);
                    return trail;
                });
                return copy;
            }

            @Override
            public int appendUnless(String key, String entry, List<TrailBlock> blocks) {
                int[] blocked = {-1};
                trails.asMap().compute(key, (k, trail) -> {
                    if (trail != null) {
                        for (int b = 0; b < blocks.size() && blocked[0] < 0; b++) {
                            for (String existing : trail) {
                                if (blocks.get(b).matches(existing)) {
                                    blocked[0] = b;
                                    break;
                                }
                            }
                        }
                    }
                    if (blocked[0] >= 0) {
                        return trail;
                    }
                    ArrayDeque<String> target = trail == null ? new ArrayDeque<>(maxLength) : trail;
                    if (target.size() == maxLength) {
                        target.removeFirst();
                    }
                    target.addLast(entry);
                    return target;
                });
                return blocked[0];
            }

            @Override
            public void settle(String key, String operation, String outcome) {
                trails.asMap().compute(key, (k, trail) -> {
                    ArrayDeque<String> target = new ArrayDeque<>(maxLength);
                    boolean settled = false;
                    if (trail != null) {
                        for (String existing : trail) {
                            if (!settled && TrailBlock.pending(existing, operation)) {
                                settled = true;
                                if (outcome != null) {
                                    target.addLast(outcome); // where the reservation was: the order holds
                                }
                            } else {
                                target.addLast(existing);
                            }
                        }
                    }
                    if (!settled && outcome != null) {
                        if (target.size() == maxLength) {
                            target.removeFirst();
                        }
                        target.addLast(outcome);
                    }
                    return target.isEmpty() ? null : target;
                });
            }
        };
    }

    /** The longest time any limit of the configuration needs to refill from empty to full. */
    static long timeToRefill(BucketConfiguration configuration) {
        long longest = 1;
        for (Bandwidth bandwidth : configuration.getBandwidths()) {
            double periods = Math.ceil((double) bandwidth.getCapacity() / bandwidth.getRefillTokens());
            long nanos = (long) Math.min(Long.MAX_VALUE / 2.0, periods * bandwidth.getRefillPeriodNanos());
            longest = Math.max(longest, nanos);
        }
        return longest;
    }

    private static void requirePositive(Duration duration, String name) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + duration);
        }
    }

    /** A bucket and the configuration it runs on, which expires it once it would have refilled. */
    private record LocalBucket(Bucket bucket, BucketConfiguration configuration, long timeToRefill) {}

    private static final class LocalTokenBuckets implements TokenBuckets {
        private final Cache<String, LocalBucket> buckets;
        private final BucketConfiguration configuration;
        private final long timeToRefill;
        private final TimeMeter timeMeter;

        LocalTokenBuckets(Cache<String, LocalBucket> buckets, BucketConfiguration configuration, TimeMeter timeMeter) {
            this.buckets = buckets;
            this.configuration = configuration;
            this.timeToRefill = LocalStateStore.timeToRefill(configuration);
            this.timeMeter = timeMeter;
        }

        @Override
        public ConsumptionProbe tryConsume(String key, long tokens) {
            return current(key).tryConsumeAndReturnRemaining(tokens);
        }

        @Override
        public void refund(String key, long tokens) {
            if (tokens < 1) {
                throw new IllegalArgumentException("tokens must be positive, was " + tokens);
            }
            current(key).addTokens(tokens);
        }

        /** The key's bucket, moved to this configuration if it was made with other limits. */
        private Bucket current(String key) {
            LocalBucket entry = buckets.get(key, this::newBucket);
            if (entry.configuration() != configuration && !entry.configuration().equals(configuration)) {
                entry = buckets.asMap().compute(key, (k, existing) -> {
                    if (existing == null) {
                        return newBucket(k);
                    }
                    if (existing.configuration().equals(configuration)) {
                        return existing;
                    }
                    existing.bucket().replaceConfiguration(configuration, TokensInheritanceStrategy.ADDITIVE);
                    return new LocalBucket(existing.bucket(), configuration, timeToRefill);
                });
            }
            return entry.bucket();
        }

        private LocalBucket newBucket(String key) {
            var builder = Bucket.builder()
                    .withCustomTimePrecision(timeMeter)
                    .withSynchronizationStrategy(SynchronizationStrategy.LOCK_FREE);
            for (Bandwidth bandwidth : configuration.getBandwidths()) {
                builder.addLimit(bandwidth);
            }
            return new LocalBucket(builder.build(), configuration, timeToRefill);
        }

        @Override
        public long trackedKeys() {
            buckets.cleanUp();
            return buckets.estimatedSize();
        }
    }

    /** Builds a {@link LocalStateStore}. */
    public static final class Builder {
        private long maximumKeys = 100_000;
        private TimeSource timeSource = TimeSource.system();

        private Builder() {}

        /**
         * The most keys each namespace tracks. Default 100,000: a tracked IPv4 client of a rate-limit rule
         * costs about 410 bytes of heap (measured by {@code TrackedKeyFootprint}), so a rule stays around
         * 40 MB at worst.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder maximumKeys(long maximumKeys) {
            if (maximumKeys < 1) {
                throw new IllegalArgumentException("maximumKeys must be positive, was " + maximumKeys);
            }
            this.maximumKeys = maximumKeys;
            return this;
        }

        /** The clock for refills and expiry. Default {@link TimeSource#system()}. */
        public Builder timeSource(TimeSource timeSource) {
            this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
            return this;
        }

        public LocalStateStore build() {
            return new LocalStateStore(this);
        }
    }
}
