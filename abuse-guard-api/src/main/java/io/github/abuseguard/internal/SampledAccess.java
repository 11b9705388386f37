package io.github.abuseguard.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Policy;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Reads of a size-bounded cache that record one hit in {@value #ONE_IN} as an access. A recorded read
 * feeds Caffeine's eviction policy through a buffer shared by every request thread and drained, on the
 * reading thread, under the cache's lock; a quiet read is a hash-table look-up. The sample is drawn from
 * the thread's own random generator, so no shared word is written.
 *
 * <p>Only for a cache whose entries are worth no more than the work of computing them again (a path's
 * route, a user agent's verdict): the samples come in random runs, so a flood of new keys may evict an
 * entry read on every request somewhat sooner than with every read recorded. Not for state a client
 * must not be able to reset by flooding (counts, buckets; {@code LocalStateStoreTest} holds a count in
 * use through such a flood), nor for a cache that expires entries after access: a quiet read would not
 * extend their life.
 */
public final class SampledAccess {
    /** One read in this many is recorded as an access; a power of two. */
    public static final int ONE_IN = 8;

    private SampledAccess() {}

    /**
     * The value cached for {@code key}, or {@code null}; the read is recorded as an access one time in
     * {@value #ONE_IN}.
     *
     * @param quietly {@code cache.policy()}, kept by the caller: asking for it allocates
     */
    public static <K, V> @Nullable V getIfPresent(Cache<K, V> cache, Policy<K, V> quietly, K key) {
        if ((ThreadLocalRandom.current().nextInt() & (ONE_IN - 1)) == 0) {
            return cache.getIfPresent(key);
        }
        return quietly.getIfPresentQuietly(key);
    }
}
