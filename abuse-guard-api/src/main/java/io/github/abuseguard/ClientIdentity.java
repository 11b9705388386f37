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
 */
public record ClientIdentity(String address, String key, boolean viaTrustedProxy) {

    public ClientIdentity {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(key, "key");
    }

    /** A client that connected directly, not through a trusted proxy. */
    public ClientIdentity(String address, String key) {
        this(address, key, false);
    }

    /** An identity whose key is its address. */
    public static ClientIdentity of(String address) {
        return new ClientIdentity(address, address);
    }

    /** This identity, marked as having come through a trusted proxy. */
    public ClientIdentity behindTrustedProxy() {
        return viaTrustedProxy ? this : new ClientIdentity(address, key, true);
    }
}
