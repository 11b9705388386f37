package io.github.abuseguard.identity;

import io.github.abuseguard.ClientIdentity;
import io.github.abuseguard.KeyResolver;
import io.github.abuseguard.config.EngineSettings;
import io.github.abuseguard.internal.IpAddresses;
import io.github.abuseguard.internal.IpRange;
import io.github.abuseguard.internal.Nat64Prefix;
import io.github.abuseguard.internal.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Decides who the client of a request is.
 *
 * <p>The peer address of the connection is the client, unless the peer is one of the configured
 * trusted proxies. Only then is the configured forwarded header read, from the right: hops that are
 * trusted proxies are skipped and the first one that is not is the client. A hop that is not an IP
 * address ({@code unknown}, an obfuscated {@code _id}, garbage) ends the walk and the peer stays the
 * client: a client-chosen string never becomes an identity. With no trusted proxy configured, which is
 * the default, forwarded headers are never read.
 *
 * <p>IPv4-mapped IPv6 addresses are their IPv4 addresses. IPv6 clients are keyed by their prefix, /64
 * by default, because one subscriber usually holds a whole /64 and could otherwise rotate through it.
 * An IPv6 address that embeds the IPv4 address of its host (6to4, Teredo, IPv4-compatible) is keyed by
 * that IPv4 address, since one such host holds the whole IPv6 network behind it.
 *
 * <p>An IPv6 address a stateless translator (SIIT, NAT64) wrote for an IPv4 client is that IPv4 address, for
 * its key, its network, the IP lists and the trusted proxies alike, as an IPv4-mapped address is: one under the
 * RFC 6052 well-known prefix {@code 64:ff9b::/96}, an RFC 2765 IPv4-translated {@code ::ffff:0:a.b.c.d}, and one
 * under an operator's own prefix ({@link Builder#nat64Prefixes(List)}). Keyed by its /64 instead, every IPv4
 * client behind the translator would be one client.
 */
public final class ClientResolver {

    private final List<IpRange> trustedProxies;

    /**
     * The trusted proxies a translated peer is matched against in its IPv6 form as written: those that do not hold a
     * whole translation prefix or an IPv4 /7 of it (probe77b F1: a trusted {@code 64:ff9b::/96} believed every IPv4
     * client's forwarded header). A translated peer is trusted by its IPv4 address against every block.
     */
    private final List<IpRange> writtenTrustedProxies;

    private final ForwardedHeader forwardedHeader;
    private final int ipv6PrefixLength;
    private final int maxHops;

    /** The well-known translation prefixes and the configured ones, in that order. */
    private final List<Nat64Prefix> nat64Prefixes;

    /** The configured translation prefixes as written. */
    private final List<String> configuredNat64Prefixes;

    /** Slots of {@link #recentPeers}: a power of two. */
    static final int RECENT_PEERS = 256;

    /**
     * The identities of recently seen directly connected IPv4 peers, a slot per hash of the address: a
     * client's keep-alive requests, and its next connections, then share one identity instead of building
     * an equal one per request. A slot holds the last address that hashed to it, so the table never holds
     * more than {@value #RECENT_PEERS} identities however many addresses a client rotates through; a miss
     * only costs the identity it would have cost anyway. Read and written without a lock: an identity is
     * immutable (final fields), so a racy read sees either a whole identity or none, and the address is
     * compared before one is used.
     */
    private final ClientIdentity[] recentPeers = new ClientIdentity[RECENT_PEERS];

    private ClientResolver(Builder builder) {
        this.trustedProxies = List.copyOf(builder.trustedProxies);
        this.forwardedHeader = builder.forwardedHeader;
        this.ipv6PrefixLength = builder.ipv6PrefixLength;
        this.maxHops = builder.maxHops;
        List<Nat64Prefix> prefixes = new ArrayList<>(Nat64Prefix.WELL_KNOWN_PREFIXES);
        prefixes.addAll(builder.nat64Prefixes);
        // the longest prefix first, so one inside another (a /96 in a /32) is read at its own positions
        prefixes.sort(java.util.Comparator.comparingInt(Nat64Prefix::length).reversed());
        this.nat64Prefixes = List.copyOf(prefixes);
        this.configuredNat64Prefixes =
                builder.nat64Prefixes.stream().map(Nat64Prefix::toString).toList();
        this.writtenTrustedProxies = trustedProxies.stream()
                .filter(range -> !range.spansPublicSpace() && !range.holdsTranslatedClients(nat64Prefixes))
                .toList();
    }

