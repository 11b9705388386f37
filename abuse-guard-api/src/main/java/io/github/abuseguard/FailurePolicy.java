package io.github.abuseguard;

/** What the engine does with a request when a guard fails (throws) while checking it. */
public enum FailurePolicy {
    /** The failing guard is treated as if it allowed the request. The default: a bug in a guard never takes the API down. */
    FAIL_OPEN,
    /** The request is refused with {@code 503 Service Unavailable}. */
    FAIL_CLOSED
}
