package io.github.abuseguard;

/**
 * Hears how the application answered every request the engine let through, without judging any: API
 * discovery (the endpoint inventory) is one. Unlike a {@link Guard}, an observer is not asked about
 * requests, has no mode and is never left out by a route's plan; unlike a {@link GuardListener}, it
 * hears the outcome of the exchange, not the engine's decision.
 *
 * <p>Called on the request thread after the exchange, for every request the application handled, so
 * it must be cheap, bounded in memory whatever clients send, and thread-safe. An exception it throws
 * is logged at most once per interval and otherwise ignored.
 */
public interface OutcomeObserver {

    /** A short, stable, kebab-case name such as {@code discovery}: used in logs and reports. */
    String name();

    /** Hears the status code the application answered {@code request} with. */
    void observe(GuardRequest request, int status);

    /**
     * Describes the observer for operators (the Actuator endpoint shows its state entries at the top of
     * its report). Called rarely and off the request path; it must not change the observer. The default
     * has no state.
     */
    default GuardDescription describe() {
        return GuardDescription.of(name());
    }
}
