package io.github.abuseguard;

import java.time.Instant;

/**
 * The engine's clock, injected so that tests move time by hand. {@link #nanoTime()} measures
 * elapsed time for buckets and expiry; {@link #instant()} (and {@link #epochMillis()}, its allocation-free
 * reading) tells wall-clock time.
 */
public interface TimeSource {

    /** A monotonic nanosecond reading; only differences between readings have meaning. */
    long nanoTime();

    /** The current wall-clock time. */
    Instant instant();

    /**
     * The current wall-clock time in milliseconds since the epoch: what {@link #instant()} says, without
     * an {@link Instant} per call on the request path. Override it when {@code instant()} is not free.
     */
    default long epochMillis() {
        return instant().toEpochMilli();
    }

    /** The system clock: {@link System#nanoTime()} and {@link Instant#now()}. */
    static TimeSource system() {
        return SystemTimeSource.INSTANCE;
    }
}

enum SystemTimeSource implements TimeSource {
    INSTANCE;

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Instant instant() {
        return Instant.now();
    }

    @Override
    public long epochMillis() {
        return System.currentTimeMillis();
    }
}
