package io.github.abuseguard.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.Ticker;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.EngineSettings;
import io.github.abuseguard.internal.Durations;
import io.github.abuseguard.internal.SampledAccess;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The in-process {@link StateStore}: Caffeine caches holding compact token buckets and plain values.
 *
 * <p>Cache maintenance runs on the calling thread, amortised over requests, rather than being handed
 * to the common fork-join pool: on a small machine the hand-off costs more than the work.
 *
 * <p>Every namespace holds at most {@link Builder#maximumKeys(long) maximumKeys} keys, so a flood of
 * new client keys evicts the least useful ones instead of filling the heap. Buckets expire once they
 * would have refilled completely since their last use (up to 1.07 s later, see {@link
 * LocalBucket#accessDue}), which loses nothing: a full bucket and a new bucket are the same. A namespace
 * asked for again with other limits moves each existing bucket to them on its next use. A tracked key
 * of a one-limit bucket costs about 190 bytes of heap with its cache entry (188 measured by {@code
 * TrackedKeyFootprint}, key string included).
 */
public final class LocalStateStore implements StateStore {

    /** One add in this many to an existing count is recorded as its access; see {@link #newCounters}. */
    static final int ACCESS_SAMPLE = 8;

    private final long maximumKeys;
    private final long maximumHistories;
    private final TimeSource timeSource;
    private final Map<String, Long> seeds = new ConcurrentHashMap<>();
    private final Ticker ticker;
    private final java.util.concurrent.ConcurrentMap<String, Object> namespaces =
            new java.util.concurrent.ConcurrentHashMap<>();

    private LocalStateStore(Builder builder) {
        this.maximumKeys = builder.maximumKeys;
        this.maximumHistories = builder.maximumHistories < 0 ? builder.maximumKeys : builder.maximumHistories;
        this.timeSource = builder.timeSource;
        this.ticker = timeSource::nanoTime;
    }

    /** Starts a store of at most 100,000 keys per namespace on the system clock. */
    public static Builder builder() {
        return new Builder();
    }

    /** The bound on keys per namespace. */
    public long maximumKeys() {
        return maximumKeys;
    }

    /** The bound on the histories each history namespace keeps on top of its {@link #maximumKeys()} recent ones. */
    public long maximumHistories() {
        return maximumHistories;
    }

    /** One state per namespace and kind: asking twice for the same namespace shares its state, as a shared store would. */
    private <T> T namespace(String kind, String namespace, java.util.function.Supplier<T> create) {
        @SuppressWarnings("unchecked")
        T state = (T) namespaces.computeIfAbsent(
                kind + ":" + Objects.requireNonNull(namespace, "namespace"), k -> create.get());
        return state;
    }

    @Override
    public TokenBuckets tokenBuckets(String namespace, BucketSpec spec) {
        Objects.requireNonNull(spec, "spec");
        long expiry = bucketExpiry(spec);
        Cache<String, LocalBucket> buckets = namespace("tb", namespace, () -> newBucketCache(expiry));
        // Kept as long as the slowest limits ever asked for in the namespace need to refill.
        buckets.policy().expireAfterAccess().ifPresent(policy -> {
            synchronized (policy) {
                if (policy.getExpiresAfter(TimeUnit.NANOSECONDS) < expiry) {
                    policy.setExpiresAfter(expiry, TimeUnit.NANOSECONDS);
                }
            }
        });
        return new LocalTokenBuckets(buckets, spec, timeSource);
    }

    /**
     * The time to refill plus one slice of {@link LocalBucket#accessDue}: a use is recorded as the entry's
     * access at least once per slice, so its recorded access is at most that much older than its last.
     */
    private static long bucketExpiry(BucketSpec spec) {
        long fill = spec.nanosToFill();
        return fill > Long.MAX_VALUE - LocalBucket.ACCESS_SLICE_NANOS
                ? Long.MAX_VALUE
                : fill + LocalBucket.ACCESS_SLICE_NANOS;
    }

    private Cache<String, LocalBucket> newBucketCache(long expiry) {
        // Expiry after access, the same for every key, needs no timer-wheel links in each cache entry.
        return Caffeine.newBuilder()
                .executor(Runnable::run)
                .maximumSize(maximumKeys)
                .expireAfterAccess(expiry, TimeUnit.NANOSECONDS)
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
        Policy<String, AtomicLong> quietly = counts.policy();
        return new Counters() {
            /** Adds since the last one recorded as an access; racy on purpose, it only spreads the samples. */
            private int unrecorded;

            /**
             * A count's expiry runs from its creation, whatever reads it, so an access matters only to the
             * eviction policy, which Caffeine itself feeds from a lossy buffer: one add in {@code ACCESS_SAMPLE}
             * of an existing count is recorded as its access, the others skip the
             * bookkeeping, which costs more than the add (a route's request counter is added to by every
             * request). A new count is always created through the cache, and recorded.
             */
            @Override
            public long add(String key, long delta) {
                AtomicLong count = quietly.getIfPresentQuietly(key);
                if (count == null || (++unrecorded & (ACCESS_SAMPLE - 1)) == 0) {
                    count = counts.get(key, k -> new AtomicLong());
                }
                return count.addAndGet(delta);
            }

            @Override
            public long get(String key) {
                AtomicLong count = counts.getIfPresent(key);
                return count == null ? 0 : count.get();
            }

            /** Each count's own atomic update: a count below 0 is taken as 0 in the same step. */
            @Override
            public long[] addAllFromZero(List<String> keys, long delta) {
                long[] added = new long[keys.size()];
                for (int i = 0; i < added.length; i++) {
                    added[i] = counts.get(keys.get(i), k -> new AtomicLong())
                            .updateAndGet(count -> Math.max(count, 0) + delta);
                }
                return added;
            }

            @Override
            public boolean reserve(
                    String reserved,
                    String reservedBefore,
                    String current,
                    String previous,
                    long previousPart,
                    long whole,
                    long limit) {
                AtomicLong held = counts.get(reserved, k -> new AtomicLong());
                // One reservation at a time per key: a release meanwhile only makes the answer stricter.
                synchronized (held) {
                    long counted = get(current) + (get(previous) * previousPart + whole - 1) / whole;
                    if (counted + Math.max(0, held.get()) + Math.max(0, get(reservedBefore)) >= limit) {
                        return false;
                    }
                    held.incrementAndGet();
                    return true;
                }
            }

            @Override
            public void release(String reserved) {
                AtomicLong held = counts.getIfPresent(reserved);
                if (held != null) {
                    held.getAndUpdate(count -> count > 0 ? count - 1 : 0);
                }
            }
        };
    }

    /**
     * Histories kept apart from the other namespaces, so that a flood of new client keys cannot push out
     * the histories earned before it: the {@link Builder#maximumHistories(long) maximumHistories} histories
     * earned first (of those not expired) are <em>kept</em> until they expire; the {@link #maximumKeys()}
     * newest are <em>recent</em>, and a new history pushes out the oldest recent one, which joins the kept
     * ones while they have room and is dropped otherwise. A flood therefore churns only the recent
     * histories, its own among them, and clients who arrive after it earn recent histories as before. The
     * cost: once a flood has filled the kept histories, later clients' histories stay recent (churned by
     * the next flood) until the flood's own expire, {@code ttl} after it. A history costs about 126 bytes
     * of heap with an IPv4 key (a map entry, its time and the key's place in its tier's queue; measured by
     * {@code HistoryFootprint}), so a namespace of the default bounds (100,000 kept and 100,000 recent) stays at 24.2 MiB at
     * worst, where a plain counter namespace of 100,000 keys took 17.3 MiB. One look-up per {@link
     * Histories#has}; an earn takes the namespace's lock.
     */
    @Override
    public Histories histories(String namespace, Duration ttl) {
        requirePositive(ttl, "ttl");
        return namespace("hi:" + ttl.toNanos(), namespace, () -> new LocalHistories(ttl.toNanos()));
    }

    /** The histories of one namespace; see {@link #histories}. */
    final class LocalHistories implements Histories {
        private final long ttlNanos;
        /** When each history was earned, on the store's ticker. */
        private final java.util.concurrent.ConcurrentMap<String, Long> earnedAt =
                new java.util.concurrent.ConcurrentHashMap<>();
        /** The kept histories, oldest first; all older than every recent one. Guarded by this. */
        private final ArrayDeque<String> kept = new ArrayDeque<>();
        /** The recent histories, oldest first. Guarded by this. */
        private final ArrayDeque<String> recent = new ArrayDeque<>();

        LocalHistories(long ttlNanos) {
            this.ttlNanos = ttlNanos;
        }

        @Override
        public boolean has(String key) {
            Long at = earnedAt.get(key);
            return at != null && ticker.read() - at < ttlNanos;
        }

        @Override
        public void earn(String key) {
            Objects.requireNonNull(key, "key");
            long now = ticker.read();
            synchronized (this) {
                // Histories expire in the order they were earned, kept ones first: after this, every history
                // left is current, the key's included if it has one.
                if (expire(kept, now)) {
                    expire(recent, now);
                }
                if (earnedAt.putIfAbsent(key, now) != null) {
                    return;
                }
                recent.addLast(key);
                if (recent.size() > maximumKeys) {
                    String oldest = recent.removeFirst();
                    if (kept.size() < maximumHistories) {
                        kept.addLast(oldest);
                    } else {
                        earnedAt.remove(oldest);
                    }
                }
            }
        }

        /** Drops the expired histories at the head of the tier; whether the whole tier expired. */
        private boolean expire(ArrayDeque<String> tier, long now) {
            for (String oldest = tier.peekFirst(); oldest != null; oldest = tier.peekFirst()) {
                Long at = earnedAt.get(oldest);
                if (at != null && now - at < ttlNanos) {
                    return false;
                }
                tier.removeFirst();
                earnedAt.remove(oldest);
            }
            return true;
        }

        /** The kept histories; for tests. */
        synchronized int keptHistories() {
            return kept.size();
        }

        /** The recent histories; for tests. */
        synchronized int recentHistories() {
            return recent.size();
        }
    }

    @Override
    public Bans bans(String namespace) {
        return namespace("ban", namespace, this::newBans);
    }

    /** A random number per name, kept for the store's life. */
    @Override
    public long sharedSeed(String name) {
        return seeds.computeIfAbsent(name, unused -> new SecureRandom().nextLong());
    }

    private Bans newBans() {
        Cache<String, Long> bans = newBanCache();
        Policy<String, Long> quietly = bans.policy(); // asking for it allocates
        return new Bans() {
            @Override
            public void ban(String key, Duration ttl) {
                requirePositive(ttl, "ttl");
                bans.put(key, ticker.read() + ttl.toNanos());
            }

            @Override
            public boolean isBanned(String key) {
                return bans.getIfPresent(key) != null;
            }

            /** One read in {@value SampledAccess#ONE_IN} recorded for the eviction policy; see {@link SampledAccess}. */
            @Override
            public boolean isBannedSampled(String key) {
                return SampledAccess.getIfPresent(bans, quietly, key) != null;
            }

            @Override
            public Duration remaining(String key) {
                Long until = bans.getIfPresent(key);
                return until == null ? Duration.ZERO : Duration.ofNanos(Math.max(0, until - ticker.read()));
            }

            @Override
            public void lift(String key) {
                bans.invalidate(key);
            }

            @Override
            public List<BannedKey> active(int limit) {
                return activeBans(bans, limit);
            }

            /** Walks the bans soonest to end first past those that end sooner: no copy of the whole namespace. */
            @Override
            public List<BannedKey> active(int limit, Duration endingAfter) {
                Bans.requireListLimit(limit);
                if (endingAfter.isNegative() || endingAfter.isZero()) {
                    return active(limit);
                }
                bans.cleanUp();
                long now = ticker.read();
                long after = now + endingAfter.toNanos();
                return bans.policy()
                        .expireVariably()
                        .orElseThrow()
                        .oldest(entries -> entries.filter(entry -> entry.getValue() > after)
                                .limit(limit)
                                .map(entry -> new BannedKey(entry.getKey(), Duration.ofNanos(entry.getValue() - now)))
                                .collect(Collectors.toList()));
            }

            /** Walks the bans latest to end first, down to those that end sooner than asked. */
            @Override
            public List<BannedKey> latest(int limit, Duration endingAfter) {
                Bans.requireListLimit(limit);
                bans.cleanUp();
                long now = ticker.read();
                long after = now + Math.max(0, endingAfter.toNanos());
                return bans.policy()
                        .expireVariably()
                        .orElseThrow()
                        .youngest(entries -> entries.takeWhile(entry -> entry.getValue() > after)
                                .limit(limit)
                                .map(entry -> new BannedKey(entry.getKey(), Duration.ofNanos(entry.getValue() - now)))
                                .collect(Collectors.toList()));
            }
        };
    }

    /** The bans of a cache {@link #newBanCache} made, soonest to end first, at most {@code limit}. */
    private List<BannedKey> activeBans(Cache<String, Long> bans, int limit) {
        Bans.requireListLimit(limit);
        bans.cleanUp();
        long now = ticker.read();
        List<BannedKey> active = new ArrayList<>();
        bans.policy().expireVariably().orElseThrow().oldest(limit).forEach((key, until) -> {
            if (until > now) {
                active.add(new BannedKey(key, Duration.ofNanos(until - now)));
            }
        });
        return active;
    }

    /** Bans as the ticker time each ends at, each entry expiring then. */
    private Cache<String, Long> newBanCache() {
        return Caffeine.newBuilder()
                .executor(Runnable::run)
                .maximumSize(maximumKeys)
                .expireAfter(new Expiry<String, Long>() {
                    @Override
                    public long expireAfterCreate(String key, Long until, long now) {
                        return Math.max(0, until - now);
                    }

                    @Override
                    public long expireAfterUpdate(String key, Long until, long now, long remaining) {
                        return Math.max(0, until - now);
                    }

                    @Override
                    public long expireAfterRead(String key, Long until, long now, long remaining) {
                        return remaining;
                    }
                })
                .ticker(ticker)
                .build();
    }

    /**
     * Sliding windows kept as one entry per key (its two window counts, its in-flight slots and a copy of its
     * ban), found with one look-up by the key itself. The bans are also kept apart, in a cache of banned keys
     * only, so that a flood of new keys that evicts a banned key's entry cannot lift its ban: a new entry takes
     * its ban from there. A key costs about 200 bytes of heap with its cache entry and an IPv4 key string
     * (measured by {@code FailureKeyFootprint}); a banned key about 130 more.
     */
    @Override
    public SlidingWindows slidingWindows(String namespace, Duration window) {
        long windowMillis = CounterSlidingWindows.requireWindowMillis(window);
        return namespace("sw:" + windowMillis, namespace, () -> new LocalSlidingWindows(windowMillis));
    }

    /** What a retired {@link KeyWindows} answers to a write: no count is negative but a ban's -1. */
    private static final long RETIRED = Long.MIN_VALUE;

    /** The sliding windows of one namespace; see {@link #slidingWindows}. */
    final class LocalSlidingWindows implements SlidingWindows {
        private final long windowMillis;
        private final Cache<String, KeyWindows> windows;
        private final Cache<String, Long> bans;
        private final java.util.function.Function<String, KeyWindows> create;
        private final Policy<String, KeyWindows> quietly;

        LocalSlidingWindows(long windowMillis) {
            this.windowMillis = windowMillis;
            // An entry matters for two windows after its last use (a window's count, slots that lapse), and
            // expiry after access, the same for every key, needs no timer-wheel links in each cache entry.
            this.windows = Caffeine.newBuilder()
                    .executor(Runnable::run)
                    .maximumSize(maximumKeys)
                    .expireAfterAccess(2 * windowMillis, TimeUnit.MILLISECONDS)
                    .ticker(ticker)
                    .build();
            this.bans = newBanCache();
            this.create = key -> new KeyWindows(bans.getIfPresent(key));
            this.quietly = windows.policy();
        }

        // Each write goes to the key's live entry: one that a release emptied and took out of the cache
        // (retired) answers RETIRED, and the write is done again on the entry that replaces it.

        @Override
        public long add(String key, long nowMillis) {
            long count;
            do {
                count = windows.get(key, create).add(nowMillis, windowMillis);
            } while (count == RETIRED);
            return count;
        }

        @Override
        public long addUnlessBanned(String key, long nowMillis) {
            long count;
            do {
                count = windows.get(key, create).addUnlessBanned(nowMillis, windowMillis, ticker);
            } while (count == RETIRED);
            return count;
        }

        @Override
        public Reservation reserve(String key, long nowMillis, long limit) {
            Reservation reservation;
            do {
                reservation = windows.get(key, create).reserve(nowMillis, windowMillis, limit, ticker);
            } while (reservation == null);
            return reservation;
        }

        /**
         * Read quietly: the slot was taken by a {@link #reserve} of the same key moments ago, which counted as
         * the key's use for expiry and eviction, so giving it back skips the cache's access bookkeeping. An
         * entry left with nothing (no count, no slot, no ban) is taken out: a request that took a slot and was
         * refused by another rule or guard leaves no entry behind, so a client refused on every request cannot
         * fill the store with keys of its choosing and evict other keys' counts (probe44b F1).
         */
        @Override
        public void release(String key, long reservedAtMillis, long nowMillis) {
            KeyWindows entry = quietly.getIfPresentQuietly(key);
            if (entry != null && entry.release(reservedAtMillis, nowMillis, windowMillis, ticker)) {
                windows.asMap().remove(key, entry);
            }
        }

        @Override
        public long settle(String key, long reservedAtMillis, long nowMillis) {
            long count;
            do {
                count = windows.get(key, create).settle(reservedAtMillis, nowMillis, windowMillis);
            } while (count == RETIRED);
            return count;
        }

        @Override
        public long count(String key, long nowMillis) {
            KeyWindows entry = windows.getIfPresent(key);
            return entry == null ? 0 : entry.count(nowMillis, windowMillis);
        }

        @Override
        public boolean isBanned(String key) {
            KeyWindows entry = windows.getIfPresent(key);
            return entry == null || entry.retired ? bans.getIfPresent(key) != null : entry.isBanned(ticker);
        }

        @Override
        public @Nullable Duration banRemaining(String key) {
            KeyWindows entry = windows.getIfPresent(key);
            long left;
            if (entry == null || entry.retired) {
                Long until = bans.getIfPresent(key);
                left = until == null ? 0 : until - ticker.read();
            } else {
                left = entry.banLeftNanos(ticker);
            }
            return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
        }

        @Override
        public void ban(String key, Duration ttl) {
            requirePositive(ttl, "ttl");
            long until = ticker.read() + ttl.toNanos();
            bans.put(key, until);
            // After the put: an entry being created meanwhile either read the ban or is waited for here.
            windows.asMap().computeIfPresent(key, (k, entry) -> {
                entry.ban(until);
                return entry;
            });
        }

        @Override
        public void banAfresh(String key, Duration ttl, long nowMillis) {
            requirePositive(ttl, "ttl");
            long until = ticker.read() + ttl.toNanos();
            bans.put(key, until);
            // After the put, as in ban: an entry created meanwhile read the ban, and held no counts
            windows.asMap().computeIfPresent(key, (k, entry) -> {
                entry.banAfresh(until);
                return entry;
            });
        }

        @Override
        public void lift(String key, long nowMillis) {
            bans.invalidate(key);
            windows.asMap().computeIfPresent(key, (k, entry) -> {
                entry.lift();
                return entry;
            });
        }

        @Override
        public List<BannedKey> active(int limit) {
            return activeBans(bans, limit);
        }

        /** The keys with an entry now; for tests. */
        long trackedKeys() {
            windows.cleanUp();
            return windows.estimatedSize();
        }

        /** The banned keys kept apart; for tests. */
        long bannedKeys() {
            bans.cleanUp();
            return bans.estimatedSize();
        }
    }

    /**
     * One key's sliding windows: the counts of its current and previous window, the slots taken in each of
     * them (a slot lapses when its window is no longer one of the two, on the caller's clock, as the windows
     * are), and its ban (on the store's ticker). 40 bytes with its header; counts stop at {@link
     * Integer#MAX_VALUE}. Each method is one step under the entry's lock.
     */
    private static final class KeyWindows {
        /** What {@link #bannedUntil} holds for a key without a ban. */
        private static final long NOT_BANNED = Long.MIN_VALUE;

        private long window = Long.MIN_VALUE;
        private int current;
        private int previous;
        /** Slots taken in the current window and not given back. */
        private int heldNow;
        /** Slots taken in the previous window and not given back; older ones have lapsed. */
        private int heldBefore;

        private long bannedUntil;

        /** Emptied by a release and taken out of the cache: writes go to the entry that replaces it. */
        private volatile boolean retired;

        KeyWindows(Long bannedUntil) {
            this.bannedUntil = bannedUntil == null ? NOT_BANNED : bannedUntil;
        }

        synchronized void ban(long until) {
            bannedUntil = until;
        }

        /** Bans until then and forgets the counts; the slots in flight are kept. */
        synchronized void banAfresh(long until) {
            bannedUntil = until;
            current = 0;
            previous = 0;
        }

        /** Forgets the ban and the counts; the slots in flight are kept. */
        synchronized void lift() {
            bannedUntil = NOT_BANNED;
            current = 0;
            previous = 0;
        }

        synchronized boolean isBanned(Ticker ticker) {
            return banned(ticker);
        }

        /** How long the ban still lasts, in the ticker's nanoseconds; 0 or less without one. */
        synchronized long banLeftNanos(Ticker ticker) {
            return banned(ticker) ? bannedUntil - ticker.read() : 0;
        }

        private boolean banned(Ticker ticker) {
            if (bannedUntil == NOT_BANNED) {
                return false; // the common case reads no clock
            }
            if (bannedUntil - ticker.read() <= 0) {
                bannedUntil = NOT_BANNED;
                return false;
            }
            return true;
        }

        /** Moves to the window, never back: a caller whose clock lags counts in the window the key holds. */
        private void roll(long nowMillis, long windowMillis) {
            long epoch = Math.floorDiv(nowMillis, windowMillis);
            if (epoch > window) {
                boolean next = epoch == window + 1;
                previous = next ? current : 0;
                current = 0;
                heldBefore = next ? heldNow : 0; // slots taken two windows ago lapse, each on its own
                heldNow = 0;
                window = epoch;
            }
        }

        private void countOne() {
            if (current < Integer.MAX_VALUE) {
                current++;
            }
        }

        private long counted(long nowMillis, long windowMillis) {
            return CounterSlidingWindows.weighted(current, previous, nowMillis, windowMillis);
        }

        synchronized long add(long nowMillis, long windowMillis) {
            if (retired) {
                return RETIRED;
            }
            roll(nowMillis, windowMillis);
            countOne();
            return counted(nowMillis, windowMillis);
        }

        /** -1 when banned. */
        synchronized long addUnlessBanned(long nowMillis, long windowMillis, Ticker ticker) {
            if (retired) {
                return RETIRED;
            }
            if (banned(ticker)) {
                return -1;
            }
            roll(nowMillis, windowMillis);
            countOne();
            return counted(nowMillis, windowMillis);
        }

        synchronized long settle(long reservedAtMillis, long nowMillis, long windowMillis) {
            if (retired) {
                return RETIRED;
            }
            roll(nowMillis, windowMillis);
            countOne();
            giveBack(reservedAtMillis, windowMillis);
            return counted(nowMillis, windowMillis);
        }

        synchronized long count(long nowMillis, long windowMillis) {
            roll(nowMillis, windowMillis);
            return counted(nowMillis, windowMillis);
        }

        /** {@code null} when the entry is retired. */
        synchronized SlidingWindows.@Nullable Reservation reserve(
                long nowMillis, long windowMillis, long limit, Ticker ticker) {
            if (retired) {
                return null;
            }
            if (banned(ticker)) {
                return SlidingWindows.Reservation.BANNED;
            }
            roll(nowMillis, windowMillis);
            if (counted(nowMillis, windowMillis) + heldNow + (long) heldBefore >= limit
                    || heldNow == Integer.MAX_VALUE) {
                return SlidingWindows.Reservation.FULL;
            }
            heldNow++;
            return SlidingWindows.Reservation.TAKEN;
        }

        /** Gives the slot back; {@code true} when that left the entry empty, which is then retired. */
        synchronized boolean release(long reservedAtMillis, long nowMillis, long windowMillis, Ticker ticker) {
            if (retired) {
                return false;
            }
            roll(nowMillis, windowMillis);
            giveBack(reservedAtMillis, windowMillis);
            if (current == 0 && previous == 0 && heldNow == 0 && heldBefore == 0 && !banned(ticker)) {
                retired = true;
            }
            return retired;
        }

        /**
         * Gives back a slot of the window it was taken in; a lapsed one gives back nothing, so that it never
         * frees a slot a request still in flight holds. A slot of a window ahead of the key's (a caller
         * whose clock leads) was counted in the key's current window.
         */
        private void giveBack(long reservedAtMillis, long windowMillis) {
            long taken = Math.floorDiv(reservedAtMillis, windowMillis);
            if (taken >= window) {
                if (heldNow > 0) {
                    heldNow--;
                }
            } else if (taken == window - 1 && heldBefore > 0) {
                heldBefore--;
            }
        }
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
                    target.addLast(entry);
                    keepSettled(target, maxLength, entry);
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
                        if (blocked[0] < 0 && inFlight(trail, entry) >= maxLength) {
                            blocked[0] = TOO_MANY_PENDING;
                        }
                    }
                    if (blocked[0] != -1) {
                        return trail;
                    }
                    ArrayDeque<String> target = trail == null ? new ArrayDeque<>(maxLength) : trail;
                    target.addLast(entry); // pending: it pushes nothing out
                    keepSettled(target, maxLength, entry);
                    return target;
                });
                return blocked[0];
            }

            @Override
            public void withdraw(String key, String entry) {
                trails.asMap().computeIfPresent(key, (k, trail) -> {
                    trail.removeFirstOccurrence(entry);
                    return trail.isEmpty() ? null : trail;
                });
            }

            @Override
            public void settle(String key, String operation, String outcome) {
                settle(key, operation, null, outcome);
            }

            @Override
            public void settle(String key, String operation, @Nullable String reservation, String outcome) {
                if (reservation == null) {
                    settleFirst(key, existing -> TrailBlock.pending(existing, operation), outcome, false);
                } else {
                    settleFirst(key, reservation::equals, outcome, true);
                }
            }

            /**
             * Replaces the first entry {@code settles} picks with {@code outcome} (removes it for {@code null}); without
             * one, appends a non-null outcome, unless {@code once} and the trail holds it already.
             */
            private void settleFirst(String key, Predicate<String> settles, @Nullable String outcome, boolean once) {
                trails.asMap().compute(key, (k, trail) -> {
                    ArrayDeque<String> target = new ArrayDeque<>(maxLength);
                    boolean settled = false;
                    if (trail != null) {
                        for (String existing : trail) {
                            if (!settled && settles.test(existing)) {
                                settled = true;
                                if (outcome != null) {
                                    target.addLast(outcome); // where the reservation was: the order holds
                                }
                            } else {
                                target.addLast(existing);
                            }
                        }
                    }
                    if (!settled && outcome != null && !(once && target.contains(outcome))) {
                        target.addLast(outcome);
                    }
                    if (outcome != null) {
                        keepSettled(target, maxLength, outcome);
                    }
                    return target.isEmpty() ? null : target;
                });
            }
        };
    }

    /** The pending entries of a trail that can still be in flight when {@code added} is written. */
    private static int inFlight(ArrayDeque<String> trail, String added) {
        int pending = 0;
        for (String entry : trail) {
            if (Trails.inFlight(entry, added)) {
                pending++;
            }
        }
        return pending;
    }

    /**
     * Drops a trail's oldest settled entries beyond {@code maxLength} of them (no pending entry counts: one still in
     * flight when {@code added} is written, nor an older one, whose answer was lost: review130 F1, counted as settled
     * it pushed a once-only step out), then, beyond twice that many entries, its oldest pending entries no longer in
     * flight, then its oldest entries whatever they are.
     */
    private static void keepSettled(ArrayDeque<String> trail, int maxLength, String added) {
        int excess = -maxLength;
        for (String entry : trail) {
            if (!Trails.isPending(entry)) {
                excess++;
            }
        }
        for (var entries = trail.iterator(); excess > 0 && entries.hasNext(); ) {
            if (!Trails.isPending(entries.next())) {
                entries.remove();
                excess--;
            }
        }
        int over = trail.size() - 2 * maxLength;
        for (var entries = trail.iterator(); over > 0 && entries.hasNext(); ) {
            String entry = entries.next();
            if (Trails.isPending(entry) && !Trails.inFlight(entry, added)) {
                entries.remove();
                over--;
            }
        }
        while (trail.size() > 2 * maxLength) {
            trail.removeFirst();
        }
    }

    @Override
    public Tallies tallies(String namespace, int bits, int slots, Duration ttl) {
        Tallies.requireSpec(bits, slots, ttl);
        return namespace(
                "ta:" + bits + ":" + slots + ":" + ttl.toNanos(), namespace, () -> new LocalTallies(bits, slots, ttl));
    }

    /** The tallies of one namespace: one entry per key, expiring after the time to live without use. */
    private final class LocalTallies implements Tallies {
        private final int bits;
        private final int slots;
        private final Cache<String, LocalTally> tallies;
        private final java.util.function.Function<String, LocalTally> create;

        LocalTallies(int bits, int slots, Duration ttl) {
            this.bits = bits;
            this.slots = slots;
            this.tallies = Caffeine.newBuilder()
                    .executor(Runnable::run)
                    .maximumSize(maximumKeys)
                    .expireAfterAccess(ttl.toNanos(), TimeUnit.NANOSECONDS)
                    .ticker(ticker)
                    .build();
            this.create = key -> new LocalTally();
        }

        @Override
        public long record(String key, int bit, long bitWindow, int slot, long countWindow) {
            Tallies.requireInRange(bit, bits, slot, slots);
            return tallies.get(key, create).record(bits, slots, bit, bitWindow, slot, countWindow);
        }

        @Override
        public void mark(String key, int slot, long untilWindow) {
            Tallies.requireInRange(0, bits, slot, slots);
            if (slot >= 0) {
                tallies.get(key, create).mark(slots, slot, untilWindow);
            }
        }
    }

    /**
     * One key's tally, as plain fields under the entry's lock, sized by what the key did in its current
     * windows rather than by the namespace's bounds: the set is a sorted array of its bits while it has few
     * (two bytes each) and a bitmap once that is smaller, made anew in each set window; a counter is
     * allocated for each slot the key used in its count window, a mark for each slot marked. A key of a
     * 256-bit set with one counter takes about 120 bytes, plus the cache entry and the key; at most
     * {@code bits / 8} bytes of set, 8 bytes per slot counted and 8 per slot marked, plus array headers.
     */
    private static final class LocalTally {
        /** Sets of at most this many bits are bitmaps from the start: a 64-byte bitmap is no dearer than a list. */
        private static final int BITMAP_ALWAYS = 512;

        /** The set of the current window: a sorted {@code char[]} of its first {@link #filled} bits, or a {@code long[]} bitmap. */
        private Object set;

        /** The set of the window before, as {@link #set}, while it has bits the current one has not set; or null. */
        private Object previous;

        private long bitWindow = Long.MIN_VALUE;
        private int filled;
        /** The bits of {@link #previous}, its sorted {@code char[]}'s length in use. */
        private int previousSize;
        /** The bits of the window before that the current one has not set. */
        private int previousFilled;

        private long countWindow = Long.MIN_VALUE;
        /** Per slot counted in the count window: {@code slot << 32 | count}; null for none. */
        private long[] counters;
        /** A base count window, then per slot marked the slot and its last window; see {@link #mark}. */
        private long[] marks;

        synchronized long record(int bits, int slots, int bit, long window, int slot, long count) {
            if (window > bitWindow) {
                boolean next = window == bitWindow + 1 && filled > 0;
                previousFilled = next ? filled : 0;
                previousSize = previousFilled;
                Object recycled = previous;
                previous = next ? set : null;
                filled = 0;
                if (recycled instanceof long[] bitmap && bits <= BITMAP_ALWAYS) {
                    java.util.Arrays.fill(bitmap, 0L);
                    set = bitmap;
                } else if (!next && set instanceof long[] bitmap && bits <= BITMAP_ALWAYS) {
                    java.util.Arrays.fill(bitmap, 0L);
                } else {
                    set = null; // sized again by this window's use
                }
                bitWindow = window;
            }
            boolean newBit = add(bits, bit);
            if (newBit && previousFilled > 0 && previousHas(bit)) {
                previousFilled--; // read in both windows: one resource
            }
            if (slot < 0) {
                return Tallies.tally(filled, previousFilled, newBit ? Tallies.NEW_BIT : Tallies.NO_FLAGS, 0);
            }
            if (count > countWindow) {
                counters = null;
                countWindow = count;
            }
            long counted = count(slots, slot);
            return Tallies.tally(
                    filled,
                    previousFilled,
                    (newBit ? Tallies.NEW_BIT : Tallies.NO_FLAGS)
                            | (isMarked(slot) ? Tallies.MARKED : Tallies.NO_FLAGS),
                    counted);
        }

        /** Whether the window before set the bit. */
        private boolean previousHas(int bit) {
            if (previous instanceof long[] bitmap) {
                return (bitmap[bit >>> 6] & 1L << (bit & 63)) != 0;
            }
            return previous instanceof char[] sorted
                    && java.util.Arrays.binarySearch(sorted, 0, previousSize, (char) bit) >= 0;
        }

        /** Adds the bit to the set; whether it was new. */
        private boolean add(int bits, int bit) {
            if (set == null) {
                set = bits <= BITMAP_ALWAYS ? new long[bits >>> 6] : new char[4];
            }
            if (set instanceof long[] bitmap) {
                long mask = 1L << (bit & 63);
                if ((bitmap[bit >>> 6] & mask) != 0) {
                    return false;
                }
                bitmap[bit >>> 6] |= mask;
                filled++;
                return true;
            }
            char[] sorted = (char[]) set;
            int at = java.util.Arrays.binarySearch(sorted, 0, filled, (char) bit);
            if (at >= 0) {
                return false;
            }
            int insert = -at - 1;
            if (filled == sorted.length) {
                if (2 * sorted.length * Character.BYTES >= bits / Byte.SIZE) {
                    long[] bitmap = new long[bits >>> 6];
                    for (int i = 0; i < filled; i++) {
                        bitmap[sorted[i] >>> 6] |= 1L << (sorted[i] & 63);
                    }
                    bitmap[bit >>> 6] |= 1L << (bit & 63);
                    set = bitmap;
                    filled++;
                    return true;
                }
                sorted = java.util.Arrays.copyOf(sorted, 2 * sorted.length);
                set = sorted;
            }
            System.arraycopy(sorted, insert, sorted, insert + 1, filled - insert);
            sorted[insert] = (char) bit;
            filled++;
            return true;
        }

        /** Counts one for the slot in the count window; 0 when the key's counters are all taken by other slots. */
        private long count(int slots, int slot) {
            long[] current = counters;
            int used = current == null ? 0 : current.length;
            for (int i = 0; i < used; i++) {
                if ((int) (current[i] >>> 32) == slot) {
                    int counted = (int) current[i];
                    if (counted < Integer.MAX_VALUE) {
                        current[i] = (long) slot << 32 | ++counted;
                    }
                    return counted;
                }
            }
            if (used >= slots) {
                return 0;
            }
            long[] grown = current == null ? new long[1] : java.util.Arrays.copyOf(current, used + 1);
            grown[used] = (long) slot << 32 | 1;
            counters = grown;
            return 1;
        }

        private boolean isMarked(int slot) {
            long[] current = marks;
            if (current != null) {
                for (int i = 1; i < current.length; i++) {
                    if ((int) (current[i] >>> 32) == slot) {
                        return current[0] + (int) current[i] >= countWindow;
                    }
                }
            }
            return false;
        }

        /**
         * Marks are {@code marks[0]}, a base count window, then per slot marked {@code slot << 32 | (last
         * window - base)}: eight bytes a mark. An offset beyond an int's range is clipped to it (a mark lasting
         * two billion windows lasts as long as one lasting more).
         */
        synchronized void mark(int slots, int slot, long untilWindow) {
            long[] current = marks;
            int used = current == null ? 0 : current.length;
            for (int i = 1; i < used; i++) {
                if ((int) (current[i] >>> 32) == slot) {
                    current[i] = packMark(slot, untilWindow - current[0]);
                    return;
                }
            }
            // ended marks make room; beyond one per slot a new mark is not kept
            long base = countWindow == Long.MIN_VALUE ? untilWindow : countWindow;
            long[] kept = new long[Math.min(Math.max(used, 1) + 1, slots + 1)];
            kept[0] = base;
            int live = 1;
            for (int i = 1; i < used && live < kept.length; i++) {
                long until = current[0] + (int) current[i];
                if (until >= countWindow) {
                    kept[live++] = packMark((int) (current[i] >>> 32), until - base);
                }
            }
            if (live < kept.length) {
                kept[live++] = packMark(slot, untilWindow - base);
            }
            marks = live == kept.length ? kept : java.util.Arrays.copyOf(kept, live);
        }

        private static long packMark(int slot, long offset) {
            int clipped = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, offset));
            return (long) slot << 32 | (clipped & 0xffffffffL);
        }
    }

    private static void requirePositive(Duration duration, String name) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + Durations.written(duration));
        }
    }

    /**
     * Most uses of a bucket read its cache entry quietly, see {@link LocalBucket#accessDue}; a use that is
     * refused is always recorded as an access, so a client held at its limit keeps the recency and
     * frequency of every request it makes, as all buckets did before.
     */
    private static final class LocalTokenBuckets implements TokenBuckets {
        private final Cache<String, LocalBucket> buckets;
        private final Policy<String, LocalBucket> quietly;
        private final BucketSpec spec;
        private final TimeSource timeSource;

        LocalTokenBuckets(Cache<String, LocalBucket> buckets, BucketSpec spec, TimeSource timeSource) {
            this.buckets = buckets;
            this.quietly = buckets.policy();
            this.spec = spec;
            this.timeSource = timeSource;
        }

        @Override
        public Consumption tryConsume(String key, long tokens) {
            long now = timeSource.nanoTime();
            LocalBucket bucket = quietly.getIfPresentQuietly(key);
            if (bucket == null) { // the capturing lambda is built only for a new key
                bucket = buckets.get(key, k -> LocalBucket.create(spec, now));
            }
            Consumption consumption = bucket.tryConsume(spec, tokens, now);
            while (consumption == null) {
                bucket = replaced(key, now);
                consumption = bucket.tryConsume(spec, tokens, now);
            }
            recordAccess(key, bucket, consumption.consumed(), now);
            return consumption;
        }

        @Override
        public void tryConsume(String key, long tokens, ConsumptionProbe probe) {
            long now = timeSource.nanoTime();
            LocalBucket bucket = quietly.getIfPresentQuietly(key);
            if (bucket == null) { // the capturing lambda is built only for a new key
                bucket = buckets.get(key, k -> LocalBucket.create(spec, now));
            }
            while (!bucket.tryConsume(spec, tokens, now, probe)) {
                bucket = replaced(key, now);
            }
            recordAccess(key, bucket, probe.consumed(), now);
        }

        @Override
        public boolean knownToRefuse(String key, long tokens) {
            LocalBucket bucket = quietly.getIfPresentQuietly(key);
            return bucket != null && !bucket.holds(spec, tokens, timeSource.nanoTime());
        }

        private void recordAccess(String key, LocalBucket bucket, boolean consumed, long now) {
            if (!consumed || bucket.accessDue(now)) {
                buckets.getIfPresent(key);
            }
        }

        @Override
        public void refund(String key, long tokens) {
            if (tokens < 1) {
                throw new IllegalArgumentException("tokens must be positive, was " + tokens);
            }
            long now = timeSource.nanoTime();
            LocalBucket bucket = buckets.get(key, k -> LocalBucket.create(spec, now));
            while (!bucket.refund(spec, tokens, now)) {
                bucket = replaced(key, now);
            }
        }

        /** The key's bucket, replaced by one that can hold this namespace's limits. */
        private LocalBucket replaced(String key, long now) {
            return buckets.asMap()
                    .compute(
                            key,
                            (k, existing) ->
                                    existing == null ? LocalBucket.create(spec, now) : existing.replacedBy(spec, now));
        }

        @Override
        public long trackedKeys() {
            buckets.cleanUp();
            return buckets.estimatedSize();
        }
    }

    /** Builds a {@link LocalStateStore}. */
    public static final class Builder {
        private long maximumKeys = EngineSettings.Store.DEFAULT_MAXIMUM_KEYS;
        /** Negative: as many as {@link #maximumKeys}. */
        private long maximumHistories = -1;

        private TimeSource timeSource = TimeSource.system();

        private Builder() {}

        /**
         * The most keys each namespace tracks. Default {@value EngineSettings.Store#DEFAULT_MAXIMUM_KEYS}: a tracked IPv4 client of a rate-limit rule
         * costs about 190 bytes of heap (measured by {@code TrackedKeyFootprint}), so a rule stays around
         * 19 MB at worst.
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

        /**
         * The most histories each history namespace keeps until they expire, whatever floods of new keys
         * come after them ({@link LocalStateStore#histories}); on top of them it holds the {@link
         * #maximumKeys} most recent histories. Default: as many as {@code maximumKeys}.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder maximumHistories(long maximumHistories) {
            if (maximumHistories < 0) {
                throw new IllegalArgumentException("maximumHistories must not be negative, was " + maximumHistories);
            }
            this.maximumHistories = maximumHistories;
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
