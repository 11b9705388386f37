package io.github.abuseguard.store;

import org.jspecify.annotations.Nullable;

/**
 * The token buckets of one namespace, one bucket per key, created full on first use.
 *
 * <p>When a namespace is asked for again with other limits (after a restart with changed settings),
 * existing buckets take the new limits on their next use instead of keeping the old ones until they
 * expire. The tokens a bucket holds carry over as {@link BucketSpec} describes: a lowered capacity caps
 * them at once, a raised capacity adds the difference.
 */
public interface TokenBuckets {

    /**
     * Takes {@code tokens} from the key's bucket if it holds that many.
     *
     * @return whether the tokens were taken, how many remain, and how long to wait otherwise
     */
    Consumption tryConsume(String key, long tokens);

    /**
     * Takes {@code tokens} as {@link #tryConsume(String, long)} does, writing the answer into {@code probe}
     * instead of a new {@link Consumption}: a store whose answer is computed in the process (the local
     * store) then allocates nothing for it. The default asks {@link #tryConsume(String, long)}.
     */
    default void tryConsume(String key, long tokens, ConsumptionProbe probe) {
        probe.set(tryConsume(key, tokens));
    }

    /**
     * Gives back {@code tokens} taken by {@link #tryConsume} for a request that was refused afterwards;
     * the bucket never holds more than its capacity.
     *
     * @throws IllegalArgumentException if {@code tokens} is not positive
     */
    void refund(String key, long tokens);

    /**
     * Whether {@link #tryConsume} of {@code tokens} from the key's bucket is known to refuse now, from what this
     * instance holds: the bucket itself (a local store), or a refusal remembered until its retry-after. It takes
     * nothing and never asks a remote store; {@code false} when not known. The default knows nothing.
     */
    default boolean knownToRefuse(String key, long tokens) {
        return false;
    }

    /**
     * The refusal {@link #tryConsume} of {@code tokens} would answer now from a refusal this instance remembers until
     * its retry-after, without asking a remote store; {@code null} when it would ask. A store in front of a remote
     * one answers such a refusal without counting it as a call the remote store answered (probe75b F2: remembered
     * refusals closed the circuit while Redis was down). The default remembers none.
     */
    default @Nullable Consumption rememberedRefusal(String key, long tokens) {
        return null;
    }

    /**
     * Forgets the refusal of the key this instance remembers ({@link #rememberedRefusal}), without asking a remote
     * store: a store in front of a remote one that takes a refund on its fallback while the remote store is down
     * (review133 F2: the refunded client stayed refused for the rest of the outage). The default remembers none.
     */
    default void forgetRefusal(String key) {}

    /** About how many keys are tracked now; for monitoring and tests. */
    long trackedKeys();
}
