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
import io.github.abuseguard.store.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bans set by an operator at run time, through the {@code abuseguardcontrol} Actuator endpoint: a
 * guard that refuses a banned client key with 403. The bans live in the state store, namespace
 * {@value #NAMESPACE}, so on Redis every instance honours a ban set on any of them, and
 * {@link #active()} lists the bans of every instance, read from the store.
 *
 * <p>While the store is unavailable (Redis down under {@code fail-open} or {@code fail-closed}; under {@code
 * local-fallback} the store keeps a local copy itself), a ban or unban made on this instance holds here only, until the
 * store answers again, and is not written to it later (review143 F1: instances writing their kept changes after an
 * outage undid each other's newer ones; F2: the writes held every request): the operator repeats it once the store
 * answers. A look-up that fails is answered from those bans alone, never refusing a client on no evidence (probe80a F1:
 * every control call answered 500; F2: under {@code fail-closed} every path, the control endpoint's included, was
 * refused with 503 because the ban look-up failed), and they are forgotten as soon as the store answers (review144 F1,
 * F2: copies of bans the store had lifted meanwhile came back with the next outage). At most {@value #MAX_LISTED}.
 */
final class LiveBans implements Guard {
    public static final String NAME = "live-ban";
    static final String NAMESPACE = "control:ban";
    /** A bound on the listed bans, so a script banning keys in a loop cannot make the report huge. */
    static final int MAX_LISTED = 1_000;

    static final Duration MAX_DURATION = Duration.ofDays(365);

    private final Bans bans;
    private final TimeSource timeSource;
    /** Bans set on this instance while the store was unavailable, by key: when each ends ({@link TimeSource#nanoTime}). */
    private final Map<String, Long> heldHere = new ConcurrentHashMap<>();

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
        Duration left;
        try {
            boolean banned = bans.isBanned(key);
            if (!heldHere.isEmpty()) {
                heldHere.clear(); // the store answers again: the outage's bans held until now
            }
            if (!banned) {
                return Decision.allow();
            }
            left = bans.remaining(key);
        } catch (StoreUnavailableException unavailable) {
            Long end = heldHere.get(key);
            long now = timeSource.nanoTime();
            if (end == null || end - now <= 0) {
                return Decision.allow(); // a failed look-up is no evidence against the client
            }
            left = Duration.ofNanos(end - now);
        }
        return refusal(left);
    }

    private static Decision refusal(Duration left) {
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
     * @return whether the store has it; {@code false}: the store is unavailable, and the ban holds here only
     * @throws IllegalArgumentException if the key is blank or longer than 256 characters, or the
     *     duration is not positive or longer than a year
     */
    public boolean ban(String key, Duration duration) {
        requireKey(key);
        if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("duration must be positive and at most "
                    + Durations.written(MAX_DURATION) + ", was " + Durations.written(duration));
        }
        try {
            bans.ban(key, duration);
            heldHere.remove(key);
            return true;
        } catch (StoreUnavailableException unavailable) {
            long now = timeSource.nanoTime();
            heldHere.values().removeIf(end -> end - now <= 0);
            if (heldHere.size() >= MAX_LISTED && !heldHere.containsKey(key)) {
                throw new IllegalArgumentException("the shared store is unavailable and " + MAX_LISTED
                        + " bans hold on this instance already: retry once it answers");
            }
            heldHere.put(key, now + duration.toNanos());
            return false;
        }
    }

    /**
     * Lifts a key's ban, wherever it was set.
     *
     * @return whether the store has it; {@code false}: the store is unavailable, and the ban is lifted here only (the
     *     store's copy, if any, holds again once it answers)
     */
    public boolean lift(String key) {
        requireKey(key);
        heldHere.remove(key);
        try {
            bans.liftEverywhere(key);
            return true;
        } catch (StoreUnavailableException unavailable) {
            return false;
        }
    }

    /**
     * The bans in force, wherever they were set, soonest to end first; at most {@value #MAX_LISTED}.
     * Their ends are reckoned from this instance's clock and the time each ban has left.
     */
    public List<Ban> active() {
        Instant now = timeSource.instant();
        List<Ban> listed = new ArrayList<>();
        try {
            for (BannedKey ban : bans.active(MAX_LISTED)) {
                listed.add(new Ban(ban.key(), now.plus(ban.remaining())));
            }
        } catch (StoreUnavailableException unavailable) {
            // the store's list is out of reach: the bans that hold on this instance
            long nanos = timeSource.nanoTime();
            heldHere.forEach((key, end) -> {
                if (end - nanos > 0 && listed.size() < MAX_LISTED) {
                    listed.add(new Ban(key, now.plusNanos(end - nanos)));
                }
            });
            listed.sort(java.util.Comparator.comparing(Ban::until));
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
