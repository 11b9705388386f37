package io.github.abuseguard.servlet;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * What a test of the demo reads of its running filter, through the filter's package-private accessors: the state a
 * test waits for, rather than a container's thread count, which says nothing of how far a request got.
 */
public final class DemoFilterState {
    private DemoFilterState() {}

    /**
     * Waits until the filter's guards and answers are reading exactly {@code reads} bodies at once, all clients
     * together; the minute only bounds a test that never gets there.
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
