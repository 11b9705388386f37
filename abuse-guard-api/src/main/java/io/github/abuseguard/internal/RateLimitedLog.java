package io.github.abuseguard.internal;

import io.github.abuseguard.TimeSource;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Writes a warning at most once per interval, counting what it held back, so a guard that fails on
 * every request under load leaves one line a minute instead of flooding the log.
 */
public final class RateLimitedLog {
    private final long intervalNanos;
    private final TimeSource timeSource;
    private final AtomicLong nextAllowed;
    private final AtomicLong suppressed = new AtomicLong();

    /** Allows one line per {@code interval} by {@code timeSource}'s clock, the first at once. */
    public RateLimitedLog(Duration interval, TimeSource timeSource) {
        this.intervalNanos = interval.toNanos();
        this.timeSource = timeSource;
        this.nextAllowed = new AtomicLong(timeSource.nanoTime());
    }

    /** Writes {@code message} at INFO if a line may be written now, saying how many were held back. */
    public void info(Logger log, String message) {
        long now = timeSource.nanoTime();
        long next = nextAllowed.get();
        if (now - next >= 0 && nextAllowed.compareAndSet(next, now + intervalNanos)) {
            long held = suppressed.getAndSet(0);
            if (held > 0) {
                log.info("{} ({} more like it since the last line)", message, held);
            } else {
                log.info(message);
            }
        } else {
            suppressed.incrementAndGet();
        }
    }

    /** How many lines were held back since the last one if a line may be written now; -1 if not. */
    public long permit() {
        long now = timeSource.nanoTime();
        long next = nextAllowed.get();
        if (now - next >= 0 && nextAllowed.compareAndSet(next, now + intervalNanos)) {
            return suppressed.getAndSet(0);
        }
        suppressed.incrementAndGet();
        return -1;
    }

    /** Writes {@code message} and {@code error} at WARN if a line may be written now. */
    public void warn(Logger log, String message, Throwable error) {
        long now = timeSource.nanoTime();
        long next = nextAllowed.get();
        if (now - next >= 0 && nextAllowed.compareAndSet(next, now + intervalNanos)) {
            long held = suppressed.getAndSet(0);
            if (held > 0) {
                log.warn("{} ({} similar failures not logged since the last report)", message, held, error);
            } else {
                log.warn(message, error);
            }
        } else {
            suppressed.incrementAndGet();
        }
    }
}
