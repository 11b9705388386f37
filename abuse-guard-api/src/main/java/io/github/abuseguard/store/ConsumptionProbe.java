package io.github.abuseguard.store;

/**
 * A reusable holder of one {@link TokenBuckets#tryConsume(String, long, ConsumptionProbe)} answer, with
 * the figures of {@link Consumption}: the hot path of a rate limit reads them without a new object per
 * request. Mutable and not thread-safe: keep one per thread and read it before the next call overwrites it.
 */
public final class ConsumptionProbe {
    private boolean consumed;
    private long remainingTokens;
    private long nanosToWaitForRefill;
    private long nanosToWaitForReset;

    /** Records an answer; the meaning of each figure is that of {@link Consumption}'s. */
    public void set(boolean consumed, long remainingTokens, long nanosToWaitForRefill, long nanosToWaitForReset) {
        this.consumed = consumed;
        this.remainingTokens = remainingTokens;
        this.nanosToWaitForRefill = nanosToWaitForRefill;
        this.nanosToWaitForReset = nanosToWaitForReset;
    }

    /** Records {@code answer}. */
    public void set(Consumption answer) {
        set(answer.consumed(), answer.remainingTokens(), answer.nanosToWaitForRefill(), answer.nanosToWaitForReset());
    }

    /** Whether the tokens were taken. */
    public boolean consumed() {
        return consumed;
    }

    /** The tokens left afterwards, the smallest figure over the bucket's limits. */
    public long remainingTokens() {
        return remainingTokens;
    }

    /** When refused, how long until the bucket holds the tokens asked for; 0 when taken. */
    public long nanosToWaitForRefill() {
        return nanosToWaitForRefill;
    }

    /** How long until every limit of the bucket is full again. */
    public long nanosToWaitForReset() {
        return nanosToWaitForReset;
    }

    /** The answer as an immutable value. */
    public Consumption toConsumption() {
        return new Consumption(consumed, remainingTokens, nanosToWaitForRefill, nanosToWaitForReset);
    }
}
