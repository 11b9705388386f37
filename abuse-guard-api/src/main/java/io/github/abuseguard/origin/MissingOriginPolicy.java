package io.github.abuseguard.origin;

/** What a protected route does with a request that carries neither {@code Origin} nor {@code Referer}. */
public enum MissingOriginPolicy {
    /** Let it through: right for routes that non-browser API clients call. */
    ALLOW,
    /** Refuse it. */
    REJECT,
    /** Let it through with a risk score, so it adds to other signals. */
    FLAG
}
