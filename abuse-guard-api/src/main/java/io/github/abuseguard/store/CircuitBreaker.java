package io.github.abuseguard.store;

import io.github.abuseguard.TimeSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The breaker of a {@link ResilientStateStore}, after Resilience4j's: closed, it counts calls and
 * failures in windows of {@code windowSize} calls and opens when, after at least {@code minimumCalls},
 * the failure rate reaches the threshold, or when {@code consecutiveFailures} calls in a row failed; open, it refuses calls for {@code waitInOpen}; then half
 * open, it lets {@code halfOpenCalls} trial calls through, closing when they all succeed and opening
 * again at the first failure. Lock-free: one atomic word for the state, one for the window.
 */
final class CircuitBreaker {

    enum State {
        CLOSED,
        OPEN,
        HALF_OPEN
    }

    /** What {@link #acquire()} permits: no call, a normal call, or a half-open trial. */
    static final int REFUSED = 0;

    static final int CLOSED_CALL = 1;
    static final int TRIAL_CALL = 2;

    /** What a call ended in, when it changed the state; the store logs each change once. */
    enum Change {
        NONE,
        OPENED,
        REOPENED,
        CLOSED
    }

    private final int failureRatePercent;
    private final int minimumCalls;
    private final int windowSize;
    private final int halfOpenCalls;
    private final int consecutiveFailures;
    private final long waitNanos;
    private final TimeSource timeSource;

    /**
     * The state in bits 32 and up; in half-open, the trials started in bits 16 to 31 and the trials
     * succeeded in bits 0 to 15. One word, so a phase's counts can never leak into the next phase.
     */
    private final AtomicLong status = new AtomicLong(pack(State.CLOSED, 0, 0));

    /** Calls in the high 32 bits, failures in the low 32 bits of the current window. */
    private final AtomicLong window = new AtomicLong();

    /** When the last failure that lengthened the failures in a row was heard ({@link TimeSource#nanoTime}). */
    private volatile long lastCountedFailureAt = Long.MIN_VALUE / 2;

    /** Closed calls that failed since the last that answered. */
    private final java.util.concurrent.atomic.AtomicInteger failuresInARow =
            new java.util.concurrent.atomic.AtomicInteger();

    private volatile long openUntil;

    CircuitBreaker(
            int failureRatePercent,
            int minimumCalls,
            int windowSize,
            int halfOpenCalls,
            int consecutiveFailures,
            long waitNanos,
            TimeSource timeSource) {
        this.failureRatePercent = failureRatePercent;
        this.minimumCalls = minimumCalls;
        this.windowSize = windowSize;
        this.halfOpenCalls = halfOpenCalls;
        this.consecutiveFailures = consecutiveFailures;
        this.waitNanos = waitNanos;
        this.timeSource = timeSource;
    }

    State state() {
        return stateOf(status.get());
    }

    /** Whether a call may go to the backend now, and as what. */
    int acquire() {
        while (true) {
            long current = status.get();
            State state = stateOf(current);
            if (state == State.CLOSED) {
                return CLOSED_CALL;
            }
            if (state == State.OPEN) {
                if (timeSource.nanoTime() - openUntil < 0) {
                    return REFUSED;
                }
                status.compareAndSet(current, pack(State.HALF_OPEN, 0, 0));
                continue;
            }
            int started = (int) (current >>> 16) & 0xFFFF;
            if (started >= halfOpenCalls) {
                return REFUSED;
            }
            if (status.compareAndSet(current, pack(State.HALF_OPEN, started + 1, (int) current & 0xFFFF))) {
                return TRIAL_CALL;
            }
        }
    }

    /** Records the outcome of a call {@link #acquire()} permitted. */
    Change record(int permit, boolean failed) {
        return record(permit, failed, timeSource.nanoTime());
    }

    /**
     * Records the outcome of a call {@link #acquire()} permitted that started at {@code startedNanos}: a failure of a
     * call that started before the last failure counted was on its way in the same stall, and does not lengthen the
     * failures in a row.
     */
    Change record(int permit, boolean failed, long startedNanos) {
        if (permit == TRIAL_CALL) {
            return recordTrial(failed);
        }
        if (permit != CLOSED_CALL || state() != State.CLOSED) {
            return Change.NONE; // a late answer from before the state changed
        }
        long counts = window.updateAndGet(packed -> {
            long calls = (packed >>> 32) + 1;
            long failures = (packed & 0xFFFF_FFFFL) + (failed ? 1 : 0);
            if (calls > windowSize) { // the window is full: start the next one with this call
                calls = 1;
                failures = failed ? 1 : 0;
            }
            return calls << 32 | failures;
        });
        long calls = counts >>> 32;
        long failures = counts & 0xFFFF_FFFFL;
        if (!failed) {
            if (failuresInARow.get() != 0) { // read first: the healthy path writes nothing shared
                failuresInARow.set(0);
            }
            return Change.NONE;
        }
        int inARow;
        if (startedNanos - lastCountedFailureAt < 0) {
            inARow = failuresInARow.get(); // under way when the last failure was heard: the same stall
        } else {
            inARow = failuresInARow.incrementAndGet();
            lastCountedFailureAt = timeSource.nanoTime();
        }
        // in a row: a store that stalls fails each call after the full timeout, and a quiet instance would wait
        // out minimumCalls of them, one request paying several in turn (probe48a F3: 6.7 s for one log-in)
        if (inARow >= consecutiveFailures || (calls >= minimumCalls && failures * 100 >= calls * failureRatePercent)) {
            return open(State.CLOSED) ? Change.OPENED : Change.NONE;
        }
        return Change.NONE;
    }

    private Change recordTrial(boolean failed) {
        while (true) {
            long current = status.get();
            if (stateOf(current) != State.HALF_OPEN) {
                return Change.NONE; // another trial decided already
            }
            if (failed) {
                return open(State.HALF_OPEN) ? Change.REOPENED : Change.NONE;
            }
            int started = (int) (current >>> 16) & 0xFFFF;
            int succeeded = ((int) current & 0xFFFF) + 1;
            long next =
                    succeeded >= halfOpenCalls ? pack(State.CLOSED, 0, 0) : pack(State.HALF_OPEN, started, succeeded);
            if (status.compareAndSet(current, next)) {
                if (succeeded >= halfOpenCalls) {
                    window.set(0);
                    return Change.CLOSED;
                }
                return Change.NONE;
            }
        }
    }

    private boolean open(State from) {
        while (true) {
            long current = status.get();
            if (stateOf(current) != from) {
                return false;
            }
            openUntil = timeSource.nanoTime() + waitNanos;
            if (status.compareAndSet(current, pack(State.OPEN, 0, 0))) {
                window.set(0);
                failuresInARow.set(0);
                return true;
            }
        }
    }

    private static long pack(State state, int started, int succeeded) {
        return (long) state.ordinal() << 32 | (long) started << 16 | succeeded;
    }

    private static State stateOf(long status) {
        return State.values()[(int) (status >>> 32)];
    }
}
