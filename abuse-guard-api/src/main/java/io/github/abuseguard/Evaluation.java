package io.github.abuseguard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The engine's combined answer for one request: the decision to carry out, the summed risk score,
 * the signals that contributed, and the rate limits to report in the response.
 */
public final class Evaluation {

    private static final Evaluation ALLOWED = new Evaluation(Decision.allow(), 0, List.of(), List.of(), Map.of());

    private final Decision decision;
    private final int riskScore;
    private final List<Decision> signals;
    private final List<RateLimitStatus> rateLimits;
    private final Map<String, String> responseHeaders;

    Evaluation(
            Decision decision,
            int riskScore,
            List<Decision> signals,
            List<RateLimitStatus> rateLimits,
            Map<String, String> responseHeaders) {
        this.decision = decision;
        this.riskScore = riskScore;
        this.signals = signals;
        this.rateLimits = rateLimits;
        this.responseHeaders = responseHeaders;
    }

    static Evaluation allowed() {
        return ALLOWED;
    }

    /** {@code rateLimits} must be immutable already: it is kept as it is. */
    static Evaluation of(
            Decision decision,
            int riskScore,
            List<Decision> signals,
            List<RateLimitStatus> rateLimits,
            Map<String, String> responseHeaders) {
        if (decision.isAllow() && riskScore == 0 && signals == null && rateLimits == null && responseHeaders == null) {
            return ALLOWED;
        }
        return new Evaluation(
                decision,
                riskScore,
                signals == null ? List.of() : List.copyOf(signals),
                rateLimits == null ? List.of() : rateLimits,
                responseHeaders == null ? Map.of() : responseHeaders);
    }

    /** Headers every guard asked the response to carry, such as {@code Vary}, whatever the outcome. */
    public Map<String, String> responseHeaders() {
        return responseHeaders;
    }

    /** The decision to carry out: a denial, or {@link Decision#allow()}. */
    public Decision decision() {
        return decision;
    }

    /** Whether the request must be denied (its action may still pass it on, as TAG and LOG do). */
    public boolean isDenied() {
        return decision.isDeny();
    }

    /** The sum of the scores of every flag raised, monitored guards' flags included. */
    public int riskScore() {
        return riskScore;
    }

    /** The flags and would-be denials raised for this request, in guard order. */
    public List<Decision> signals() {
        return signals;
    }

    /** The reason codes of {@link #signals()}, for tagging a request. */
    public List<String> reasons() {
        List<String> reasons = new ArrayList<>(signals.size() + 1);
        if (decision.isDeny()) {
            reasons.add(decision.reason());
        }
        for (Decision signal : signals) {
            if (signal != decision) {
                reasons.add(signal.reason());
            }
        }
        return reasons;
    }

    /** Every rate limit the request was counted against, allowed or not. */
    public List<RateLimitStatus> rateLimits() {
        return rateLimits;
    }

    @Override
    public String toString() {
        return "Evaluation[" + decision + ", risk=" + riskScore + ", signals=" + signals + "]";
    }
}
