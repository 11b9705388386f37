package io.github.abuseguard.servlet;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a filter's tarpit shut until the test opens it: every request the tarpit holds waits, whatever its delay, until
 * {@link #open}, then is handed over at once, in the order it was held. A test then asserts what it sees while requests
 * wait without racing the tarpit's wall-clock delay (flake83: a 3 s delay had to outlast 40 sign-ins or 200
 * connections on a loaded machine). Shut it before the first request is held: the tarpit's timer is made then.
 */
final class TarpitGate implements AutoCloseable {
    private final CountDownLatch opened = new CountDownLatch(1);

    private TarpitGate() {}

    /** A gate, shut, in place of {@code filter}'s tarpit timer, which must not have held a request yet. */
    static TarpitGate shut(AbuseGuardFilter filter) throws ReflectiveOperationException {
        TarpitGate gate = new TarpitGate();
        Timer timer = new Timer();
        // the timer's one thread waits for the gate first: nothing scheduled after runs before it opens
        timer.execute(gate::awaitOpen);
        Method setup = AbuseGuardFilter.class.getDeclaredMethod("setup");
        setup.setAccessible(true);
        Object current = setup.invoke(filter);
        Method tarpit = current.getClass().getDeclaredMethod("tarpit");
        tarpit.setAccessible(true);
        Field field = Tarpit.class.getDeclaredField("timer");
        field.setAccessible(true);
        Object tarpitOfFilter = tarpit.invoke(current);
        if (field.get(tarpitOfFilter) != null) {
            throw new IllegalStateException("the tarpit held a request before the gate was shut");
        }
        field.set(tarpitOfFilter, timer);
        return gate;
    }

    /** Hands over every request held so far, and any held later, at once. */
    void open() {
        opened.countDown();
    }

    @Override
    public void close() {
        open();
    }

    private void awaitOpen() {
        try {
            opened.await();
        } catch (InterruptedException closed) {
            Thread.currentThread().interrupt(); // the tarpit closed its timer
        }
    }

    /** The tarpit's timer, on whose delay the gate stands in: what it schedules runs once the gate is open. */
    private static final class Timer extends ScheduledThreadPoolExecutor {
        Timer() {
            super(1, runnable -> {
                Thread thread = new Thread(runnable, "abuse-guard-tarpit-gate");
                thread.setDaemon(true);
                return thread;
            });
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            return super.schedule(command, 0, unit);
        }
    }
}
