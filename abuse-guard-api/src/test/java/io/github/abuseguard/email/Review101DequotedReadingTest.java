package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** review101: the dequoted reading of 3cdc94aa / e9ee5970. */
class Review101DequotedReadingTest {
    private final DisposableDomains bundled = DisposableDomains.bundled();

    /** F1: NFKC maps these commas and semicolons to ',' and ';', after which the quoted member is judged. */
    @ParameterizedTest(name = "compatibility separator: {0}")
    @ValueSource(
            strings = {
                "\"bot@mailinator.com\"\uFF0C <x@gmail.com>", // full-width comma
                "\"bot@mailinator.com\"\uFE50 <x@gmail.com>", // small comma
                "\"bot@mailinator.com\"\uFF1B <x@gmail.com>", // full-width semicolon
                "\"bot@mailinator.com\"\uFE54 <x@gmail.com>", // small semicolon
            })
    void aCompatibilitySeparatorEndsAQuotedMember(String value) {
        assertThat(bundled.isDisposable("\"bot@mailinator.com\", <x@gmail.com>"))
                .as("control: ASCII comma")
                .isTrue();
        assertThat(bundled.isDisposable(value)).as(value).isTrue();
    }

    /** F2: an angle address ends a member; Python's parseaddr returns "bot@mailinator.com" for these. */
    @ParameterizedTest(name = "angle address then another: {0}")
    @ValueSource(strings = {"<\"bot@mailinator.com\"> <x@gmail.com>", "<\"bot@mailinator.com\"> x <x@gmail.com>"})
    void aQuotedAngleAddressBeforeAnotherIsJudged(String value) {
        assertThat(bundled.isDisposable(value)).as(value).isTrue();
    }

    /** F3: a local-only member's percent or bang hop, resolved once a mail server completes it (as README's F3). */
    @Test
    void postfixsHopsCountTowardsTheNamedBound() {
        String value = "\"bot" + "%a.example".repeat(2_000) + "\"@gmail.com";
        assertThat(FieldAddresses.read(List.of("bot" + "%a.example".repeat(2_000) + "@gmail.com"))
                        .excess())
                .as("control: unquoted")
                .isEqualTo(FieldAddresses.Excess.DOMAINS_NAMED);
        assertThat(FieldAddresses.read(List.of(value)).excess()).isEqualTo(FieldAddresses.Excess.DOMAINS_NAMED);
    }
}