    /** Starts a resolver that trusts no proxy and keys IPv6 clients by /64. */
    public static Builder builder() {
        return new Builder();
    }

    /** A resolver that trusts no proxy: the peer address is always the client. */
    public static ClientResolver peerOnly() {
        return builder().build();
    }

    /**
     * Resolves the client of a request.
     *
     * @param peerAddress the address of the connection's peer, as the container reports it
     * @param headerValues returns every value of a header, in order, across repeated lines; consulted
     *     only when the peer is a trusted proxy
     */
    public ClientIdentity resolve(String peerAddress, Function<String, List<String>> headerValues) {
        if (trustedProxies.isEmpty() && peerAddress != null) {
            // a peer seen before is answered before its address is checked: the table holds only
            // identities of canonical IPv4 addresses, so an address equal to a kept one is one too
            ClientIdentity recent = recentPeers[peerAddress.hashCode() & (RECENT_PEERS - 1)];
            if (recent != null && recent.address().equals(peerAddress)) {
                return recent;
            }
            if (IpAddresses.isCanonicalIpv4(peerAddress)) {
                return directIpv4(peerAddress);
            }
        }
        byte[] written = IpAddresses.parse(unbracketed(peerAddress));
        if (written == null) {
            // text that is no address, which a container may answer (Tomcat's RemoteIpValve copies a believed peer's
            // X-Forwarded-For hop without checking it): bounded as every key is (probe84b F1: a 6,000-character hop
            // was a 6,000-character key in every store)
            return ClientIdentity.of(peerAddress == null ? "unknown" : KeyResolver.bounded(peerAddress));
        }
        byte[] peer = translated(written);
        if (trustedProxies.isEmpty() || !isTrusted(written, peer)) {
            return identity(peerAddress, peer);
        }
        List<String> lines = headerValues.apply(forwardedHeader.headerName());
        if (lines == null || lines.isEmpty()) {
            return identity(peerAddress, peer).behindTrustedProxy();
        }
        List<String> hops = hopsFromTheRight(lines);
        byte[] leftmostTrusted = peer;
        for (String hop : hops) {
            byte[] hopWritten = parseHop(hop);
            if (hopWritten == null) {
                return identity(peerAddress, peer).behindTrustedProxy();
            }
            byte[] address = translated(hopWritten);
            if (!isTrusted(hopWritten, address)) {
                return identity(null, address).forwardedByTrustedProxy();
            }
            leftmostTrusted = address;
        }
        if (hops.size() >= maxHops) {
            return identity(peerAddress, peer).behindTrustedProxy();
        }
        return identity(null, leftmostTrusted).behindTrustedProxy();
    }

    /** The identity of a directly connected peer whose canonical IPv4 address is {@code peerAddress}, not in the table: kept there. */
    private ClientIdentity directIpv4(String peerAddress) {
        int slot = peerAddress.hashCode() & (RECENT_PEERS - 1);
        ClientIdentity identity = ClientIdentity.of(peerAddress);
        recentPeers[slot] = identity;
        return identity;
    }

    /**
     * The IPv4 address an IPv6 address under a translation prefix stands for, else the address itself; an IPv4
     * address is returned at once.
     */
    private byte[] translated(byte[] address) {
        byte[] ipv4 = Nat64Prefix.embeddedIpv4(nat64Prefixes, address);
        return ipv4 == null ? address : ipv4;
    }

    /** The configured translation prefixes (the well-known ones are always known and not listed). */
    public List<String> nat64Prefixes() {
        return configuredNat64Prefixes;
    }

    /** The number of bits of an IPv6 address that form a client's key. */
    public int ipv6PrefixLength() {
        return ipv6PrefixLength;
    }

    /** Whether any proxy is trusted, so forwarded headers are read at all; free to ask per request. */
    public boolean trustsProxies() {
        return !trustedProxies.isEmpty();
    }

    /** The configured trusted proxies. */
    public List<String> trustedProxies() {
        return trustedProxies.stream().map(IpRange::toString).toList();
    }

