package io.github.abuseguard.volume;

import io.github.abuseguard.Action;
import java.util.Objects;

/**
 * The "only reads" signal of a {@link DistinctRule}: a client that reads ({@code GET} or {@code HEAD})
 * at least {@link #minDistinct()} distinct resources of the rule in its window and never did anything
 * else (no successful request with another method, anywhere in the application, within the guard's
 * history) is flagged with {@link #score()}, which adds to the request's risk, or, with a score of 0,
 * answered with {@link #action()}.
 *
 * @param minDistinct the fewest distinct resources read that make the signal; below the rule's max-distinct
 * @param score the risk score of the flag; 0 answers with the action instead
 * @param action how a request is answered when the score is 0
 */
public record OnlyReads(int minDistinct, int score, Action action) {

    /** The default least distinct resources read. */
    public static final int DEFAULT_MIN_DISTINCT = 20;
    /** The default score: {@value #DEFAULT_SCORE}, half the default risk threshold. */
    public static final int DEFAULT_SCORE = 50;

    /** @throws IllegalArgumentException if min-distinct is outside 1 to 1024 or the score outside 0 to 1000 */
    public OnlyReads {
        Objects.requireNonNull(action, "action");
        if (minDistinct < 1 || minDistinct > DistinctRule.MAX_MAX_DISTINCT) {
            throw new IllegalArgumentException(
                    "min-distinct must be between 1 and " + DistinctRule.MAX_MAX_DISTINCT + ", was " + minDistinct);
        }
        if (score < 0 || score > 1000) {
            throw new IllegalArgumentException("score must be between 0 and 1000, was " + score);
        }
    }

    /** The defaults: 20 distinct resources, a flag of score 50. */
    public static OnlyReads defaults() {
        return new OnlyReads(DEFAULT_MIN_DISTINCT, DEFAULT_SCORE, Action.THROTTLE);
    }
}
