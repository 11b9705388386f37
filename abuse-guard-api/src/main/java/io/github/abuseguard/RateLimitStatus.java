package io.github.abuseguard;

import java.util.Objects;

/**
 * The state of one rate-limit policy for the current client, as the {@code RateLimit-Policy} and
 * {@code RateLimit} response fields of draft-ietf-httpapi-ratelimit-headers report it.
 *
 * @param policy the policy name, the {@code "per-ip"} in {@code "per-ip";q=100;w=300}
 * @param quota the number of quota units the window allows ({@code q})
 * @param windowSeconds the window in seconds ({@code w})
 * @param remaining the quota units left ({@code r})
 * @param resetSeconds seconds until the quota is restored ({@code t})
 */
public record RateLimitStatus(String policy, long quota, long windowSeconds, long remaining, long resetSeconds) {

    public RateLimitStatus {
        Objects.requireNonNull(policy, "policy");
    }
}
