package io.github.abuseguard.testing;

import io.github.abuseguard.internal.Refresher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A refresher whose tasks run only when a test says so, on the test's thread. */
public final class ManualRefresher implements Refresher {
    private final List<Runnable> tasks = new ArrayList<>();
    private final List<Duration> intervals = new ArrayList<>();
    private boolean closed;

    @Override
    public void every(Duration interval, Runnable task) {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        intervals.add(interval);
        tasks.add(task);
    }

    /** Runs every task once, as if an interval had passed; nothing runs after {@link #close()}. */
    public void runOnce() {
        if (!closed) {
            tasks.forEach(Runnable::run);
        }
    }

    public List<Duration> intervals() {
        return List.copyOf(intervals);
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
    }
}
