package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Invisible characters anywhere in a domain, and domains that cannot be read at all: an application that
 * strips what it cannot see delivers {@code a@yop\u200Email.com} to yopmail.com, so the guard must see
 * yopmail.com too, and an address it cannot read must not pass as a clean one.
 */
class InvisibleCharacterTest {
    private final DisposableDomains bundled = DisposableDomains.bundled();
    private final DisposableEmailGuard guard = DisposableEmailGuard.of(
            bundled, List.of(EmailRule.builder("sign-up").path("/api/accounts").build()));

    /** Every character of the probe, as code points: bidi marks, invisible operators, tags, musical format characters, the ones IDN already maps, and the symbols that draw nothing (U+2800, U+1D159: probe 5, F6). */
    @ParameterizedTest(name = "U+{0}")
    @ValueSource(
            ints = {
                0x200E, 0x200F, 0x202A, 0x202E, 0x2066, 0x2061, 0x206A, 0x180E, 0xFFF9, 0xE0001, 0xE0041, 0x1D173,
                0x200B, 0x2060, 0x00AD, 0xFEFF, 0x034F, 0xFE0F, 0x3164, 0xFFA0, 0xE0100, 0x0600, 0x2065, 0x2800, 0x1D159
            })
    void anInvisibleCharacterAnywhereInTheDomainIsDropped(int codePoint) {
        String c = Character.toString(codePoint);
        for (String address : List.of(
                "a@yop" + c + "mail.com",
                "a@yopmail.com" + c,
                "a@" + c + "yopmail.com",
                "a@yopmail" + c + ".com",
                "a@yopmail." + c + "com",
                "a@y" + c + c + c + "opmail.c" + c + "om" + c,
                "<a@yopmail.com" + c + ">",
                "Ann <a@yop" + c + "mail.com>",
                "b@gmail.com, a@yop" + c + "mail.com")) {
            assertThat(bundled.match(address))
                    .as("%s (U+%X)", address, codePoint)
                    .isNotNull()
                    .extracting(DisposableDomains.Match::entry)
                    .isEqualTo("yopmail.com");
            assertThat(guard.check(signUp(address)).status()).as(address).isEqualTo(422);
        }
    }

    @Test
    void anInvisibleCharacterInsideAnOrdinaryDomainLeavesItOrdinary() {
        assertThat(guard.check(signUp("ann@gm\u200Eail.com")).isAllow()).isTrue();
        assertThat(guard.check(signUp("ann@gmail.com\uDB40\uDC41")).isAllow()).isTrue();
        // probe 5, F6: the Braille blank draws nothing; dropped, it leaves the ordinary domain
        assertThat(guard.check(signUp("ann@gmail.com\u2800")).isAllow()).isTrue();
        assertThat(EmailDomain.of("ann@gmail.com\u2800")).isEqualTo("gmail.com");
        assertThat(EmailDomain.of("ann@M\u00FCn\u202Echen.de")).isEqualTo(EmailDomain.of("ann@m\u00FCnchen.de"));
    }

    @ParameterizedTest(name = "unreadable: {0}")
    @ValueSource(
            strings = {
                "a@yop\uFFFCmail.com",
                "a@yop\uE000mail.com",
                "a@yop..mail.com",
                "a@.yopmail.com",
                "a@yop\u05D0mail.com",
                "b@gmail.com, a@yop\uFFFCmail.com",
                "\"Ann\" <a@yop\uFFFCmail.com>",
                "a@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example",
            })
    void anAddressWhoseDomainCannotBeReadIsRefusedNotPassed(String address) {
        assertThat(bundled.match(address))
                .as("no list can answer for %s", address)
                .isNull();
        Decision decision = guard.check(signUp(address));
        assertThat(decision.isDeny()).as(address).isTrue();
        assertThat(decision.status()).isEqualTo(422);
        assertThat(decision.reason()).isEqualTo("unreadable-email-domain");
        assertThat(decision.detail()).contains("'email'").doesNotContain("a@");
        assertThat(guard.refusalSpendsQuota(decision))
                .as("it says nothing about the lists")
                .isFalse();
    }

    @Test
    void paddingThatPushesTheAtSignOutOfReachIsRefused() {
        String padded = "a@yop" + "\u200E".repeat(400) + "mail.com";
        assertThat(guard.check(signUp(padded)).status()).isEqualTo(422);
        String tagged = "a@yop" + "\uDB40\uDC41".repeat(200) + "mail.com";
        assertThat(guard.check(signUp(tagged)).status()).isEqualTo(422);
    }

    @ParameterizedTest(name = "not refused: {0}")
    @ValueSource(
            strings = {
                "ann@gmail.com",
                "ann@m\u00FCnchen.de",
                "Ann <ann@gmail.com> (work)",
                "\"a@b\"@gmail.com",
                "no-at-sign",
                "ann%work@gmail.com",
                "ann@gmail.com.",
            })
    void addressesWithoutAtSignOrAnOrdinaryOneAreNotRefused(String address) {
        assertThat(guard.check(signUp(address)).isAllow()).as(address).isTrue();
    }

    @Test
    void aFlagRuleFlagsAnUnreadableDomain() {
        DisposableEmailGuard flagging = DisposableEmailGuard.of(
                bundled,
                List.of(EmailRule.builder("newsletter")
                        .path("/api/accounts")
                        .response(EmailRule.Response.FLAG, 40)
                        .build()));
        Decision decision = flagging.check(signUp("a@yop\uFFFCmail.com"));
        assertThat(decision.isFlag()).isTrue();
        assertThat(decision.reason()).isEqualTo("unreadable-email-domain");
        assertThat(decision.score()).isEqualTo(40);
    }

    private static GuardRequest signUp(String address) {
        String json = address.replace("\\", "\\\\").replace("\"", "\\\"");
        return GuardRequest.builder("POST", "/api/accounts")
                .body("application/json", "{\"email\":\"" + json + "\"}")
                .build();
    }
}
