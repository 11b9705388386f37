package io.github.abuseguard.servlet;

import io.github.abuseguard.internal.Durations;
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
 * request threads. At most {@code maxConcurrent} requests wait at once, and at most {@code
 * maxConcurrentPerClient} of one client (its address, or its IPv6 network): one client cannot take the
 * whole tarpit, so someone else's flood cannot decide how another client's request is answered.
 */
final class Tarpit implements AutoCloseable {

    /** Whether {@link #hold} took the request, and if not, why. */
    enum Hold {
        /** Waiting: the tarpit answers it after the delay. */
        HELD,
        /** The client already has its share of waiting requests: its own flood, refused at once. */
        CLIENT_FULL,
        /** The tarpit is full, or the request cannot go async: it gets the tarpit's answer without the delay. */
        FULL
    }

    private final Duration delay;
    private final boolean passAfter;
    private final int maxConcurrent;
    private final AtomicInteger waiting = new AtomicInteger();
    /** Requests waiting per client; only clients with some, so at most {@code maxConcurrent} entries. */
    private final ClientShares waitingByClient;

    private volatile ScheduledExecutorService timer;

    Tarpit(Duration delay, boolean passAfter, int maxConcurrent, int maxConcurrentPerClient) {
        checkDelay(delay);
        checkBound("max-concurrent", maxConcurrent);
        checkBound("max-concurrent-per-client", maxConcurrentPerClient);
        this.delay = delay;
        this.passAfter = passAfter;
        this.maxConcurrent = maxConcurrent;
        this.waitingByClient = new ClientShares(maxConcurrentPerClient);
    }

    /** @throws IllegalArgumentException if the delay is not positive */
    static void checkDelay(Duration delay) {
        if (delay.isNegative() || delay.isZero()) {
            throw new IllegalArgumentException("tarpit delay must be positive, was " + Durations.written(delay));
        }
    }

    /** @throws IllegalArgumentException if the bound {@code name} is not positive */
    static void checkBound(String name, int bound) {
        if (bound < 1) {
            throw new IllegalArgumentException("tarpit " + name + " must be positive, was " + bound);
        }
    }

    /**
     * @throws IllegalArgumentException if the per-client bound is not positive, or above the whole tarpit's: one
     *     client could then take every waiting place (probe46d L1: accepted at start-up)
     */
    static void checkBounds(int maxConcurrent, int maxConcurrentPerClient) {
        checkBound("max-concurrent-per-client", maxConcurrentPerClient);
        if (maxConcurrentPerClient > maxConcurrent) {
            throw new IllegalArgumentException("tarpit max-concurrent-per-client (" + maxConcurrentPerClient
                    + ") must be at most max-concurrent (" + maxConcurrent + "): one client would take every place");
        }
    }

    Duration delay() {
        return delay;
    }

    boolean passAfter() {
        return passAfter;
    }

    /** Requests waiting now. */
    int waiting() {
        return waiting.get();
    }

    /**
     * Starts async processing for a request of {@code client} and runs {@code then} on a container thread
     * after the delay. The client's share is looked at first: a client over it is told so even when the
     * tarpit is full, so that its flood is refused, never passed on.
     *
     * @return {@link Hold#HELD}, or why not: the caller answers the request at once
     */
    Hold hold(
            HttpServletRequest request,
            ServletResponse response,
            String client,
            java.util.function.Consumer<AsyncContext> then) {
        return hold(request, response, client, () -> {}, then, () -> {});
    }

    /**
     * {@link #hold(HttpServletRequest, ServletResponse, String, java.util.function.Consumer)}, and runs {@code
     * entered} once the request is held, before its delay starts (never for a request answered at once), and {@code
     * abandoned} once if the request ends before its answer ran (the client hung up, the async context timed out or
     * could not be handed over), so that what the guards charged it is given back.
     */
    Hold hold(
            HttpServletRequest request,
            ServletResponse response,
            String clientKey,
            Runnable entered,
            java.util.function.Consumer<AsyncContext> then,
            Runnable abandoned) {
        if (!request.isAsyncSupported()) {
            return Hold.FULL;
        }
        // One site's addresses share the bound: an IPv6 subscriber holds 256 or 65,536 client keys (/64s).
        String client = ClientShares.client(clientKey);
        if (!waitingByClient.enter(client)) {
            return Hold.CLIENT_FULL;
        }
        if (waiting.incrementAndGet() > maxConcurrent) {
            waiting.decrementAndGet();
            leave(client);
            return Hold.FULL;
        }
        // The wrappers go along, so a pass-through dispatch still replays a captured body.
        AsyncContext async;
        try {
            async = request.startAsync(request, response);
        } catch (IllegalStateException alreadyAsync) {
            waiting.decrementAndGet();
            leave(client);
            return Hold.FULL;
        }
        async.setTimeout(delay.toMillis() + 30_000);
        AtomicBoolean released = new AtomicBoolean();
        AtomicBoolean answering = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                waiting.decrementAndGet();
                leave(client);
                if (answering.compareAndSet(false, true)) {
                    abandoned.run(); // ended before its answer: nobody else will tell the guards
                }
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
            if (!answering.compareAndSet(false, true)) {
                release.run();
                return; // abandoned already
            }
            release.run();
            then.accept(async);
        };
        entered.run();
        try {
            timer().schedule(() -> handOver(async, finish, release), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            handOver(async, finish, release);
        }
        return Hold.HELD;
    }

    /** One request of the client waits no more. */
    private void leave(String client) {
        waitingByClient.leave(client);
    }

    /** Clients with requests waiting now; for tests. */
    int waitingClients() {
        return waitingByClient.clients();
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
