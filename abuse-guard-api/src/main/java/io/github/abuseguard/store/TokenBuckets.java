package io.github.abuseguard.store;

import io.github.bucket4j.ConsumptionProbe;

/** The token buckets of one namespace, one bucket per key, created full on first use. */
public interface TokenBuckets {

    /**
     * Takes {@code tokens} from the key's bucket if it holds that many.
     *
     * @return whether the tokens were taken, how many remain, and how long to wait otherwise
     */
    ConsumptionProbe tryConsume(String key, long tokens);

    /** About how many keys are tracked now; for monitoring and tests. */
    long trackedKeys();
}
