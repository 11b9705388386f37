package io.github.abuseguard;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One non-allowing outcome of one guard for one request, as {@link GuardListener}s hear it.
 *
 * @param request the request
 * @param guard the name of the guard, or {@code risk} for a denial the summed risk score caused
 * @param kind what happened
 * @param decision the guard's decision; for {@link Kind#FAILED} the decision the failure policy chose
 * @param error the exception of a {@link Kind#FAILED} event, otherwise {@code null}
 */
public record GuardEvent(
        GuardRequest request,
        String guard,
        Kind kind,
        Decision decision,
        @Nullable Throwable error) {

    /** The kinds of event. */
    public enum Kind {
        /** A flag that added to the risk score. */
        FLAG,
        /** A denial that was carried out. */
        DENY,
        /** A denial that was not carried out because its guard, or the engine, is in monitor mode. */
        WOULD_DENY,
        /** The guard threw; the failure policy decided instead. */
        FAILED
    }

    public GuardEvent {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(guard, "guard");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(decision, "decision");
    }
}
