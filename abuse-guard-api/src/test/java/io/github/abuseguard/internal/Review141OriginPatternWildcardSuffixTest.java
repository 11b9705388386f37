package io.github.abuseguard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * review141 F4: {@code OriginPattern} warns of {@code https://*.X} only where {@code X} itself is a public suffix. Where
 * the list holds {@code *.X} (every child of {@code X} is a suffix: {@code *.compute-1.amazonaws.com},
 * {@code *.platformsh.site}, {@code *.kobe.jp}), {@code X} is no suffix, but every host under it is someone else's site:
 * {@code https://*.platformsh.site} allows every customer of the platform, and start-up says nothing.
 */
class Review141OriginPatternWildcardSuffixTest {

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
    void aWildcardOverANameWhoseEveryChildIsAPublicSuffixWarns() {
        assertThat(printedWhileParsing("https://*.github.io"))
                .as("control: a platform's suffix warns")
                .contains("anyone can register");
        assertThat(SiteNames.sameSite("a.b.platformsh.site", "c.d.platformsh.site"))
                .as("control: two hosts under *.platformsh.site are different sites")
                .isFalse();
        assertThat(printedWhileParsing("https://*.platformsh.site"))
                .as("every child of platformsh.site is a public suffix (*.platformsh.site)")
                .contains("anyone can register");
        assertThat(printedWhileParsing("https://*.compute-1.amazonaws.com"))
                .as("every child of compute-1.amazonaws.com is a public suffix")
                .contains("anyone can register");
    }
}
