package io.github.abuseguard.store;

/**
 * Thrown by a {@link StateStore} whose backend cannot answer in time. The engine answers the request
 * as the exception says: refused with 503 when {@link #failClosed()}, otherwise let through. Create one
 * with {@link #failingClosed} or {@link #failingOpen}, which name the answer.
 */
public final class StoreUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean failClosed;

    private StoreUnavailableException(String message, Throwable cause, boolean failClosed) {
        super(message, cause, true, false);
        this.failClosed = failClosed;
    }

    /** An outage under which requests that need the store are refused ({@link OutagePolicy#FAIL_CLOSED}). */
    public static StoreUnavailableException failingClosed(String message, Throwable cause) {
        return new StoreUnavailableException(message, cause, true);
    }

    /** An outage under which requests go on unchecked by the store ({@link OutagePolicy#FAIL_OPEN}). */
    public static StoreUnavailableException failingOpen(String message, Throwable cause) {
        return new StoreUnavailableException(message, cause, false);
    }

    /** Whether requests that need the store must be refused. */
    public boolean failClosed() {
        return failClosed;
    }
}
