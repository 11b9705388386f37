package io.github.abuseguard.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Parses IP address literals strictly and without any resolver: a string that is not a literal yields
 * {@code null} and is never handed to {@link InetAddress#getByName}, which would look it up in DNS.
 * An IPv4-mapped IPv6 address becomes its IPv4 address.
 */
public final class IpAddresses {
    private static final int MAX_IPV6_LITERAL = 45;
    private static final int MAX_ZONE_ID = 32;

    private IpAddresses() {}

    /** The 4 or 16 address bytes of a literal, or {@code null}. */
    public static byte @Nullable [] parse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        byte[] v4 = parseIpv4(text, 0, text.length());
        if (v4 != null) {
            return v4;
        }
        return parseIpv6(text);
    }

    /** Whether the text is a dotted quad in canonical form (no leading zeros): the common peer address, checked without allocating. */
    public static boolean isCanonicalIpv4(String text) {
        int parts = 0;
        int digits = 0;
        int value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                if (digits > 0 && value == 0) {
                    return false;
                }
                value = value * 10 + (c - '0');
                if (++digits > 3 || value > 255) {
                    return false;
                }
            } else if (c == '.' && digits > 0 && parts < 3) {
                parts++;
                digits = 0;
                value = 0;
            } else {
                return false;
            }
        }
        return parts == 3 && digits > 0;
    }

    /** The value of a dotted quad that {@link #isCanonicalIpv4} accepted, most significant byte first. */
    static int canonicalIpv4ToInt(String text) {
        int result = 0;
        int part = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '.') {
                result = result << 8 | part;
                part = 0;
            } else {
                part = part * 10 + (c - '0');
            }
        }
        return result << 8 | part;
    }

    /** Four address bytes as an int, most significant first. */
    static int ipv4ToInt(byte[] address) {
        return (address[0] & 0xff) << 24 | (address[1] & 0xff) << 16 | (address[2] & 0xff) << 8 | (address[3] & 0xff);
    }

    public static byte @Nullable [] parseIpv4(CharSequence text, int from, int to) {
        byte[] bytes = new byte[4];
        int part = 0;
        int value = -1;
        int digits = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                value = value < 0 ? c - '0' : value * 10 + (c - '0');
                if (value > 255 || ++digits > 3) {
                    return null;
                }
            } else if (c == '.' && value >= 0 && part < 3) {
                bytes[part++] = (byte) value;
                value = -1;
                digits = 0;
            } else {
                return null;
            }
        }
        if (part != 3 || value < 0) {
            return null;
        }
        bytes[3] = (byte) value;
        return bytes;
    }

    /**
     * RFC 4291 text: eight groups of one to four hex digits, one {@code ::} standing for one or more
     * zero groups, the last 32 bits optionally as a dotted quad, and an RFC 4007 zone id after
     * {@code %} that is dropped. Parsed here, character by character, so no string ever reaches the
     * system resolver.
     */
    public static byte @Nullable [] parseIpv6(String literal) {
        int zone = literal.indexOf('%');
        int end = zone >= 0 ? zone : literal.length();
        if (zone >= 0 && !isZoneId(literal, zone + 1)) {
            return null;
        }
        if (end > MAX_IPV6_LITERAL || end < 2) {
            return null;
        }
        byte[] bytes = new byte[16];
        int filled = 0; // bytes written
        int gap = -1; // byte index where :: stands
        int at = 0;
        if (literal.charAt(0) == ':') {
            if (literal.charAt(1) != ':') {
                return null;
            }
            gap = 0;
            at = 2;
            if (at == end) {
                return bytes; // "::"
            }
        }
        while (at < end) {
            int groupEnd = at;
            int value = 0;
            while (groupEnd < end && groupEnd - at <= 4) {
                int digit = Character.digit(literal.charAt(groupEnd), 16);
                if (digit < 0 || literal.charAt(groupEnd) > 'f') {
                    break;
                }
                value = value * 16 + digit;
                groupEnd++;
            }
            if (groupEnd < end && literal.charAt(groupEnd) == '.') {
                // the embedded IPv4 address ends the literal and needs 4 bytes of room
                if (filled > 12) {
                    return null;
                }
                byte[] v4 = parseIpv4(literal, at, end);
                if (v4 == null) {
                    return null;
                }
                System.arraycopy(v4, 0, bytes, filled, 4);
                filled += 4;
                at = end;
                break;
            }
            if (groupEnd == at || groupEnd - at > 4 || filled > 14) {
                return null;
            }
            bytes[filled++] = (byte) (value >>> 8);
            bytes[filled++] = (byte) value;
            if (groupEnd == end) {
                at = end;
                break;
            }
            if (literal.charAt(groupEnd) != ':') {
                return null;
            }
            at = groupEnd + 1;
            if (at < end && literal.charAt(at) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = filled;
                at++;
                if (at == end) {
                    break;
                }
            } else if (at == end) {
                return null; // a single trailing colon
            }
        }
        if (gap >= 0) {
            if (filled == 16) {
                return null; // :: must stand for at least one group
            }
            int tail = filled - gap;
            System.arraycopy(bytes, gap, bytes, 16 - tail, tail);
            Arrays.fill(bytes, gap, 16 - tail, (byte) 0);
        } else if (filled != 16) {
            return null;
        }
        return isIpv4Mapped(bytes) ? Arrays.copyOfRange(bytes, 12, 16) : bytes;
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }

    /** A zone id is interface-local detail we drop, but it must still look like one. */
    private static boolean isZoneId(String literal, int from) {
        int length = literal.length() - from;
        if (length < 1 || length > MAX_ZONE_ID) {
            return false;
        }
        for (int i = from; i < literal.length(); i++) {
            char c = literal.charAt(i);
            boolean allowed = (c >= '0' && c <= '9')
                    || (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || c == '.'
                    || c == '_'
                    || c == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    /**
     * The text RFC 5952 gives an IPv6 address, as browsers write it in an origin: lower-case groups without leading
     * zeros, the longest run of two or more zero groups (the first of equal runs) as {@code ::}; a 4-byte address
     * as a dotted quad.
     */
    public static String formatRfc5952(byte[] address) {
        if (address.length != 16) {
            return format(address);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (address[2 * i] & 0xff) << 8 | (address[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    /** The canonical text of an address: dotted quad, or the JDK's full IPv6 form. */
    public static String format(byte[] address) {
        if (address.length == 4) {
            return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "."
                    + (address[3] & 0xff);
        }
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException impossible) {
            throw new IllegalArgumentException(impossible);
        }
    }

    /**
     * The IPv4 address of the client an IPv6 address stands for, when the address embeds one: a 6to4 address
     * ({@code 2002::/16}, the IPv4 address in bits 16–47), a Teredo address ({@code 2001:0::/32}, the client's
     * public IPv4 address inverted in the last 32 bits) or a deprecated IPv4-compatible address
     * ({@code ::a.b.c.d} with {@code a} not zero, so {@code ::} and {@code ::1} are not), or an address an IPv4
     * client is translated to by a stateless translator under a prefix every network knows: the RFC 6052
     * well-known {@code 64:ff9b::/96} and the RFC 2765 IPv4-translated {@code ::ffff:0:a.b.c.d} (see
     * {@link Nat64Prefix#WELL_KNOWN_PREFIXES}; the client resolver translates those and an operator's own
     * prefixes before anything else sees the address); otherwise {@code null}.
     * Each of these gives one IPv4 host a whole IPv6 network, which keyed by prefix would be 65,536 or more clients
     * (or, translated, every IPv4 client behind the translator).
     */
    public static byte @Nullable [] embeddedIpv4(byte[] address) {
        if (address.length != 16) {
            return null;
        }
        byte[] translated = Nat64Prefix.embeddedIpv4(Nat64Prefix.WELL_KNOWN_PREFIXES, address);
        if (translated != null) {
            return translated;
        }
        if (address[0] == 0x20 && address[1] == 0x02) {
            return Arrays.copyOfRange(address, 2, 6);
        }
        if (address[0] == 0x20 && address[1] == 0x01 && address[2] == 0 && address[3] == 0) {
            byte[] client = Arrays.copyOfRange(address, 12, 16);
            for (int i = 0; i < client.length; i++) {
                client[i] = (byte) ~client[i];
            }
            return client;
        }
        for (int i = 0; i < 12; i++) {
            if (address[i] != 0) {
                return null;
            }
        }
        return address[12] == 0 ? null : Arrays.copyOfRange(address, 12, 16);
    }

    /**
     * The network an address belongs to, for keys coarser than one client: its IPv4 /24 (the IPv4 address an
     * IPv6 address embeds counts as IPv4, see {@link #embeddedIpv4}), or its IPv6 /48, the block a site is
     * usually given; such as {@code 203.0.113.0/24} or {@code 2001:db8:1:0:0:0:0:0/48}.
     */
    public static String network(byte[] address) {
        byte[] embedded = embeddedIpv4(address);
        byte[] ip = embedded == null ? address : embedded;
        int prefix = ip.length == 4 ? 24 : 48;
        return format(mask(ip, prefix)) + "/" + prefix;
    }

    /**
     * The allocation an address belongs to, for counts that one holder of many networks must not multiply:
     * its IPv4 /16 (the IPv4 address an IPv6 address embeds counts as IPv4, see {@link #embeddedIpv4}), or its
     * IPv6 /32, the smallest block a registry allocates to a provider; such as {@code 203.0.0.0/16} or
     * {@code 2001:db8:0:0:0:0:0:0/32}. A tunnel broker's free /48s, a hosting customer's /44 and a provider's
     * adjacent /24s are each one allocation.
     */
    public static String allocation(byte[] address) {
        byte[] embedded = embeddedIpv4(address);
        byte[] ip = embedded == null ? address : embedded;
        int prefix = ip.length == 4 ? 16 : 32;
        return format(mask(ip, prefix)) + "/" + prefix;
    }

    /**
     * The site a client key belongs to, for bounds that must not multiply with the addresses one
     * subscriber holds: an IPv6 key (an address or a prefix longer than /48, such as
     * {@code 2001:db8:1:2:0:0:0:0/64}) becomes its /48, since one site is usually given a whole /48 or /56
     * (65,536 or 256 client keys); any other key (an IPv4 address, a session, a user name) is itself.
     */
    public static String site(String key) {
        if (key.indexOf(':') < 0) {
            return key;
        }
        int slash = key.lastIndexOf('/');
        if (slash >= 0) {
            int prefix;
            try {
                prefix = Integer.parseInt(key, slash + 1, key.length(), 10);
            } catch (NumberFormatException notAPrefix) {
                return key;
            }
            if (prefix <= 48) {
                return key;
            }
        }
        byte[] address = parse(slash >= 0 ? key.substring(0, slash) : key);
        if (address == null || address.length != 16) {
            return key;
        }
        return format(mask(address, 48)) + "/48";
    }

    /** A copy of {@code address} with every bit past {@code prefixLength} cleared. */
    public static byte[] mask(byte[] address, int prefixLength) {
        byte[] masked = address.clone();
        for (int bit = prefixLength; bit < masked.length * 8; bit++) {
            masked[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return masked;
    }
}
