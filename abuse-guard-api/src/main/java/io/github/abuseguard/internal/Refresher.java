package io.github.abuseguard.internal;

import java.time.Duration;

/**
 * Runs periodic background work, such as re-reading a list file, off the request threads. The default,
 * {@link #daemon(String)}, is one daemon thread; tests pass one they run by hand. Closing a refresher
 * stops its tasks; the guard or source that was given it owns it and closes it.
 */
public interface Refresher extends AutoCloseable {

    /**
     * Runs {@code task} every {@code interval}, the first time one interval from now. A task that
     * throws is logged and runs again at the next interval.
     *
     * @throws IllegalArgumentException if the interval is not positive
     * @throws IllegalStateException if the refresher is closed
     */
    void every(Duration interval, Runnable task);

    /** Stops every task; a task running now is interrupted. */
    @Override
    void close();

    /** A refresher with one daemon thread of the given name, started on the first task. */
    static Refresher daemon(String threadName) {
        return new DaemonRefresher(threadName);
    }
}
