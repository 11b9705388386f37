package io.github.abuseguard;

/**
 * Hears what the engine decides: logs, metrics, event publishing. Listeners run on the request
 * thread, so they must be quick; an exception from a listener is logged and otherwise ignored.
 */
public interface GuardListener {

    /** Called for every flag, denial, would-be denial and guard failure. */
    default void onEvent(GuardEvent event) {}

    /**
     * Called once per request after all guards were asked, allowed requests included.
     *
     * @param elapsedNanos how long the evaluation took
     */
    default void onEvaluation(GuardRequest request, Evaluation evaluation, long elapsedNanos) {}
}
