package io.github.abuseguard.store;

/**
 * Thrown by a remote {@link StateStore} for a command that was sent and not answered in time: unlike any
 * other failure (a command refused before it was sent, or answered with an error), the store may still run
 * it when it catches up. {@link ResilientStateStore} tells the two apart for in-flight slots: a reservation
 * that timed out may hold a slot there, one that failed otherwise does not.
 */
public final class StoreTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
