package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * review160: a last label of symbols or punctuation alone. CarelessDomains-style readings (drop every character that is
 * no letter, digit, dot or hyphen) make kim@gmail.com.✓ kim@gmail.com. (a fully qualified name: gmail.com, as
 * kim@gmail.com. is to the mailbox keys), yet since 55a7330e ("a label left empty keeps the original name") it is an
 * inbox key of its own: one more inbox per symbol or punctuation character for kim@gmail.com.
 */
class Review160TrailingLabelTest {

    private static String key(String address) {
        return KeyResolver.parse("mailbox:/email")
                .resolve(GuardRequest.builder("POST", "/api/accounts")
                        .client("198.51.100.1")
                        .body("application/json", "{\"email\":\"" + address + "\"}")
                        .build());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "kim@gmail.com.",
                "kim@gmail.com.\u2713",
                "kim@gmail.com.\u2010",
                "kim@gmail.com.\u2605",
                "kim@gmail.com.\u00b7",
                "kim@gmail.com._"
            })
    void aLastLabelOfSymbolsOrPunctuationAloneIsGmailsInbox(String address) {
        System.out.println("REVIEW160 " + address + " -> " + key(address) + " (gmail: " + key("kim@gmail.com") + ")");
        assertThat(key(address)).isEqualTo(key("kim@gmail.com"));
    }
}
