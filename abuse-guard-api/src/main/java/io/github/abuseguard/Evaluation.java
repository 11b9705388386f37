package io.github.abuseguard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The engine's combined answer for one request: the decision to carry out, the summed risk score,
 * the signals that contributed, and the rate limits to report in the response.
 */
public sealed class Evaluation permits Evaluation.Scored {

    private static final Evaluation ALLOWED = new Evaluation(Decision.allow(), ResponseHints.none(), 0, null);

    private final Decision decision;
    private final ResponseHints hints;
    /**
     * The plan of the request's route and method the engine decided by ({@link AbuseGuard.MethodPlan}),
     * carried so that the engine does not look it up again when the adapter reports the outcome; or, for
     * a tarpitted request, a {@link Tarpitted} that also holds which guards keep their charges; or
     * {@code null}. One field for both keeps an evaluation at 24 bytes: only a tarpit needs the second.
     */
    private final @Nullable Object context;

    /** The plan of a tarpitted request's evaluation, and the guards that passed it and keep what they charged. */
    private record Tarpitted(AbuseGuard.@Nullable MethodPlan plan, long held) {}

    /**
     * An evaluation with a risk score or signals: 32 bytes, as every evaluation was before. The request
     * let through with no more than its rate limits' state, the one most requests get, is a plain
     * {@link Evaluation} of 24 bytes.
     */
    static final class Scored extends Evaluation {
        private final int riskScore;
        private final List<Decision> signals;

        private Scored(
                Decision decision,
                int riskScore,
                List<Decision> signals,
                ResponseHints hints,
                long held,
                AbuseGuard.@Nullable MethodPlan plan) {
            super(decision, hints, held, plan);
            this.riskScore = riskScore;
            this.signals = signals;
        }

        @Override
        public int riskScore() {
            return riskScore;
        }

        @Override
        public List<Decision> signals() {
            return signals;
        }
    }

    private Evaluation(Decision decision, ResponseHints hints, long held, AbuseGuard.@Nullable MethodPlan plan) {
        this.decision = decision;
        this.hints = hints;
        this.context = held == 0 ? plan : new Tarpitted(plan, held);
    }

    /** A new evaluation; a plain one when it has no risk score and no signals. */
    static Evaluation create(
            Decision decision,
            int riskScore,
            List<Decision> signals,
            ResponseHints hints,
            long held,
            AbuseGuard.@Nullable MethodPlan plan) {
        return riskScore == 0 && signals.isEmpty()
                ? new Evaluation(decision, hints, held, plan)
                : new Scored(decision, riskScore, signals, hints, held, plan);
    }

    static Evaluation allowed() {
        return ALLOWED;
    }

    /**
     * {@code hints} are the merged hints of every guard, or {@code null} when none gave any; {@code held}
     * the guards that passed a request whose refusal is not final yet (a tarpit); {@code plan} the route's
     * plan the engine decided by, or {@code null}.
     */
    static Evaluation of(
            Decision decision,
            int riskScore,
            @Nullable List<Decision> signals,
            @Nullable ResponseHints hints,
            long held,
            AbuseGuard.@Nullable MethodPlan plan) {
        if (decision.isAllow() && riskScore == 0 && signals == null && hints == null && held == 0) {
            return plan == null ? ALLOWED : plan.allowed();
        }
        return create(
                decision,
                riskScore,
                signals == null ? List.of() : List.copyOf(signals),
                hints == null ? ResponseHints.none() : hints,
                held,
                plan);
    }

    /** The plan the engine decided this evaluation by, or {@code null} when it had none. */
    AbuseGuard.@Nullable MethodPlan plan() {
        return context instanceof Tarpitted tarpitted ? tarpitted.plan() : (AbuseGuard.MethodPlan) context;
    }

    /** The guards (a bit per engine slot) that passed a tarpitted request and keep what they charged it. */
    long held() {
        return context instanceof Tarpitted tarpitted ? tarpitted.held() : 0;
    }

    /** What every guard asked the response to carry, merged in guard order, whatever the outcome. */
    public ResponseHints hints() {
        return hints;
    }

    /** Headers every guard asked the response to carry, such as {@code Vary}, whatever the outcome. */
    public Map<String, String> responseHeaders() {
        return hints.headers();
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
        return 0;
    }

    /** The flags and would-be denials raised for this request, in guard order. */
    public List<Decision> signals() {
        return List.of();
    }

    /** The reason codes of {@link #signals()}, for tagging a request. */
    public List<String> reasons() {
        List<Decision> signals = signals();
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
        return hints.rateLimits();
    }

    @Override
    public String toString() {
        return "Evaluation[" + decision + ", risk=" + riskScore() + ", signals=" + signals() + "]";
    }
}
