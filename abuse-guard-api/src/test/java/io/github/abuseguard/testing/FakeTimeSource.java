package io.github.abuseguard.testing;

import io.github.abuseguard.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when a test moves it. Shared with other modules through the test jar. */
public final class FakeTimeSource implements TimeSource {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public Instant instant() {
        return START.plusNanos(nanos.get());
    }

    public void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }
}
