package io.github.abuseguard.store;

/**
 * Thrown by a {@link StateStore} whose backend cannot answer in time. The engine answers the request
 * as the exception says: refused with 503 when {@link #failClosed()}, otherwise let through.
 */
public class StoreUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean failClosed;

    public StoreUnavailableException(String message, Throwable cause, boolean failClosed) {
        super(message, cause, true, false);
        this.failClosed = failClosed;
    }

    /** Whether requests that need the store must be refused. */
    public boolean failClosed() {
        return failClosed;
    }
}
