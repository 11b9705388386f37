package io.github.abuseguard.servlet;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;

/**
 * The clients this instance wrote a proof's history and mark for within the last {@link #WINDOW}: a valid proof
 * sent again within it (a replay of one solution, or a script that proves on every page) is answered without
 * writing again. Each proof wrote the histories and the mark again, about five round trips on Redis, and one
 * address replayed one solution 1,773 times a second, the cheapest load on the shared store a client could cause
 * (probe45b F4). A renewal at most a minute late shortens a mark of minutes by that minute at most. At most
 * {@value #MAX_CLIENTS} clients are remembered; a client dropped early is written for again.
 */
final class RecentVouches {

    static final Duration WINDOW = Duration.ofMinutes(1);

    static final int MAX_CLIENTS = 10_000;

    private final Cache<String, Boolean> written;

    RecentVouches(Ticker ticker) {
        this.written = Caffeine.newBuilder()
                .executor(Runnable::run)
                .maximumSize(MAX_CLIENTS)
                .expireAfterWrite(WINDOW)
                .ticker(ticker)
                .build();
    }

    /** Whether the client's proof was written for within the window: then nothing needs writing now. */
    boolean writtenRecently(String client) {
        return written.getIfPresent(client) != null;
    }

    /**
     * The client was found without its mark (asked for a proof): what was written is gone, and its next proof must
     * write again, or it would be asked again for the rest of the minute (probe45c F6).
     */
    void forget(String client) {
        written.invalidate(client);
    }

    /** The client's proof was written for now. */
    void written(String client) {
        written.put(client, Boolean.TRUE);
    }
}
