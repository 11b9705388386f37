package io.github.abuseguard.servlet;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** What a test of the starter reads of a running filter's state, through the filter's package-private accessors. */
public final class FilterState {
    private FilterState() {}

    /**
     * Waits, at most a minute, until the filter's guards and answers are reading {@code reads} bodies at once, all
     * clients together.
     *
     * @throws AssertionError if they never are
     */
    public static void awaitBodyReads(AbuseGuardFilter filter, int reads) {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (filter.bodyReadsInFlight()[0] != reads) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("never " + reads + " body reads at once: " + filter.bodyReadsInFlight()[0]);
            }
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }
}
