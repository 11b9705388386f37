package io.github.abuseguard.store;

import java.time.Duration;
import java.util.Objects;

/**
 * A ban in force, as {@link Bans#active} lists it.
 *
 * @param key the banned key
 * @param remaining how long the ban still lasts, positive
 */
public record BannedKey(String key, Duration remaining) {

    public BannedKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(remaining, "remaining");
    }
}
