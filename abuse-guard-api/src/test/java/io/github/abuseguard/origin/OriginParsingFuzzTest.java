package io.github.abuseguard.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.abuseguard.internal.OriginPattern;
import io.github.abuseguard.internal.WebOrigin;
import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Origin and Referer parsing on arbitrary values. Input: a candidate pattern line, then a header
 * value. An origin accepted for a configured origin must really have its scheme, host and port,
 * checked against an independent reading of the header.
 */
class OriginParsingFuzzTest {
    private static final Pattern PORT = Pattern.compile(":(\\d{1,5})$");

    @FuzzTest(maxDuration = "10m")
    void anAcceptedOriginHasTheConfiguredSchemeHostAndPort(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        String candidate = newline < 0 ? text : text.substring(0, newline);
        String header = newline < 0 ? "" : text.substring(newline + 1);

        patternsParseToThemselvesOrAreRefused(candidate);

        WebOrigin origin = WebOrigin.ofOriginHeader(header);
        if (OriginPattern.parse("https://shop.example").matches(origin(origin))) {
            assertReally(header, "https", "shop.example", 443, false);
        }
        if (OriginPattern.parse("https://*.shop.example").matches(origin(origin))) {
            assertReally(header, "https", "shop.example", 443, true);
        }
        if (OriginPattern.parse("http://localhost:8080").matches(origin(origin))) {
            assertReally(header, "http", "localhost", 8080, false);
        }
        WebOrigin referer = WebOrigin.ofReferer(header);
        if (referer != null) {
            assertThat(referer.scheme()).isIn("http", "https");
            assertThat(referer.port()).isBetween(0, 65535);
            assertThat(referer.host()).matches("[a-z0-9.-]+|\\[[0-9a-f:.]+\\]");
        }
    }

    private static WebOrigin origin(WebOrigin origin) {
        return origin == null ? new WebOrigin("none", "none", 0) : origin;
    }

    private static void patternsParseToThemselvesOrAreRefused(String candidate) {
        OriginPattern pattern;
        try {
            pattern = OriginPattern.parse(candidate);
        } catch (IllegalArgumentException refused) {
            return;
        }
        if (!candidate.contains("*")) {
            assertThat(pattern.matches(WebOrigin.ofOriginHeader(candidate.trim())))
                    .as(candidate)
                    .isTrue();
        }
    }

    /** Reads the header again, independently: with {@link URI} when it is ASCII, by hand otherwise. */
    private static void assertReally(String header, String scheme, String host, int port, boolean subdomain) {
        int separator = header.indexOf("://");
        assertThat(header.substring(0, separator)).isEqualToIgnoringCase(scheme);
        String authority = header.substring(separator + 3);
        assertThat(authority).doesNotContain("@", "/", "?", "#", "\\");
        Matcher explicitPort = PORT.matcher(authority);
        String hostPart = authority;
        int actualPort = port == 8080 ? -1 : port;
        if (explicitPort.find()) {
            actualPort = Integer.parseInt(explicitPort.group(1));
            hostPart = authority.substring(0, explicitPort.start());
        }
        assertThat(actualPort).isEqualTo(port);
        String ascii = IDN.toASCII(hostPart, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        String normal = ascii.endsWith(".") ? ascii.substring(0, ascii.length() - 1) : ascii;
        if (subdomain) {
            assertThat(normal).endsWith("." + host);
            assertThat(normal.length()).isGreaterThan(host.length() + 1);
        } else {
            assertThat(normal).isEqualTo(host);
        }
        if (header.chars().allMatch(c -> c > ' ' && c < 127)) {
            try {
                URI uri = new URI(header);
                assertThat(uri.getScheme()).isEqualToIgnoringCase(scheme);
                assertThat(uri.getRawUserInfo()).isNull();
                assertThat(uri.getRawPath()).isEmpty();
                // URI leaves the host null for labels that end in a hyphen (RFC 2396); browsers take them
                String uriHost = (uri.getHost() != null ? uri.getHost() : hostPart).toLowerCase(Locale.ROOT);
                assertThat(uriHost.endsWith(".") ? uriHost.substring(0, uriHost.length() - 1) : uriHost)
                        .isEqualTo(normal);
            } catch (URISyntaxException e) {
                throw new AssertionError("accepted " + header + " that is not a URI", e);
            }
        }
    }
}
