package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Fuzzes e-mail normalisation. In regression mode (CI) it replays the committed inputs; with
 * {@code JAZZER_FUZZ=1} it fuzzes for up to ten minutes.
 */
class EmailDomainFuzzTest {
    private static final Pattern NORMAL = Pattern.compile("[a-z0-9_-]{1,63}(\\.[a-z0-9_-]{1,63})*");
    private static final DisposableDomains BUNDLED = DisposableDomains.bundled();
    private static final List<String> LISTED =
            List.of("yopmail.com", "mailinator.com", "post-shift.ru", "10minutemail.com");
    private static final char[] PADDING = {
        ' ', '\t', '\n', '\r', '\u000B', '\u00A0', '\u1680', '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005',
        '\u2006', '\u2007', '\u2008', '\u2009', '\u200A', '\u200B', '\u200C', '\u200D', '\u2028', '\u2029', '\u202F',
        '\u205F', '\u2060', '\u3000', '\uFEFF', '\u00AD', '\u180E', '\u200E', '\u202E', '\u2066', '\u2061', '\uFFF9'
    };
    private static final char[] DOTS = {'.', '\u3002', '\uFF0E', '\uFF61'};

    @FuzzTest(maxDuration = "10m")
    void normalisationNeverThrowsAndKeepsListedDomainsListed(FuzzedDataProvider data) {
        String text = data.consumeString(700);

        String domain = EmailDomain.of(text);
        if (domain != null) {
            assertThat(domain).as("domain of %s", escaped(text)).matches(NORMAL).hasSizeLessThanOrEqualTo(253);
            assertThat(EmailDomain.normalise(domain)).as("normalising again").isEqualTo(domain);
        }
        String name = EmailDomain.normalise(text);
        if (name != null) {
            assertThat(name).as("name of %s", escaped(text)).matches(NORMAL);
        }
        BUNDLED.match(text);

        String listed = LISTED.get(data.consumeInt(0, LISTED.size() - 1));
        StringBuilder padded = new StringBuilder();
        padded.append(text.replace("@", "")).append('@');
        padded.append(padding(data));
        if (data.consumeBoolean()) {
            padded.append("Sub").append(data.consumeInt(0, 999)).append('.');
        }
        for (int i = 0; i < listed.length(); i++) {
            char c = listed.charAt(i);
            padded.append(data.consumeBoolean() ? Character.toUpperCase(c) : c);
        }
        for (int dots = data.consumeInt(0, 3); dots > 0; dots--) {
            padded.append(DOTS[data.consumeInt(0, DOTS.length - 1)]);
        }
        padded.append(padding(data));
        if (data.consumeBoolean()) {
            padded.insert(0, '<').append('>').append(padding(data));
        }
        String address = padded.toString();
        assertThat(BUNDLED.isDisposable(address))
                .as("%s is still %s", escaped(address), listed)
                .isTrue();
    }

    private static String padding(FuzzedDataProvider data) {
        StringBuilder pad = new StringBuilder();
        for (int n = data.consumeInt(0, 4); n > 0; n--) {
            pad.append(PADDING[data.consumeInt(0, PADDING.length - 1)]);
        }
        return pad.toString();
    }

    private static String escaped(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (c >= 0x20 && c < 0x7F) {
                out.appendCodePoint(c);
            } else {
                out.append(String.format("\\u%04X", c));
            }
        });
        return out.toString();
    }
}
