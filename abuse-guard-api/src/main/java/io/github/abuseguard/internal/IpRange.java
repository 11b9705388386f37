package io.github.abuseguard.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A CIDR block such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare address is a block of
 * one. IPv4 blocks never contain IPv6 addresses and the other way round, except that IPv4-mapped
 * IPv6 addresses are IPv4 addresses.
 */
public final class IpRange {
    private final byte[] network;
    private final int prefixLength;
    private final String text;
    /** An IPv4 block's network as an int and the mask of its prefix, for matching without parsing to bytes. */
    private final int ipv4Network;

    private final int ipv4Mask;

    /** Whether the address as written had bits set past the prefix, which masking dropped. */
    private final boolean hostBits;

    /** Whether an entry names this block besides the one written: the IPv4 host or block its IPv6 form embeds. */
    private final boolean alsoNamed;

    private IpRange(byte[] network, int prefixLength, String text, boolean hostBits) {
        this(network, prefixLength, text, hostBits, false);
    }

    private IpRange(byte[] network, int prefixLength, String text, boolean hostBits, boolean alsoNamed) {
        this.alsoNamed = alsoNamed;
        this.network = network;
        this.hostBits = hostBits;
        this.prefixLength = prefixLength;
        this.text = text;
        this.ipv4Network = network.length == 4 ? IpAddresses.ipv4ToInt(network) : 0;
        this.ipv4Mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    /**
     * Parses a CIDR block or a single address.
     *
     * @throws IllegalArgumentException if the text is not an IP literal with an optional prefix length
     *     in range for its family
     */
    public static IpRange parse(String cidr) {
        Objects.requireNonNull(cidr, "cidr");
        String trimmed = cidr.trim();
        int slash = trimmed.indexOf('/');
        String addressText = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] address = IpAddresses.parse(addressText);
        if (address == null) {
            throw new IllegalArgumentException("'" + cidr + "' is not an IP address or CIDR block");
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + cidr + "' has a malformed prefix length");
            }
            if (address.length == 4 && addressText.indexOf(':') >= 0 && prefix >= 96) {
                prefix -= 96; // ::ffff:10.0.0.0/104 is 10.0.0.0/8
            }
        }
        // A translated IPv4 client (64:ff9b::/96, ::ffff:0:0:0/96) is its IPv4 address to every guard, so an
        // address or a block inside one translated prefix written in that form is the IPv4 address or block
        // (review16 F2: a deny entry 64:ff9b::c633:6407/128 stopped denying once the client became
        // 198.51.100.7). A whole prefix (/96 or wider) stays as written: as IPv4 it would be every IPv4 client,
        // native ones included (a trusted 64:ff9b::/96 would trust them all).
        byte[] translated = address.length == 16 && (slash < 0 || prefix > 96)
                ? Nat64Prefix.embeddedIpv4(Nat64Prefix.WELL_KNOWN_PREFIXES, address)
                : null;
        if (translated != null) {
            address = translated;
            bits = 32;
            prefix = slash < 0 ? 32 : prefix - 96;
        }
        if (slash >= 0) {
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("'" + cidr + "' has a prefix length outside 0.." + bits);
            }
        }
        byte[] network = IpAddresses.mask(address, prefix);
        return new IpRange(network, prefix, trimmed, !Arrays.equals(network, address));
    }

    /**
     * An IP list's entry: the block as written and, where it names IPv4 hosts in an IPv6 form that embeds them (a
     * 6to4 block of {@code /24} or longer, a single Teredo address, an IPv4-compatible {@code ::a.b.c.d} or such a
     * block of {@code /104} or longer), that host or block too ({@link #isAlsoNamed}). A client on such an address is
     * keyed by the host and the lists match it by the host, so the entry is the host's (probe70a F1: a deny entry
     * {@code 2002:c633:6408::/48} denied the 6to4 address and let {@code 198.51.100.8} itself through; review120 F5:
     * the 6to4 block {@code 2002:c633:6400::/40} is {@code 198.51.100.0/24}). Wider blocks stay as written:
     * {@code 2002::/16} as IPv4 would be every IPv4 client, as any block wider than an IPv4 /8.
     *
     * @throws IllegalArgumentException as {@link #parse}
     */
    public static List<IpRange> listEntry(String cidr) {
        return listEntry(cidr, List.of());
    }

    /**
     * As {@link #listEntry(String)}, where the operator's own translation prefixes ({@code client.nat64-prefixes})
     * make a client in one of them its IPv4 address: an address in one, or a block in one that fixes at least an IPv4
     * {@code /8} (the address's bits laid out as RFC 6052 does for the prefix's length), names that IPv4 address or
     * block, as {@link #parse} makes of one in the well-known prefixes (review120
     * F1: a deny entry {@code 2001:db8:64::198.51.100.66} never matched the client the resolver made
     * {@code 198.51.100.66}). A whole prefix, or a block in it wider than an IPv4 /8, stays as written.
     *
     * @throws IllegalArgumentException as {@link #parse}
     */
    public static List<IpRange> listEntry(String cidr, List<Nat64Prefix> translating) {
        IpRange range = parse(cidr);
        if (range.network.length == 16 && !translating.isEmpty()) {
            for (Nat64Prefix prefix : translating) {
                boolean host = range.prefixLength == 128;
                int ipv4Prefix = host ? 32 : ipv4BitsWithin(prefix.length(), range.prefixLength);
                if (range.prefixLength < prefix.length() || ipv4Prefix < NARROWEST_BROAD_IPV4_PREFIX) {
                    continue; // the prefix itself, or a block as wide as an IPv4 /8 or wider: as written
                }
                byte[] ipv4 = Nat64Prefix.embeddedIpv4(List.of(prefix), range.network);
                if (ipv4 != null) {
                    return List.of(
                            new IpRange(IpAddresses.mask(ipv4, ipv4Prefix), ipv4Prefix, range.text, range.hostBits));
                }
            }
        }
        if (range.network.length != 16) {
            return List.of(range);
        }
        byte[] address = range.network;
        boolean sixToFour = address[0] == 0x20 && address[1] == 0x02;
        boolean teredo = address[0] == 0x20 && address[1] == 0x01 && address[2] == 0 && address[3] == 0;
        int prefix = range.prefixLength;
        // an IPv4-compatible block at least an IPv4 /8: ::16.0.0.0/100 as IPv4 would be a sixteenth of all addresses
        boolean host = sixToFour
                ? prefix >= 16 + NARROWEST_BROAD_IPV4_PREFIX
                : teredo ? prefix == 128 : prefix >= 96 + NARROWEST_BROAD_IPV4_PREFIX;
        byte[] embedded = host ? IpAddresses.embeddedIpv4(address) : null;
        if (embedded == null) {
            return List.of(range);
        }
        int ipv4Prefix = sixToFour ? Math.min(prefix - 16, 32) : teredo ? 32 : prefix - 96;
        byte[] network = IpAddresses.mask(embedded, ipv4Prefix);
        return List.of(range, new IpRange(network, ipv4Prefix, range.text, false, true));
    }

    /**
     * Whether an entry names this block besides the one written ({@link #listEntry}): a listing shows the entry once,
     * and a file's bound counts it once.
     */
    public boolean isAlsoNamed() {
        return alsoNamed;
    }

    /** How many of {@code ranges} were written as entries: those not {@linkplain #isAlsoNamed() also named}. */
    public static int entries(List<IpRange> ranges) {
        int written = 0;
        for (IpRange range : ranges) {
            if (!range.alsoNamed) {
                written++;
            }
        }
        return written;
    }

    /** Whether this block and {@code other} share an address: one of them holds the other's network. */
    public boolean overlaps(IpRange other) {
        return prefixLength <= other.prefixLength ? contains(other.network) : other.contains(network);
    }

    /** Whether every address of {@code other} lies in this block. */
    public boolean covers(IpRange other) {
        return prefixLength <= other.prefixLength && contains(other.network);
    }

    /** Whether the address bytes (4 or 16) lie in this block. */
    public boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[full] & mask) == (network[full] & 0xff);
    }

    /** The shortest IPv4 prefix that stays inside one /8, as every private or single-operator block does. */
    public static final int NARROWEST_BROAD_IPV4_PREFIX = 8;

    /**
     * How many leading bits of the embedded IPv4 address a block of {@code blockLength} bits fixes under a translation
     * prefix of {@code prefixLength} bits, as RFC 6052 lays the address out: after the prefix, skipping bits 64-71
     * (the u octet) for prefixes up to {@code /64} (review125 F6: a block of a {@code /64} prefix stayed an IPv6 block
     * no client is, the resolver making each its IPv4 address).
     */
    static int ipv4BitsWithin(int prefixLength, int blockLength) {
        int fixed = 0;
        for (int bit = 0; bit < 32; bit++) {
            int position = prefixLength + bit;
            if (prefixLength <= 64 && position >= 64) {
                position += 8;
            }
            if (position < blockLength) {
                fixed++;
            }
        }
        return fixed;
    }

    /**
     * The shortest IPv6 prefix taken for one operator's block: a /24 or longer (a CDN's widest published
     * blocks are /29 and /28); a regional registry gives whole regions of ISPs a /16 or a /20.
     */
    public static final int NARROWEST_BROAD_IPV6_PREFIX = 24;

    /**
     * Whether this block spans public address space wider than any one operator's proxies: an IPv4
     * prefix shorter than /8 ({@code 0.0.0.0/0}, {@code 64.0.0.0/2}), or an IPv6 prefix shorter than /24
     * ({@code ::/0}, {@code 2000::/3}, {@code 2a00::/16}) unless it lies in unique-local ({@code fc00::/7}) or link-local
     * ({@code fe80::/10}) space, which the Internet does not route; or an IPv6 block that holds a well-known
     * translation prefix ({@code 64:ff9b::/96}, {@code ::ffff:0:0:0/96}) or an IPv4 /7 of one (probe77b F1).
     */
    public boolean spansPublicSpace() {
        return spansPublicSpaceAsWritten() || spansPublicSpace(Nat64Prefix.WELL_KNOWN_PREFIXES) != null;
    }

    private boolean spansPublicSpaceAsWritten() {
        if (network.length == 4) {
            return prefixLength < NARROWEST_BROAD_IPV4_PREFIX;
        }
        if (prefixLength >= NARROWEST_BROAD_IPV6_PREFIX) {
            return false;
        }
        boolean uniqueLocal = prefixLength >= 7 && (network[0] & 0xfe) == 0xfc;
        boolean linkLocal = prefixLength >= 10 && (network[0] & 0xff) == 0xfe && (network[1] & 0xc0) == 0x80;
        return !uniqueLocal && !linkLocal;
    }

    /**
     * Whether this block spans public address space ({@link #spansPublicSpace()}), or, as an IPv6 block over one of the
     * {@code translations}, the IPv4 addresses it stands for do: a block holding a whole translation prefix, or an
     * IPv4 /7 or wider of it, is every (or half of every) IPv4 client the translator writes (probe77b F1).
     *
     * @return the translation prefix through which it spans public space, {@code ""} where it does so on its own, or
     *     {@code null} where it does not
     */
    public @Nullable String spansPublicSpace(List<Nat64Prefix> translations) {
        if (spansPublicSpaceAsWritten()) {
            return "";
        }
        if (network.length == 16) {
            for (Nat64Prefix translation : translations) {
                int bits = translation.ipv4BitsFixedBy(network, prefixLength);
                // a block wider than an operator's own prefix (fc00::/7 around fd00:64::/96) is its network, not the
                // translator's clients: the resolver never matches a translated peer's written form against it
                // (review137 F6); a well-known prefix is no one's network
                if (bits >= 0
                        && bits < NARROWEST_BROAD_IPV4_PREFIX
                        && (prefixLength >= translation.length()
                                || Nat64Prefix.WELL_KNOWN_PREFIXES.contains(translation))) {
                    return translation.toString();
                }
            }
        }
        return null;
    }

    /**
     * Whether this IPv6 block holds a whole translation prefix of {@code translations}, or an IPv4 /7 or wider of one:
     * the resolver never trusts a translated peer by its written form in such a block (probe77b F1), whether or not
     * start-up took it ({@link #spansPublicSpace(List)}: an operator's {@code fc00::/7} around its own prefix starts).
     */
    public boolean holdsTranslatedClients(List<Nat64Prefix> translations) {
        if (network.length != 16) {
            return false;
        }
        for (Nat64Prefix translation : translations) {
            int bits = translation.ipv4BitsFixedBy(network, prefixLength);
            if (bits >= 0 && bits < NARROWEST_BROAD_IPV4_PREFIX) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether this block holds as much public address space as one operator's widest block, or more: an IPv4
     * /8 or wider other than the private, loopback and "this network" ones ({@code 10.0.0.0/8},
     * {@code 127.0.0.0/8}, {@code 0.0.0.0/8}), or an IPv6 /24 or wider outside unique-local and link-local
     * space (nor the reserved {@code ::/8}, where loopback lies). One prefix length wider than {@link #spansPublicSpace()}, which must let a private /8 through: what
     * an allow list exempts is worth a warning at 16.7 million public addresses ({@code 203.0.113.5/8}).
     */
    public boolean holdsBroadPublicSpace() {
        if (spansPublicSpace()) {
            return true;
        }
        if (network.length == 4) {
            int first = network[0] & 0xff;
            return prefixLength == NARROWEST_BROAD_IPV4_PREFIX && first != 0 && first != 10 && first != 127;
        }
        int first = network[0] & 0xff;
        return prefixLength == NARROWEST_BROAD_IPV6_PREFIX && first != 0 && (first & 0xfe) != 0xfc && first != 0xfe;
    }

    /**
     * The block this one stands for when its address as written has bits set past the prefix, such as
     * {@code 203.0.0.0/8} for {@code 203.0.113.5/8}; {@code null} when it has none. Almost always a typo (a
     * {@code /28} that lost a digit, or one address written with its subnet's length), and the block is wider
     * than it reads: Python's {@code ipaddress} refuses it unless told otherwise (cfg24 F8).
     */
    public @Nullable String widenedBlock() {
        return hostBits ? IpAddresses.format(network) + "/" + prefixLength : null;
    }

    /** Whether an address literal lies in this block; {@code false} for anything that is not a literal. */
    public boolean contains(String address) {
        byte[] bytes = IpAddresses.parse(address);
        return bytes != null && contains(bytes);
    }

    /**
     * Whether any of the blocks holds the address literal; the address is parsed once, and a plain
     * dotted quad, every IPv4 peer's form, without allocating.
     */
    public static boolean anyContains(List<IpRange> ranges, String address) {
        if (ranges.isEmpty()) {
            return false;
        }
        if (address != null && IpAddresses.isCanonicalIpv4(address)) {
            int ipv4 = IpAddresses.canonicalIpv4ToInt(address);
            for (int i = 0; i < ranges.size(); i++) {
                IpRange range = ranges.get(i);
                if (range.network.length == 4 && ((ipv4 ^ range.ipv4Network) & range.ipv4Mask) == 0) {
                    return true;
                }
            }
            return false;
        }
        byte[] bytes = IpAddresses.parse(address);
        if (bytes == null) {
            return false;
        }
        for (int i = 0; i < ranges.size(); i++) {
            if (ranges.get(i).contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IpRange range
                && range.prefixLength == prefixLength
                && Arrays.equals(range.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public String toString() {
        return text;
    }
}
