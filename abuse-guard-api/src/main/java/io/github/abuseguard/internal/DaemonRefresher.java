package io.github.abuseguard.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link Refresher#daemon(String)}: a single-thread scheduler whose thread never keeps the JVM alive. */
final class DaemonRefresher implements Refresher {
    private static final Logger log = LoggerFactory.getLogger(DaemonRefresher.class);

    private final String threadName;
    private ScheduledExecutorService scheduler;
    private boolean closed;

    DaemonRefresher(String threadName) {
        this.threadName = Objects.requireNonNull(threadName, "threadName");
    }

    @Override
    public synchronized void every(Duration interval, Runnable task) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, was " + Durations.written(interval));
        }
        if (closed) {
            throw new IllegalStateException("refresher " + threadName + " is closed");
        }
        if (scheduler == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, threadName);
                thread.setDaemon(true);
                return thread;
            });
        }
        long nanos = interval.toNanos();
        try {
            scheduler.scheduleWithFixedDelay(() -> runQuietly(task), nanos, nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("refresher " + threadName + " is closed", e);
        }
    }

    /** A task that throws would cancel its schedule for good: log it and keep the schedule. */
    private void runQuietly(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.warn("Background task on {} failed, will run again: {}", threadName, e.toString());
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
