package io.github.abuseguard.servlet;

import io.github.abuseguard.RateLimitStatus;
import io.github.abuseguard.ResponseHints;
import java.util.List;

/**
 * The names of the {@code RateLimit-Policy} and {@code RateLimit} fields of
 * draft-ietf-httpapi-ratelimit-headers; their values ({@code "per-ip";q=100;w=300} and
 * {@code "per-ip";r=0;t=42}) are rendered by {@link ResponseHints}.
 */
final class RateLimitFields {
    static final String POLICY = "RateLimit-Policy";
    static final String STATE = "RateLimit";

    private RateLimitFields() {}

    static String policy(List<RateLimitStatus> statuses) {
        return ResponseHints.policyField(statuses);
    }

    static String state(List<RateLimitStatus> statuses) {
        return ResponseHints.stateField(statuses);
    }
}
