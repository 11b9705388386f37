package io.github.abuseguard.internal;

import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A normalised web origin: scheme, host and port, compared exactly. The scheme and host are lower
 * case, an internationalised host is in its ASCII (punycode) form, a trailing dot is dropped, and the
 * default port of the scheme is written out, so {@code HTTPS://Example.COM.} and
 * {@code https://example.com:443} are the same origin.
 */
public record WebOrigin(String scheme, String host, int port) {

    /**
     * Parses the value of an {@code Origin} header: {@code scheme://host[:port]} and nothing else (no
     * path, query, user info or trailing slash, as browsers send it).
     *
     * @return the origin, or {@code null} for anything that is not exactly an origin
     */
    public static @Nullable WebOrigin ofOriginHeader(String value) {
        if (value == null || value.isEmpty() || value.length() > 2048) {
            return null;
        }
        int separator = value.indexOf("://");
        if (separator <= 0) {
            return null;
        }
        String rest = value.substring(separator + 3);
        if (rest.isEmpty()
                || rest.indexOf('/') >= 0
                || rest.indexOf('@') >= 0
                || rest.indexOf('?') >= 0
                || rest.indexOf('#') >= 0
                || rest.indexOf('\\') >= 0) {
            return null;
        }
        String host = rest;
        int port = -1;
        int colon = rest.lastIndexOf(':');
        if (colon >= 0 && colon > rest.lastIndexOf(']')) {
            String digits = rest.substring(colon + 1);
            if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            port = Integer.parseInt(digits);
            host = rest.substring(0, colon);
        }
        if (host.startsWith("[") != host.endsWith("]")) {
            return null;
        }
        return of(value.substring(0, separator), host, port);
    }

    /**
     * The origin of a {@code Referer} value: its scheme and authority, up to the first {@code /}, {@code ?},
     * {@code #} or {@code \} after {@code ://} (where a browser's URL parser ends the host), parsed as a URI. The
     * rest is not read: a page's address may hold characters browsers send unescaped ({@code ?q=a|b}, {@code
     * ?filter={"a":1}}, a stray {@code %}) that {@link URI} refuses, which refused an honest same-origin request
     * as a malformed Referer (probe46d F5).
     *
     * @return the origin, or {@code null} when the value does not start with an absolute http(s) origin
     */
    public static @Nullable WebOrigin ofReferer(String value) {
        if (value == null || value.isEmpty() || value.length() > 8192) {
            return null;
        }
        String trimmed = value.trim();
        int separator = trimmed.indexOf("://");
        if (separator <= 0) {
            return null;
        }
        int end = separator + 3;
        while (end < trimmed.length() && "/?#\\".indexOf(trimmed.charAt(end)) < 0) {
            end++;
        }
        return ofUri(trimmed.substring(0, end));
    }

    private static WebOrigin ofUri(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return null;
        } catch (NumberFormatException jdkParserBug) {
            // found by fuzzing: java.net.URI throws this, undeclared, for an over-long IPv4 part inside
            // an IPv6 literal such as http://[201:db8::444...4.4]
            return null;
        }
        String scheme = uri.getScheme();
        String host = uri.getHost();
        if (scheme == null || host == null) {
            return null;
        }
        return of(scheme, host, uri.getPort());
    }

    /** The origin of scheme, host and port ({@code -1} for the scheme's default); {@code null} for an unusable host. */
    public static @Nullable WebOrigin of(String scheme, String host, int port) {
        String normalScheme = scheme.toLowerCase(Locale.ROOT);
        if (!normalScheme.equals("http") && !normalScheme.equals("https")) {
            return null;
        }
        String normalHost = normalHost(host);
        if (normalHost == null) {
            return null;
        }
        int normalPort = port >= 0 ? port : (normalScheme.equals("https") ? 443 : 80);
        if (normalPort > 65535) {
            return null;
        }
        return new WebOrigin(normalScheme, normalHost, normalPort);
    }

    /** Lower case, ASCII (punycode), without a trailing dot; {@code null} when it cannot be a host. */
    static @Nullable String normalHost(String host) {
        if (host.startsWith("[")) {
            if (host.length() <= 2
                    || !host.endsWith("]")
                    || !host.substring(1, host.length() - 1)
                            .chars()
                            .allMatch(c -> c == ':'
                                    || c == '.'
                                    || (c >= '0' && c <= '9')
                                    || (c >= 'a' && c <= 'f')
                                    || (c >= 'A' && c <= 'F'))) {
                return null;
            }
            // one text for every spelling of the address, configured or sent (probe48b F7: [2001:db8:0:0::1]
            // configured never matched the [2001:db8::1] a browser sends)
            byte[] address = IpAddresses.parseIpv6(host.substring(1, host.length() - 1));
            return address == null ? null : "[" + IpAddresses.formatRfc5952(address) + "]";
        }
        String trimmed = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (trimmed.isEmpty() || hasIdnaDeviation(trimmed)) {
            return null;
        }
        String ascii;
        try {
            ascii = IDN.toASCII(trimmed, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
        for (int i = 0; i < ascii.length(); i++) {
            char c = ascii.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) {
                return null;
            }
        }
        return ascii.isEmpty() || ascii.startsWith(".") || ascii.contains("..") ? null : ascii;
    }

    /**
     * Whether {@code host} holds a character that the IDNA standards convert differently (probe24 F7): {@code ß},
     * final {@code ς}, and the zero-width joiner and non-joiner. Browsers (UTS #46, non-transitional) keep them,
     * so {@code straße.example} is {@code xn--strae-oqa.example}, while {@link IDN} (IDNA2003) maps {@code ß} to
     * {@code ss}: {@code strasse.example}, a domain that may belong to someone else. Such a host is no host here;
     * its punycode form is. A browser sends a host in punycode, never these characters.
     */
    public static boolean hasIdnaDeviation(String host) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '\u00DF' || c == '\u1E9E' || c == '\u03C2' || c == '\u200C' || c == '\u200D') {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return scheme + "://" + host + ":" + port;
    }
}
