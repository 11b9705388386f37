package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * review94 F5: the bang-path walk reads only the ASCII '!', where the '@' and '%' it reads beside it include the
 * compatibility forms NFKC maps to them (full-width, small): an application that normalises the address (NFKC) before
 * it mails it turns these into the bang path probe64b F1 refuses.
 */
class Review94BangPathTest {
    private final DisposableDomains bundled = DisposableDomains.bundled();

    @ParameterizedTest(name = "compatibility form of '!': {0}")
    @ValueSource(strings = {"mailinator.com\uFF01bot@gmail.com", "mailinator.com\uFE57bot@gmail.com"})
    void aCompatibilityBangIsABangAsACompatibilityPercentIsAPercent(String address) {
        assertThat(bundled.isDisposable("bot\uFF05mailinator.com@gmail.com"))
                .as("control")
                .isTrue();
        assertThat(bundled.isDisposable(address)).as(address).isTrue();
    }
}
