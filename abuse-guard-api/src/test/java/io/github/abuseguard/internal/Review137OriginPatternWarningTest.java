package io.github.abuseguard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * review137 F11: {@code OriginPattern} now warns of a wildcard over any public suffix ({@code SiteNames.isPublicSuffix},
 * ae2346ff). A single label is a public suffix by the list's implicit {@code *} rule, so the development and intranet
 * wildcards the pattern lets through on purpose ({@code PRIVATE_TOP_LEVEL}: {@code http://*.localhost:3000}, {@code
 * https://*.internal}) now WARN "where anyone can register a page of their own", which no one can there. Before, the
 * warning named the shared-suffix list only, and these were quiet.
 */
class Review137OriginPatternWarningTest {

    private static String printedWhileParsing(String pattern) {
        PrintStream original = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
            OriginPattern.parse(pattern);
        } finally {
            System.setErr(original);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aDevelopmentWildcardOverLocalhostIsQuiet() {
        assertThat(printedWhileParsing("https://*.github.io"))
                .as("control: a platform's suffix warns")
                .contains("anyone can register");
        assertThat(printedWhileParsing("http://*.localhost:3000")).doesNotContain("anyone can register");
        assertThat(printedWhileParsing("https://*.internal")).doesNotContain("anyone can register");
    }
}
