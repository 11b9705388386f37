package io.github.abuseguard.sequence;

import io.github.abuseguard.internal.Durations;
import io.github.abuseguard.internal.HttpMethods;
import java.time.Duration;
import java.util.Objects;

/**
 * "Operation B only after A": {@link Kind#REQUIRES} means the session must have performed the prior
 * operation (with the given status class, within the window, and no sooner than the minimum delay
 * before B); {@link Kind#FORBIDS} means B must never follow the prior operation within the window.
 * An operation is {@code METHOD template}, such as {@code POST /api/accounts/{id}/verify}. When a
 * {@code requires} rule's two templates share a variable by name, the prior counts only when it was
 * done for the same value of it (see {@link SequenceGuard}).
 *
 * @param name the rule's name
 * @param kind requires or forbids
 * @param operation B, the operation the rule guards
 * @param prior A (or C), the operation looked for in the session's trail
 * @param statusClass the status class A must have answered with, such as 2 for 2xx; 0 for any
 * @param window how far back A counts
 * @param minimumDelay how long after A the session must wait before B; zero for none
 * @param source where the rule came from, for reports
 */
public record PrecedenceRule(
        String name,
        Kind kind,
        String operation,
        String prior,
        int statusClass,
        Duration window,
        Duration minimumDelay,
        String source) {

    /** Whether the prior operation is required or forbidden. */
    public enum Kind {
        REQUIRES,
        FORBIDS
    }

    /**
     * @throws IllegalArgumentException if an operation is not {@code METHOD /path} or contains {@code #}, the status class
     *     is not 0 to 5, or a duration is negative (the window must be positive)
     */
    public PrecedenceRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        operation = operation(operation);
        prior = operation(prior);
        if (statusClass < 0 || statusClass > 5) {
            throw new IllegalArgumentException("status class must be 0 (any) to 5, was " + statusClass);
        }
        if (window == null || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, was " + Durations.written(window));
        }
        minimumDelay = minimumDelay == null ? Duration.ZERO : minimumDelay;
        if (minimumDelay.isNegative()) {
            throw new IllegalArgumentException(
                    "minimum delay must not be negative, was " + Durations.written(minimumDelay));
        }
        Objects.requireNonNull(source, "source");
    }

    /** {@code METHOD /template}, the method upper case. */
    static String operation(String text) {
        Objects.requireNonNull(text, "operation");
        String trimmed = text.trim();
        int space = trimmed.indexOf(' ');
        if (space <= 0 || !trimmed.substring(space + 1).trim().startsWith("/")) {
            throw new IllegalArgumentException(
                    "operation '" + text + "' must be METHOD /path, such as POST /api/accounts/{id}/verify");
        }
        if (trimmed.indexOf('#') >= 0) {
            throw new IllegalArgumentException(
                    "operation '" + text + "' must not contain '#': a fragment is never part of a request path");
        }
        String method = trimmed.substring(0, space);
        // OTHER: a method token no registry names, as the guard records it (a handler of every method takes it)
        return (method.equals(HttpMethods.OTHER) ? method : HttpMethods.canonical(method)) + " "
                + trimmed.substring(space + 1).trim();
    }
}
