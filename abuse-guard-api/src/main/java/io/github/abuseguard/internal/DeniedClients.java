package io.github.abuseguard.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.github.abuseguard.CrossSiteRequests;
import io.github.abuseguard.GuardEvent;
import io.github.abuseguard.GuardListener;
import io.github.abuseguard.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A listener that counts denials (and would-be denials) per client key over a recent window, for
 * reports such as the Actuator endpoint. It tracks at most a bounded number of keys; a key's count
 * starts again once its window has passed.
 */
public final class DeniedClients implements GuardListener {
    private final Cache<String, AtomicLong> counts;
    private final Duration window;

    /**
     * @param window how long a key's count lasts, counted from its first denial
     * @param maximumKeys the most keys tracked
     * @throws IllegalArgumentException if the window is not positive or the bound is below 1
     */
    public DeniedClients(Duration window, long maximumKeys, TimeSource timeSource) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, was " + Durations.written(window));
        }
        if (maximumKeys < 1) {
            throw new IllegalArgumentException("maximumKeys must be positive, was " + maximumKeys);
        }
        this.window = window;
        this.counts = Caffeine.newBuilder()
                .maximumSize(maximumKeys)
                .expireAfter(Expiry.<String, AtomicLong>creating((key, count) -> window))
                .ticker(timeSource::nanoTime)
                .build();
    }

    /**
     * Counts a denial against its client, except a refusal of a request another site's page made
     * ({@link CrossSiteRequests}): that is no evidence against the visitor whose browser sent it, and an
     * operator reading the report must not ban the visitor for it. A request another site's proxy relayed is
     * counted: its client is that proxy (review120 F2: a clone's relay refused 8 of 8 times was listed nowhere).
     */
    @Override
    public void onEvent(GuardEvent event) {
        if ((event.kind() == GuardEvent.Kind.DENY || event.kind() == GuardEvent.Kind.WOULD_DENY)
                && (!CrossSiteRequests.NAME.equals(event.guard())
                        || CrossSiteRequests.PROXIED_REASON.equals(
                                event.decision().reason()))) {
            counts.get(event.request().client().key(), key -> new AtomicLong()).incrementAndGet();
        }
    }

    /** The window counts cover. */
    public Duration window() {
        return window;
    }

    /** The {@code limit} keys with the most denials in their window, most first. */
    public List<Entry> top(int limit) {
        List<Entry> entries = new ArrayList<>();
        counts.asMap().forEach((key, count) -> entries.add(new Entry(key, count.get())));
        entries.sort(Comparator.comparingLong(Entry::denials).reversed().thenComparing(Entry::key));
        return List.copyOf(entries.subList(0, Math.min(limit, entries.size())));
    }

    /**
     * One client key and its denials.
     *
     * @param key the client key
     * @param denials denials and would-be denials in the key's current window
     */
    public record Entry(String key, long denials) {
        public Entry {
            Objects.requireNonNull(key, "key");
        }
    }
}
