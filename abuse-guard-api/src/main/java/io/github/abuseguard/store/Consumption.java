package io.github.abuseguard.store;

/**
 * The answer of {@link TokenBuckets#tryConsume}: whether the tokens were taken, how many are left, and
 * how long to wait.
 *
 * @param consumed whether the tokens were taken
 * @param remainingTokens the tokens left afterwards, the smallest figure over the bucket's limits
 * @param nanosToWaitForRefill when refused, how long until the bucket holds the tokens asked for
 *     ({@link Long#MAX_VALUE} if it never can, the request costing more than a capacity); 0 when taken
 * @param nanosToWaitForReset how long until every limit of the bucket is full again
 */
public record Consumption(
        boolean consumed, long remainingTokens, long nanosToWaitForRefill, long nanosToWaitForReset) {}
