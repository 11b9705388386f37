package io.github.abuseguard;

import java.util.Objects;

/**
 * Who sent a request, as far as the network can tell: the client's address, and the key that
 * groups it with the addresses that belong to the same client (an IPv6 client's whole /64, by
 * default). Built by {@link io.github.abuseguard.identity.ClientResolver}, which trusts forwarded
 * headers only from configured proxies.
 *
 * @param address the client address in canonical form, such as {@code 203.0.113.7} or {@code 2001:db8::1}
 * @param key the key that buckets, counters and bans use, such as {@code 203.0.113.7} or {@code 2001:db8:0:1::/64}
 * @param viaTrustedProxy whether the connection came from one of the configured trusted proxies, so
 *     that forwarding headers on the request are expected rather than a trace of someone else's proxy
 * @param trustedAddress whether the address itself is one of the trusted proxies (the request comes from your own
 *     infrastructure, or its forwarding could not be read past a trusted hop), so that the marks a CDN writes on the
 *     way to it are your own CDN's; {@code false} for a client a trusted proxy forwarded from an untrusted address,
 *     whose CDN marks were written before the request reached your proxies (probe59d F1)
 */
public record ClientIdentity(String address, String key, boolean viaTrustedProxy, boolean trustedAddress) {

    public ClientIdentity {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(key, "key");
    }

    /**
     * A client that came through a trusted proxy ({@code viaTrustedProxy}) whose address is taken to be trusted too,
     * as before {@link #trustedAddress()} was known apart.
     */
    public ClientIdentity(String address, String key, boolean viaTrustedProxy) {
        this(address, key, viaTrustedProxy, viaTrustedProxy);
    }

    /** A client that connected directly, not through a trusted proxy. */
    public ClientIdentity(String address, String key) {
        this(address, key, false, false);
    }

    /** An identity whose key is its address. */
    public static ClientIdentity of(String address) {
        return new ClientIdentity(address, address);
    }

    /** This identity, marked as a trusted proxy's own address that connected or was forwarded by one. */
    public ClientIdentity behindTrustedProxy() {
        return viaTrustedProxy && trustedAddress ? this : new ClientIdentity(address, key, true, true);
    }

    /** This identity, marked as an untrusted address that a trusted proxy forwarded the request from. */
    public ClientIdentity forwardedByTrustedProxy() {
        return viaTrustedProxy && !trustedAddress ? this : new ClientIdentity(address, key, true, false);
    }
}
