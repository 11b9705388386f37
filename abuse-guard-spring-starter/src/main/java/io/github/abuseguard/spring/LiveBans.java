package io.github.abuseguard.spring;

import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.internal.Durations;
import io.github.abuseguard.store.BannedKey;
import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.StateStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Bans set by an operator at run time, through the {@code abuseguardcontrol} Actuator endpoint: a
 * guard that refuses a banned client key with 403. The bans live in the state store, namespace
 * {@value #NAMESPACE}, so on Redis every instance honours a ban set on any of them, and
 * {@link #active()} lists the bans of every instance, read from the store.
 */
final class LiveBans implements Guard {
    public static final String NAME = "live-ban";
    static final String NAMESPACE = "control:ban";
    /** A bound on the listed bans, so a script banning keys in a loop cannot make the report huge. */
    static final int MAX_LISTED = 1_000;

    static final Duration MAX_DURATION = Duration.ofDays(365);

    private final Bans bans;
    private final TimeSource timeSource;

    LiveBans(StateStore store, TimeSource timeSource) {
        this.bans = store.bans(NAMESPACE);
        this.timeSource = timeSource;
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Refuses a banned client with 403 and a {@code Retry-After} of the time its ban has left (one more look-up,
     * for a banned client only; probe46d L5: none was sent); one second when the ban ended between the two.
     */
    @Override
    public Decision check(GuardRequest request) {
        String key = request.client().key();
        if (!bans.isBanned(key)) {
            return Decision.allow();
        }
        Duration left = bans.remaining(key);
        return Decision.deny(Action.REJECT)
                .guard(NAME)
                .rule(NAME)
                .reason("banned")
                .status(403)
                .detail("This client is banned for now.")
                .retryAfter(left.isZero() ? Duration.ofSeconds(1) : left)
                .build();
    }

    /**
     * Bans a client key for a time.
     *
     * @throws IllegalArgumentException if the key is blank or longer than 256 characters, or the
     *     duration is not positive or longer than a year
     */
    public void ban(String key, Duration duration) {
        requireKey(key);
        if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("duration must be positive and at most "
                    + Durations.written(MAX_DURATION) + ", was " + Durations.written(duration));
        }
        bans.ban(key, duration);
    }

    /** Lifts a key's ban, wherever it was set. */
    public void lift(String key) {
        requireKey(key);
        bans.liftEverywhere(key);
    }

    /**
     * The bans in force, wherever they were set, soonest to end first; at most {@value #MAX_LISTED}.
     * Their ends are reckoned from this instance's clock and the time each ban has left.
     */
    public List<Ban> active() {
        Instant now = timeSource.instant();
        List<BannedKey> active = bans.active(MAX_LISTED);
        List<Ban> listed = new ArrayList<>(active.size());
        for (BannedKey ban : active) {
            listed.add(new Ban(ban.key(), now.plus(ban.remaining())));
        }
        return listed;
    }

    private static void requireKey(String key) {
        if (key == null || key.isBlank() || key.length() > 256) {
            throw new IllegalArgumentException("key must be a client key of 1 to 256 characters");
        }
    }

    /**
     * A ban in force.
     *
     * @param key the client key, as the endpoint's report and the logs name it
     * @param until when it ends
     */
    public record Ban(String key, Instant until) {}
}
