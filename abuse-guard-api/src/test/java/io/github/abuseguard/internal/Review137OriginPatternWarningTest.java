package io.github.abuseguard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.testing.StandardError;
import org.junit.jupiter.api.Test;

/**
 * review137 F11: {@code OriginPattern} now warns of a wildcard over any public suffix ({@code SiteNames.isPublicSuffix},
 * ae2346ff). A single label is a public suffix by the list's implicit {@code *} rule, so the development and intranet
 * wildcards the pattern lets through on purpose ({@code PRIVATE_TOP_LEVEL}: {@code http://*.localhost:3000}, {@code
 * https://*.internal}) now WARN "where anyone can register a page of their own", which no one can there. Before, the
 * warning named the shared-suffix list only, and these were quiet.
 */
class Review137OriginPatternWarningTest {

    private static String printedWhileParsing(String pattern) throws Exception {
        return StandardError.printedBy(() -> OriginPattern.parse(pattern));
    }

    @Test
    void aDevelopmentWildcardOverLocalhostIsQuiet() throws Exception {
        assertThat(printedWhileParsing("https://*.github.io"))
                .as("control: a platform's suffix warns")
                .contains("anyone can register");
        assertThat(printedWhileParsing("http://*.localhost:3000")).doesNotContain("anyone can register");
        assertThat(printedWhileParsing("https://*.internal")).doesNotContain("anyone can register");
    }

    /**
     * review141 F4: a wildcard over a name whose every child the list makes a public suffix ({@code *.platformsh.site},
     * {@code *.compute-1.amazonaws.com}) allows every customer of the platform, and start-up said nothing: the name
     * itself is no suffix.
     */
    @Test
    void aWildcardOverANameWhoseEveryChildIsAPublicSuffixWarns() throws Exception {
        assertThat(SiteNames.sameSite("a.b.platformsh.site", "c.d.platformsh.site"))
                .as("control: two hosts under *.platformsh.site are different sites")
                .isFalse();
        assertThat(printedWhileParsing("https://*.platformsh.site")).contains("anyone can register");
        assertThat(printedWhileParsing("https://*.compute-1.amazonaws.com")).contains("anyone can register");
    }
}
