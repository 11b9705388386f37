package io.github.abuseguard.redis;

import org.jspecify.annotations.Nullable;

/**
 * What {@code INFO memory} says of a Redis server's eviction: its {@code maxmemory_policy} and {@code maxmemory}.
 * {@code INFO} answers on managed Redis services where {@code CONFIG GET} is disabled.
 *
 * @param policy the eviction policy, such as {@code noeviction} or {@code allkeys-lru}; {@code null} when not told
 * @param maxmemory the memory limit in bytes, 0 for none; -1 when not told
 */
record RedisMemory(@Nullable String policy, long maxmemory) {

    static RedisMemory parse(String info) {
        String policy = null;
        long maxmemory = -1;
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("maxmemory_policy:")) {
                policy = line.substring("maxmemory_policy:".length()).trim();
            } else if (line.startsWith("maxmemory:")) {
                try {
                    maxmemory =
                            Long.parseLong(line.substring("maxmemory:".length()).trim());
                } catch (NumberFormatException e) {
                    maxmemory = -1; // not told, as when the field is missing
                }
            }
        }
        return new RedisMemory(policy, maxmemory);
    }

    /**
     * What the policy costs the store, or {@code null} under {@code noeviction} (a full Redis then refuses writes,
     * and the outage policy answers them) or when the server did not tell.
     */
    @Nullable
    String warning() {
        if (policy == null || policy.equals("noeviction")) {
            return null;
        }
        String limit = maxmemory > 0
                ? "maxmemory " + maxmemory + " bytes"
                : "maxmemory 0, so nothing is evicted until a limit is set";
        String which = policy.startsWith("volatile-")
                ? "every key the store writes has an expiry, so a volatile-* policy evicts them as readily as"
                        + " allkeys-* does"
                : "it may evict any key";
        return "maxmemory-policy is " + policy + " (" + limit + "): " + which + ". Under memory pressure (such as a"
                + " flood of new client addresses) Redis then silently drops bans, failure counts, histories and"
                + " buckets, so a banned client is let in again and counts start afresh. Use maxmemory-policy"
                + " noeviction with room to spare: a full Redis then refuses writes, and the outage policy answers"
                + " them";
    }
}
