package io.github.abuseguard.internal;

import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
        if (wildcard && host.indexOf('.') < 0 && !PRIVATE_TOP_LEVEL.contains(host)) {
            throw new IllegalArgumentException("'" + pattern + "' allows every origin under the top-level domain ."
                    + host + ": write your own hosts, or a wildcard under a domain of your own");
        }
        if (wildcard
                && host.indexOf('.') > 0
                && SiteNames.holdsOthersSites(host)) { // *.localhost is private (review137 F11); review141 F4
            // probe46d F2: allowed, since an app may serve every shop of a platform, but rarely meant
            log.warn(
                    "'{}' allows every origin under {}, where anyone can register a page of their own: list your own"
                            + " hosts unless you mean to serve every site there",
                    pattern,
                    host);
        }
        return new OriginPattern(trimmed, origin.scheme(), host, origin.port(), wildcard);
    }

    private static final Logger log = LoggerFactory.getLogger(OriginPattern.class);

    /**
     * Top-level names no one can register a domain under (RFC 6761, RFC 6762, ICANN's {@code .internal}) or that
     * private networks use by custom: a wildcard over one ({@code http://*.localhost:3000}, {@code
     * https://*.internal}) is a development or an intranet set-up, not every origin of a public suffix (review47 F4:
     * refused since probe46d F2, while {@code *.co.uk} only warns).
     */
    private static final Set<String> PRIVATE_TOP_LEVEL =
            Set.of("localhost", "test", "example", "invalid", "local", "internal", "intranet", "corp", "home", "lan");

    /** The host, lower case; for a wildcard, the domain after its {@code *.}. */
    public String host() {
        return host;
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
