package io.github.abuseguard.store;

/** Thrown by a {@link StateStore} whose backend cannot answer in time. */
public class StoreUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
