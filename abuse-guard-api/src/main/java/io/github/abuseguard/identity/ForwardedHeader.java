package io.github.abuseguard.identity;

/**
 * Which header a trusted proxy writes the client address into. Only that one is read: a proxy that
 * writes {@code X-Forwarded-For} passes a client-sent {@code Forwarded} through untouched, so reading
 * both would let clients choose their own address.
 */
public enum ForwardedHeader {
    /** {@code X-Forwarded-For: client, proxy1, proxy2}, the de-facto standard. */
    X_FORWARDED_FOR("X-Forwarded-For"),
    /** {@code Forwarded: for=client;proto=https, for="[2001:db8::1]:443"} (RFC 7239). */
    FORWARDED("Forwarded");

    private final String headerName;

    ForwardedHeader(String headerName) {
        this.headerName = headerName;
    }

    /** The HTTP header name. */
    public String headerName() {
        return headerName;
    }
}