    public ForwardedHeader forwardedHeader() {
        return forwardedHeader;
    }

    /**
     * The client key an operator means by {@code text}: an IP address as an access log, a {@code Forwarded}
     * header or a copy-paste shows it ({@code 2001:db8::7}, {@code ::1}, {@code [2001:db8::7]:443}, {@code
     * 198.51.100.7:443}, {@code 198.51.100.7/32}, with white space at its edges) becomes the key its requests
     * are counted under (an IPv6 address's prefix, such as {@code 2001:db8:0:0:0:0:0:0/64}); an IPv6 network of
     * the key's prefix length is written as keys are; any other text (a user name key, a session) is returned
     * as it is.
     *
     * @throws IllegalArgumentException if {@code text} is an address with a port that is not a number, or a
     *     network no client key is (such as {@code 198.51.100.0/24}): no request would count under it
     */
    public String keyOf(String text) {
        String address = text.strip();
        String port = "";
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            if (close < 0) {
                return text;
            }
            port = address.substring(close + 1);
            address = address.substring(1, close);
        } else if (address.indexOf(':') == address.lastIndexOf(':') && address.indexOf(':') > 0) {
            int colon = address.indexOf(':'); // one colon: an IPv4 address and its port
            port = address.substring(colon);
            address = address.substring(0, colon);
        }
        int slash = address.indexOf('/');
        byte[] written = IpAddresses.parse(slash < 0 ? address : address.substring(0, slash));
        if (written == null) {
            return text;
        }
        byte[] bytes = translated(written);
        if (!port.isEmpty() && (slash >= 0 || !port.matches(":[0-9]{1,5}"))) {
            throw notAClientKey(text);
        }
        if (slash < 0) {
            return identity(address, bytes).key();
        }
        int length;
        try {
            length = Integer.parseInt(address, slash + 1, address.length(), 10);
        } catch (NumberFormatException notAPrefix) {
            throw notAClientKey(text);
        }
        if (length == written.length * 8) {
            return identity(address.substring(0, slash), bytes).key(); // a network of one host
        }
        if (bytes.length == 16 && length == ipv6PrefixLength) {
            byte[] network = IpAddresses.mask(bytes, length);
            if (IpAddresses.embeddedIpv4(network) == null) {
                return IpAddresses.format(network) + "/" + length;
            }
            // a network of addresses that embed an IPv4 host is counted under that host (probe77b F3: a ban of a 6to4
            // /64 named a key no request has): a 6to4 network's host is in its first 48 bits; a Teredo or translated
            // network spans many hosts, and is no one client
            if (network[0] == 0x20 && network[1] == 0x02 && length >= 48) {
                return IpAddresses.format(java.util.Arrays.copyOfRange(network, 2, 6));
            }
        }
        throw notAClientKey(text);
    }

    /**
     * The client key of an address as {@link #keyOf} reads it, for what must name a client, such as a ban on
     * client keys.
     *
     * @throws IllegalArgumentException if {@code text} is no address or client network: naming the accepted forms
     */
    public String clientKeyOf(String text) {
        String key = keyOf(text);
        if (!isClientKey(key)) {
            throw notAClientKey(text);
        }
        return key;
    }

    /** Whether {@code key}, as {@link #keyOf} answers it, is a client's address key, not some other text. */
    public boolean isClientKey(String key) {
        int slash = key.indexOf('/');
        return IpAddresses.parse(slash < 0 ? key : key.substring(0, slash)) != null;
    }

    private IllegalArgumentException notAClientKey(String text) {
        return new IllegalArgumentException("'" + text.strip() + "' is no client key: give an address as a log shows it"
                + " (198.51.100.7, 198.51.100.7:443, 2001:db8::7, [2001:db8::7]:443) or an IPv6 /"
                + ipv6PrefixLength + " (2001:db8:1:2::/" + ipv6PrefixLength + ")");
    }

    /**
     * Whether a proxy is trusted by the address it stands for ({@code address}, an IPv4 address for a translated
     * one) or by the address as written, so a trusted proxy listed in its translated IPv6 form is still trusted.
     */
    private boolean isTrusted(byte[] written, byte[] address) {
        return isTrusted(trustedProxies, address) || (written != address && isTrusted(writtenTrustedProxies, written));
    }

    private static boolean isTrusted(List<IpRange> ranges, byte[] address) {
        for (IpRange range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private ClientIdentity identity(String text, byte[] address) {
        if (address.length == 4) {
            String canonical = IpAddresses.format(address);
            return ClientIdentity.of(canonical.equals(text) ? text : canonical);
        }
        String full = IpAddresses.format(address);
        byte[] embedded = IpAddresses.embeddedIpv4(address);
        if (embedded != null) {
            return new ClientIdentity(full, IpAddresses.format(embedded));
        }
        if (ipv6PrefixLength == 128) {
            return ClientIdentity.of(full);
        }
        String key = IpAddresses.format(IpAddresses.mask(address, ipv6PrefixLength)) + "/" + ipv6PrefixLength;
        return new ClientIdentity(full, key);
    }

    /** The hop values, rightmost first, at most {@link #maxHops} of them. */
    private List<String> hopsFromTheRight(List<String> lines) {
        List<String> hops = new ArrayList<>(4);
        for (int line = lines.size() - 1; line >= 0 && hops.size() < maxHops; line--) {
            String value = lines.get(line);
            if (value == null) {
                continue;
            }
            int end = value.length();
            while (end >= 0 && hops.size() < maxHops) {
                int comma = lastTopLevelComma(value, end);
                String element = withoutOws(value.substring(comma + 1, end));
                if (!element.isEmpty()) {
                    hops.add(forwardedHeader == ForwardedHeader.FORWARDED ? forNode(element) : element);
                }
                end = comma;
            }
        }
        return hops;
    }

    private static int lastTopLevelComma(String value, int end) {
        boolean quoted = false;
        for (int i = end - 1; i >= 0; i--) {
            char c = value.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    /** The {@code for} node of one RFC 7239 element, or {@code ""} when it has none. */
    private static String forNode(String element) {
        int start = 0;
        while (start < element.length()) {
            int semicolon = element.indexOf(';', start);
            int end = semicolon < 0 ? element.length() : semicolon;
            String pair = withoutOws(element.substring(start, end));
            int equals = pair.indexOf('=');
            if (equals > 0 && withoutOws(pair.substring(0, equals)).equalsIgnoreCase("for")) {
                String node = withoutOws(pair.substring(equals + 1));
                if (node.length() >= 2 && node.startsWith("\"") && node.endsWith("\"")) {
                    node = node.substring(1, node.length() - 1);
                }
                return node;
            }
            start = end + 1;
        }
        return "";
    }

    /**
     * Strips RFC 9110 optional whitespace, spaces and tabs, and nothing else: {@link String#trim()}
     * would also strip control characters, so {@code \u001c10.0.0.3} would pass for an address.
     */
    private static String withoutOws(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && (text.charAt(start) == ' ' || text.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (text.charAt(end - 1) == ' ' || text.charAt(end - 1) == '\t')) {
            end--;
        }
        return text.substring(start, end);
    }

    /**
     * A peer address without the brackets a container may write an IPv6 address in: Jetty 12 answers {@code
     * getRemoteAddr()} as {@code [2001:db8::1]} (probe50b F1: read as no address, each IPv6 client was keyed by its
     * whole address, IPv6 trusted proxies and IP lists matched nothing).
     */
    private static @Nullable String unbracketed(@Nullable String peerAddress) {
        if (peerAddress != null
                && peerAddress.length() > 2
                && peerAddress.charAt(0) == '['
                && peerAddress.charAt(peerAddress.length() - 1) == ']') {
            return peerAddress.substring(1, peerAddress.length() - 1);
        }
        return peerAddress;
    }

    /** The address of a node such as {@code 192.0.2.1}, {@code 192.0.2.1:80}, {@code [2001:db8::1]:80}; else {@code null}. */
    private static byte @Nullable [] parseHop(String node) {
        if (node.startsWith("[")) {
            int close = node.indexOf(']');
            if (close < 0 || (close + 1 < node.length() && !isPort(node, close + 1))) {
                return null;
            }
            byte[] address = IpAddresses.parse(node.substring(1, close));
            return address;
        }
        int colon = node.indexOf(':');
        if (colon > 0 && colon == node.lastIndexOf(':')) {
            return isPort(node, colon) ? IpAddresses.parseIpv4(node, 0, colon) : null;
        }
        return IpAddresses.parse(node);
    }

    private static boolean isPort(String node, int colon) {
        if (colon >= node.length() - 1 || node.charAt(colon) != ':' || node.length() - colon > 6) {
            return false;
        }
        for (int i = colon + 1; i < node.length(); i++) {
            char c = node.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** Builds a {@link ClientResolver}. */
    public static final class Builder {
        private final List<IpRange> trustedProxies = new ArrayList<>();
        private ForwardedHeader forwardedHeader =
                Settings.constant(ForwardedHeader.class, EngineSettings.Client.DEFAULT_FORWARDED_HEADER);
        private int ipv6PrefixLength = EngineSettings.Client.DEFAULT_IPV6_PREFIX_LENGTH;
        private int maxHops = 20;
        private final List<Nat64Prefix> nat64Prefixes = new ArrayList<>();

        private Builder() {}

        /**
         * Adds the IPv6 prefixes of the operator's own stateless translators (SIIT, NAT64), such as
         * {@code 2001:db8:64::/96} or the RFC 8215 local-use {@code 64:ff9b:1::/48} block's prefix in use: an
         * address under one is the IPv4 address it embeds at the RFC 6052 bit positions. The well-known
         * {@code 64:ff9b::/96} and the IPv4-translated {@code ::ffff:0:0:0/96} are known without being added.
         *
         * @throws IllegalArgumentException if a value is not an IPv6 prefix of length 32, 40, 48, 56, 64 or 96
         *     without bits set past its length
         */
        public Builder nat64Prefixes(List<String> prefixes) {
            for (String prefix : prefixes) {
                nat64Prefixes.add(Nat64Prefix.parse(prefix));
            }
            return this;
        }

        /** @see #nat64Prefixes(List) */
        public Builder nat64Prefixes(String... prefixes) {
            return nat64Prefixes(List.of(prefixes));
        }

        /**
         * Adds proxies whose forwarded header is believed, as CIDR blocks or single addresses. None by
         * default.
         *
         * @throws IllegalArgumentException if a value is not a CIDR block or address
         */
        public Builder trustedProxies(List<String> cidrs) {
            for (String cidr : cidrs) {
                trustedProxies.add(IpRange.parse(cidr));
            }
            return this;
        }

        /** @see #trustedProxies(List) */
        public Builder trustedProxies(String... cidrs) {
            return trustedProxies(List.of(cidrs));
        }

        /** The header the trusted proxies write. Default {@link EngineSettings.Client#DEFAULT_FORWARDED_HEADER}. */
        public Builder forwardedHeader(ForwardedHeader forwardedHeader) {
            this.forwardedHeader = Objects.requireNonNull(forwardedHeader, "forwardedHeader");
            return this;
        }

        /** The shortest IPv6 prefix that keys a client: a carrier's allocation (RIRs allocate /32 and up). */
        public static final int MIN_IPV6_PREFIX_LENGTH = 32;

        /**
         * How many leading bits of an IPv6 address key a client. Default
         * {@value EngineSettings.Client#DEFAULT_IPV6_PREFIX_LENGTH}; 128 keys each address.
         *
         * @throws IllegalArgumentException if not between {@value #MIN_IPV6_PREFIX_LENGTH} and 128: a shorter prefix
         *     is a carrier's whole allocation or more, and would put its every subscriber under one limit (probe50b F5:
         *     8 was taken, a /8 of IPv6 clients one client)
         */
        public Builder ipv6PrefixLength(int bits) {
            if (bits < MIN_IPV6_PREFIX_LENGTH || bits > 128) {
                throw new IllegalArgumentException("ipv6PrefixLength must be between " + MIN_IPV6_PREFIX_LENGTH
                        + " (a carrier's allocation) and 128, was " + bits);
            }
            this.ipv6PrefixLength = bits;
            return this;
        }

        /**
         * How many hops of the forwarded header are read, from the right. Default 20; a chain of trusted
         * proxies longer than that leaves the peer as the client.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxHops(int maxHops) {
            if (maxHops < 1) {
                throw new IllegalArgumentException("maxHops must be positive, was " + maxHops);
            }
            this.maxHops = maxHops;
            return this;
        }

        public ClientResolver build() {
            return new ClientResolver(this);
        }
    }
}
