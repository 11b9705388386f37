package io.github.abuseguard.store;

/** What a shared store does while its backend is unreachable or too slow. */
public enum OutagePolicy {
    /** Requests go on unchecked by the guards that need the store; the outage is reported. */
    FAIL_OPEN,
    /** Requests that need the store are refused with {@code 503 Service Unavailable}. */
    FAIL_CLOSED,
    /**
     * Guards keep enforcing with in-process state until the backend is back, from what the backend last
     * answered: its bans, what its token buckets had left and its counts still hold, and what was counted
     * in process counts when it is back (see {@link ResilientStateStore}). The default.
     */
    LOCAL_FALLBACK
}
