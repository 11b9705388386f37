package io.github.abuseguard.internal;

import java.util.Objects;

/**
 * An allowed origin, {@code scheme://host[:port]}, matched exactly on all three (default ports
 * normalised), or with a wildcard subdomain, {@code https://*.example.com}, which matches any host
 * ending in {@code .example.com} on a dot boundary, and not {@code example.com} itself.
 * {@code https://example.com.evil.net}, {@code https://evilexample.com} and
 * {@code https://example.com@evil.net} never match {@code https://example.com}.
 */
public final class OriginPattern {
    private static final String WILDCARD_LABEL = "wildcard.";

    private final String text;
    private final String scheme;
    private final String host;
    private final int port;
    private final boolean wildcard;

    private OriginPattern(String text, String scheme, String host, int port, boolean wildcard) {
        this.text = text;
        this.scheme = scheme;
        this.host = host;
        this.port = port;
        this.wildcard = wildcard;
    }

    /**
     * Parses an allowed origin.
     *
     * @throws IllegalArgumentException if it is not {@code http(s)://host[:port]} or
     *     {@code http(s)://*.domain[:port]}, with no path
     */
    public static OriginPattern parse(String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        String trimmed = pattern.trim();
        boolean wildcard = trimmed.contains("://*.");
        String concrete = wildcard ? trimmed.replace("://*.", "://" + WILDCARD_LABEL) : trimmed;
        if (WebOrigin.hasIdnaDeviation(trimmed)) {
            throw new IllegalArgumentException("'" + pattern
                    + "' holds ß, ς or a zero-width joiner, which IDNA2003 and browsers convert to different domains"
                    + " (browsers keep ß: straße is xn--strae-oqa, not strasse, which may be another owner's): write the"
                    + " host in its punycode (xn--) form");
        }
        WebOrigin origin = WebOrigin.ofOriginHeader(concrete);
        // "https://*." normalises to the host "wildcard": a wildcard needs a domain under it
        if (origin == null
                || concrete.contains("*")
                || (wildcard && !origin.host().startsWith(WILDCARD_LABEL))
                || (wildcard && origin.host().length() == WILDCARD_LABEL.length())) {
            throw new IllegalArgumentException(
                    "'" + pattern
                            + "' is not an origin: write scheme://host[:port], such as https://shop.example or https://*.shop.example");
        }
        String host = wildcard ? origin.host().substring(WILDCARD_LABEL.length()) : origin.host();
        return new OriginPattern(trimmed, origin.scheme(), host, origin.port(), wildcard);
    }

    public boolean matches(WebOrigin origin) {
        if (!origin.scheme().equals(scheme) || origin.port() != port) {
            return false;
        }
        if (!wildcard) {
            return origin.host().equals(host);
        }
        String candidate = origin.host();
        return candidate.length() > host.length() + 1
                && candidate.endsWith(host)
                && candidate.charAt(candidate.length() - host.length() - 1) == '.';
    }

    @Override
    public String toString() {
        return text;
    }
}
