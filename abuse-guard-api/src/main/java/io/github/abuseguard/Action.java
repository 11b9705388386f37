package io.github.abuseguard;

/** How a denial is answered. */
public enum Action {
    /** Refuse with a {@code 4xx} problem, {@code 403} unless the decision says otherwise. */
    REJECT,
    /** Refuse with {@code 429 Too Many Requests}, {@code Retry-After} and rate-limit fields. */
    THROTTLE,
    /** Delay the answer without holding a request thread. */
    TARPIT,
    /** Answer with a configured fake success. */
    DECOY,
    /** Let the request through and hand the risk score and reasons to the application. */
    TAG,
    /** Let the request through and only record the decision. */
    LOG;

    /** Whether the application still receives the request under this action. */
    public boolean passesRequestOn() {
        return this == TAG || this == LOG;
    }
}
