package io.github.abuseguard.servlet;

import io.github.abuseguard.GuardRequest;
import jakarta.servlet.ServletRequest;
import java.util.function.IntUnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The status the application's handler meant for a request, for when a framework answers another after the
 * handler returned: Spring MVC runs a {@code @ResponseBody} handler first and answers {@code 406} only when
 * it cannot write the return value in a type the client's {@code Accept} names; an ETag filter turns the
 * answer into a {@code 304}; a return value that cannot be serialised becomes a {@code 500}. The handler's
 * side effect happened in each case, so the guards must hear the handler's status: a once-only step is
 * taken, a right password is a success.
 *
 * <p>Only a request a guard asked it for ({@link GuardRequest#handlerStatusWanted()}: a sequence guard's
 * reservation, a failure rule's count) carries one, as the request attribute {@link #ATTRIBUTE}; a
 * framework adapter (the Spring starter wraps Spring MVC's return value handlers) reports to it when the
 * handler returned normally, and any other code may, through {@link #of} and {@link #returned}. A handler
 * that throws reports nothing: the status its exception is answered with is the outcome. The reported
 * status replaces a {@code 304}, {@code 406}, {@code 412}, {@code 416} or {@code 5xx} written afterwards, and any
 * status when writing the value failed (an exception handler answers it); any other status the response ends
 * with (a {@code ResponseBodyAdvice} that answers {@code 401}) is the outcome as written.
 */
public final class HandlerStatus {
    /** The request attribute under which the filter puts the instance awaiting the handler's status. */
    public static final String ATTRIBUTE = HandlerStatus.class.getName();

    /** The status reported, 0 before any: written on one dispatch's thread, read on another at the end. */
    private volatile int status;

    /** The outcome reported outright ({@link #decided}), 0 before any. */
    private volatile int decided;

    /** What tells the outcome outright when none was reported ({@link #decidedBy}); {@code null} for nothing. */
    private volatile @Nullable IntUnaryOperator decider;

    /**
     * Whether writing the handler's value failed (review15: a catch-all {@code @ExceptionHandler} then answers what
     * it likes, such as {@code 400}, for the {@code 406} a client's {@code Accept} caused after the handler ran).
     */
    private volatile boolean unwritten;

    /**
     * Whether any request of this JVM ever carried an instance: until one does, {@link #of} answers {@code null}
     * without looking the attribute up, so an application none of whose rules asks for the handler's status (no
     * failure rule, no once-only step) pays no attribute look-up per {@code @ResponseBody} answer. Only the filter
     * creates instances, and it does so before it puts one on a request: a request that carries one always finds
     * this set.
     */
    private static volatile boolean anyCreated;

    HandlerStatus() {
        if (!anyCreated) {
            anyCreated = true; // read first: a volatile write per request would cost more than the look-up
        }
    }

    /**
     * The instance awaiting the handler's status of this request, or {@code null} when no guard asked for
     * it (then there is nothing to report, and finding that out costs one attribute look-up, none before any
     * request of the JVM asked for one).
     */
    public static @Nullable HandlerStatus of(ServletRequest request) {
        return anyCreated && request.getAttribute(ATTRIBUTE) instanceof HandlerStatus awaiting ? awaiting : null;
    }

    /**
     * Reports that the handler returned normally, meaning this status; a later report (a forward's handler)
     * replaces an earlier one. A status outside 100 to 599 is ignored.
     */
    public void returned(int status) {
        if (status >= 100 && status <= 599) {
            this.status = status;
        }
    }

    /**
     * Reports that writing the value of a handler that returned normally failed: whatever answers the failure
     * afterwards, the handler's work is done, and the outcome is the status it {@linkplain #returned meant}.
     */
    public void unwritten() {
        this.unwritten = true;
    }

    /**
     * Reports the request's outcome outright, for an answer that does not tell a failure: the guards hear {@code
     * status} in place of a success the response ends with (2xx, 3xx), and a client's history is earned only by a
     * success so reported. Spring Security's form login answers a wrong password with a redirect to its login page,
     * {@code 302}, as it answers a right one (user70 F1: a failure rule counted none of 30 wrong passwords); the
     * Spring Boot starter reports every failed authentication as {@code 401}. A failure the application wrote itself
     * (its own sign-in's {@code 400}) stays the outcome (review121 F1). A status outside 100 to 599 is ignored; a
     * later report replaces an earlier one.
     */
    public void decided(int status) {
        if (status >= 100 && status <= 599) {
            this.decided = status;
        }
    }

    /**
     * Withdraws the outcome {@linkplain #decided reported outright}: a later step of the same request undid it, as a
     * sign-in that failed under one name and then succeeded under another (review121 F2).
     */
    public void undecided() {
        this.decided = 0;
    }

    /**
     * Asks {@code decider}, when the outcome of a success is needed and none was {@linkplain #decided reported}, for
     * the status to report outright (0, or a value outside 100 to 599: none), given the status written: for what the
     * request leaves behind rather than reports, such as the exception Spring Security's failure handler keeps for
     * its login page before it redirects (probe71b F1, F3: a sign-in whose manager publishes no event, or whose
     * exception maps to none). Asked before the response is committed and once the exchange ends.
     */
    public void decidedBy(IntUnaryOperator decider) {
        this.decider = decider;
    }

    /** The status reported outright for {@code written}, by {@link #decided} or {@link #decidedBy}; 0 for none. */
    private int outright(int written) {
        int outright = decided;
        IntUnaryOperator asked = decider;
        if (outright == 0 && asked != null) {
            int told = asked.applyAsInt(written);
            outright = told >= 100 && told <= 599 ? told : 0;
        }
        return outright;
    }

    /** The status {@linkplain #decided reported outright} in place of a success {@code written}, else {@code written}. */
    int decidedOr(int written) {
        if (written >= 400) {
            return written;
        }
        int outright = outright(written);
        return outright == 0 ? written : outright;
    }

    /**
     * The outcome the guards hear for a response that ends with {@code written}: the status {@linkplain #decided
     * reported outright} in place of a success, else the handler's status when
     * writing its value failed, or in place of a status a framework writes after the handler returned (a
     * {@code 304} or {@code 412} of a conditional request, a {@code 406} of content negotiation, a {@code 416} of
     * a range request, a {@code 5xx}), else {@code written}.
     */
    int outcome(int written) {
        int outright = decidedOr(written);
        if (outright != written) {
            return outright;
        }
        int meant = status;
        if (meant == 0 || meant == written) {
            return written;
        }
        if (unwritten) {
            return meant;
        }
        return written == 304 || written == 406 || written == 412 || written == 416 || written >= 500 ? meant : written;
    }

    /** The outcome of a request that may carry an instance ({@code null} when none). */
    static int outcome(@Nullable HandlerStatus awaiting, int written) {
        return awaiting == null ? written : awaiting.outcome(written);
    }
}
