package io.github.abuseguard.identity;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses IP address literals strictly: a string that is not a literal yields {@code null} and is
 * never looked up in DNS. IPv4 literals take a fast path; IPv6 literals are parsed by the JDK only
 * after the string is shown to hold nothing but hex digits, colons and dots. The JDK turns an
 * IPv4-mapped IPv6 address into its IPv4 address, which is what we want.
 */
final class IpAddresses {
    private static final int MAX_IPV6_LITERAL = 45;

    private IpAddresses() {}

    /** The 4 or 16 address bytes of a literal, or {@code null}. */
    static byte[] parse(String text) {
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
    static boolean isCanonicalIpv4(String text) {
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

    static byte[] parseIpv4(CharSequence text, int from, int to) {
        byte[] bytes = new byte[4];
        int part = 0;
        int value = -1;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                value = value < 0 ? c - '0' : value * 10 + (c - '0');
                if (value > 255) {
                    return null;
                }
            } else if (c == '.' && value >= 0 && part < 3) {
                bytes[part++] = (byte) value;
                value = -1;
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

    private static byte[] parseIpv6(String literal) {
        int zone = literal.indexOf('%');
        String text = zone > 0 ? literal.substring(0, zone) : literal; // fe80::1%eth0: the zone is local detail
        if (text.length() > MAX_IPV6_LITERAL || text.indexOf(':') < 0) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!hex && c != ':' && c != '.') {
                return null;
            }
        }
        try {
            InetAddress address = InetAddress.getByName(text);
            if (address instanceof Inet4Address || address instanceof Inet6Address) {
                return address.getAddress();
            }
            return null;
        } catch (UnknownHostException notALiteral) {
            return null;
        }
    }

    /** The canonical text of an address: dotted quad, or the JDK's full IPv6 form. */
    static String format(byte[] address) {
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

    /** A copy of {@code address} with every bit past {@code prefixLength} cleared. */
    static byte[] mask(byte[] address, int prefixLength) {
        byte[] masked = address.clone();
        for (int bit = prefixLength; bit < masked.length * 8; bit++) {
            masked[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return masked;
    }
}
