package io.github.abuseguard.store;

/** What a shared store does while its backend is unreachable or too slow. */
public enum OutagePolicy {
    /** Requests go on unchecked by the guards that need the store; the outage is reported. */
    FAIL_OPEN,
    /** Requests that need the store are refused with {@code 503 Service Unavailable}. */
    FAIL_CLOSED,
    /**
     * Guards keep enforcing with in-process state until the backend is back; the bans and token-bucket
     * refusals the backend answered before the outage still hold (see {@link ResilientStateStore}). The
     * default.
     */
    LOCAL_FALLBACK
}
