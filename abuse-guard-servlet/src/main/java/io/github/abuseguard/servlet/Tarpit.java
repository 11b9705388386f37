package io.github.abuseguard.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delays answers with the servlet async API: the request thread returns to the container at once and a
 * single timer thread finishes the request after the delay, so a thousand tarpitted clients hold no
 * request threads. At most {@code maxConcurrent} requests wait at once; beyond that they are answered
 * at once.
 */
final class Tarpit implements AutoCloseable {
    private final Duration delay;
    private final boolean passAfter;
    private final int maxConcurrent;
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile ScheduledExecutorService timer;

    Tarpit(Duration delay, boolean passAfter, int maxConcurrent) {
        if (delay.isNegative() || delay.isZero()) {
            throw new IllegalArgumentException("tarpit delay must be positive, was " + delay);
        }
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("tarpit max-concurrent must be positive, was " + maxConcurrent);
        }
        this.delay = delay;
        this.passAfter = passAfter;
        this.maxConcurrent = maxConcurrent;
    }

    boolean passAfter() {
        return passAfter;
    }

    /** Requests waiting now. */
    int waiting() {
        return waiting.get();
    }

    /**
     * Starts async processing and runs {@code then} on the timer thread after the delay.
     *
     * @return {@code false} when the tarpit is full or the request cannot go async: answer it at once
     */
    boolean hold(HttpServletRequest request, ServletResponse response, java.util.function.Consumer<AsyncContext> then) {
        if (!request.isAsyncSupported()) {
            return false;
        }
        if (waiting.incrementAndGet() > maxConcurrent) {
            waiting.decrementAndGet();
            return false;
        }
        // The wrappers go along, so a pass-through dispatch still replays a captured body.
        AsyncContext async;
        try {
            async = request.startAsync(request, response);
        } catch (IllegalStateException alreadyAsync) {
            waiting.decrementAndGet();
            return false;
        }
        async.setTimeout(delay.toMillis() + 30_000);
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                waiting.decrementAndGet();
            }
        };
        async.addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                release.run();
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                release.run();
            }

            @Override
            public void onError(AsyncEvent event) {
                release.run();
            }

            @Override
            public void onStartAsync(AsyncEvent event) {}
        });
        Runnable finish = () -> {
            release.run();
            then.accept(async);
        };
        try {
            timer().schedule(() -> handOver(async, finish, release), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            handOver(async, finish, release);
        }
        return true;
    }

    /**
     * Runs the answer on a container thread: writing to a client that reads slowly blocks, and the one
     * timer thread must never block, or one slow client would hold every other tarpitted request past
     * its delay.
     */
    private static void handOver(AsyncContext async, Runnable finish, Runnable release) {
        try {
            async.start(finish);
        } catch (IllegalStateException alreadyCompletedOrTimedOut) {
            release.run();
        }
    }

    private ScheduledExecutorService timer() {
        ScheduledExecutorService current = timer;
        if (current == null) {
            synchronized (this) {
                current = timer;
                if (current == null) {
                    current = Executors.newSingleThreadScheduledExecutor(runnable -> {
                        Thread thread = new Thread(runnable, "abuse-guard-tarpit");
                        thread.setDaemon(true);
                        return thread;
                    });
                    timer = current;
                }
            }
        }
        return current;
    }

    @Override
    public void close() {
        ScheduledExecutorService current = timer;
        if (current != null) {
            current.shutdownNow();
        }
    }
}
