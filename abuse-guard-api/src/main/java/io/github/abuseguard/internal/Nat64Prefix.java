package io.github.abuseguard.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An IPv6 prefix behind which a stateless translator (SIIT, NAT64) writes IPv4 clients: an address in it stands
 * for the IPv4 address it embeds at the RFC 6052 bit positions. The prefix is 32, 40, 48, 56, 64 or 96 bits
 * long; the 32 IPv4 bits follow it, skipping bits 64–71 (the "u" octet), so a /96 holds them in its last 32
 * bits and a /40 in bits 40–63 and 72–79. The u octet and the suffix after the IPv4 bits are not checked: every
 * address in the prefix is the translator's to write.
 *
 * <p>Matching is two {@code long} comparisons, no allocation; only a match allocates its four bytes.
 */
public final class Nat64Prefix {

    /** The prefix lengths RFC 6052 section 2.2 defines. */
    static final List<Integer> LENGTHS = List.of(32, 40, 48, 56, 64, 96);

    /** The RFC 6052 well-known prefix {@code 64:ff9b::/96}, which only global IPv4 addresses use. */
    public static final Nat64Prefix WELL_KNOWN = parse("64:ff9b::/96");

    /**
     * The RFC 2765 / RFC 6145 IPv4-translated addresses {@code ::ffff:0:a.b.c.d}, that is the prefix
     * {@code ::ffff:0:0:0/96} (not the IPv4-mapped {@code ::ffff:a.b.c.d}, which is parsed as IPv4 already).
     */
    public static final Nat64Prefix IPV4_TRANSLATED = parse("0:0:0:0:ffff:0:0:0/96");

    /** The prefixes every resolver knows without being told. */
    public static final List<Nat64Prefix> WELL_KNOWN_PREFIXES = List.of(WELL_KNOWN, IPV4_TRANSLATED);

    private final byte[] network;
    private final long high;
    private final long low;
    private final long highMask;
    private final long lowMask;
    private final int length;
    private final String text;

    private Nat64Prefix(byte[] network, int length, String text) {
        this.network = network;
        this.high = longAt(network, 0);
        this.low = longAt(network, 8);
        this.length = length;
        this.highMask = length >= 64 ? -1L : -1L << (64 - length);
        this.lowMask = length > 64 ? -1L << (128 - length) : 0L;
        this.text = text;
    }

    /**
     * Parses a prefix such as {@code 2001:db8:64::/96}.
     *
     * @throws IllegalArgumentException if the text is no IPv6 network, its length is not one of RFC 6052's
     *     (32, 40, 48, 56, 64, 96), or the address has bits set past the length
     */
    public static Nat64Prefix parse(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        String trimmed = prefix.strip();
        int slash = trimmed.indexOf('/');
        String addressText = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] address = addressText.indexOf(':') < 0 ? null : IpAddresses.parseIpv6(addressText);
        if (address == null || address.length != 16) {
            throw new IllegalArgumentException("'" + prefix + "' is not an IPv6 prefix such as 2001:db8:64::/96"
                    + " (an IPv4-mapped ::ffff:a.b.c.d is an IPv4 address already)");
        }
        if (slash < 0) {
            throw new IllegalArgumentException("'" + prefix + "' has no prefix length: write it as " + addressText
                    + "/96 (or /32, /40, /48, /56, /64)");
        }
        int length;
        try {
            length = Integer.parseInt(trimmed, slash + 1, trimmed.length(), 10);
        } catch (NumberFormatException notANumber) {
            throw new IllegalArgumentException("'" + prefix + "' has a malformed prefix length");
        }
        if (!LENGTHS.contains(length)) {
            throw new IllegalArgumentException("'" + prefix + "' is a /" + length
                    + ": an RFC 6052 translation prefix is a /32, /40, /48, /56, /64 or /96");
        }
        byte[] network = IpAddresses.mask(address, length);
        if (!Arrays.equals(network, address)) {
            throw new IllegalArgumentException("'" + prefix + "' has bits set past its /" + length + " (the prefix is "
                    + IpAddresses.format(network) + "/" + length + ")");
        }
        return new Nat64Prefix(network, length, trimmed);
    }

    /** The first 8 (at 0) or last 8 (at 8) bytes of an IPv6 address as a long. */
    static long longAt(byte[] address, int at) {
        long value = 0;
        for (int i = at; i < at + 8; i++) {
            value = value << 8 | (address[i] & 0xff);
        }
        return value;
    }

    /** Whether the IPv6 address whose halves are {@code high} and {@code low} lies in this prefix. */
    boolean contains(long high, long low) {
        return (high & highMask) == this.high && (low & lowMask) == this.low;
    }

    /** The IPv4 address at this prefix's RFC 6052 positions of a 16-byte address: after the prefix, skipping byte 8. */
    byte[] ipv4Of(byte[] address) {
        byte[] ipv4 = new byte[4];
        int from = length / 8;
        for (int i = 0; i < 4; i++, from++) {
            if (from == 8) {
                from++; // the u octet, bits 64-71
            }
            ipv4[i] = address[from];
        }
        return ipv4;
    }

    /**
     * The IPv4 address a 16-byte address embeds when it lies in one of {@code prefixes}, else {@code null}; 4-byte
     * addresses are {@code null} at once, without a look at the prefixes.
     */
    public static byte @Nullable [] embeddedIpv4(List<Nat64Prefix> prefixes, byte[] address) {
        if (address.length != 16) {
            return null;
        }
        long high = longAt(address, 0);
        long low = longAt(address, 8);
        for (int i = 0; i < prefixes.size(); i++) {
            Nat64Prefix prefix = prefixes.get(i);
            if (prefix.contains(high, low)) {
                return prefix.ipv4Of(address);
            }
        }
        return null;
    }

    /** The prefix length: 32, 40, 48, 56, 64 or 96. */
    public int length() {
        return length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Nat64Prefix prefix
                && prefix.high == high
                && prefix.low == low
                && prefix.length == length;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(high) * 31 + Long.hashCode(low) * 7 + length;
    }

    /**
     * How many bits of the embedded IPv4 address an IPv6 block fixes where it lies under this prefix: 0 for a block
     * holding the whole prefix (every IPv4 address the translator writes), 32 for one address; -1 for a block that
     * neither holds this prefix nor lies under it. A trusted proxy block must be judged by that, not by its IPv6 width
     * (probe77b F1: a trusted {@code 64:ff9b::/96} believed every IPv4 client's forwarded header).
     */
    public int ipv4BitsFixedBy(byte[] block, int blockLength) {
        if (block.length != 16) {
            return -1;
        }
        int common = Math.min(blockLength, length);
        if (!Arrays.equals(IpAddresses.mask(block, common), IpAddresses.mask(network, common))) {
            return -1;
        }
        int bits = 0;
        for (int bit = length; bit < blockLength && bits < 32; bit++) {
            if (bit < 64 || bit >= 72) { // the u octet holds none
                bits++;
            }
        }
        return bits;
    }

    @Override
    public String toString() {
        return text;
    }
}
