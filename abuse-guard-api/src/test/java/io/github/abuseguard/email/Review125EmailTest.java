package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** review125: the hop checks of probe71d F1, F2 and review124 F2, F3, tried with the next spellings. */
class Review125EmailTest {
    private final DisposableEmailGuard guard = DisposableEmailGuard.of(
            DisposableDomains.bundled(),
            List.of(EmailRule.builder("sign-up").path("/api/accounts").build()));

    /**
     * F1: a hop naming 198.51.100.7 as inet_aton reads a hexadecimal number with leading zeros passes, because a label
     * of more than 12 characters is taken for no number; after the {@code @} the same spelling is refused.
     */
    @ParameterizedTest(name = "a hop naming an address with leading zeros: {0}")
    @ValueSource(strings = {"bot%0x00000000c6336407@gmail.com", "bot%0x0000000000c6.51.100.7@gmail.com"})
    void aHopNamingAnAddressWithLeadingZerosIsRefused(String address) {
        assertThat(guard.check(signUp("bot%0x0c6336407@gmail.com")).reason())
                .as("the same address without the padding")
                .isEqualTo("non-public-email-domain");
        assertThat(guard.check(signUp("bot@0x00000000c6336407")).reason())
                .as("the same spelling after the @")
                .isEqualTo("non-public-email-domain");

        Decision decision = guard.check(signUp(address));

        assertThat(decision.isDeny()).as("%s was let through", address).isTrue();
    }

    /**
     * F2: a hop wrapped in a bracket and a parenthesis that do not pair passes, though after the {@code @} the same
     * wrapping is stripped and the listed domain refused ({@code a@[yopmail.com)}).
     */
    @ParameterizedTest(name = "a hop in unpaired brackets names what is inside: {0}")
    @ValueSource(
            strings = {"bot%[yopmail.com)@gmail.com", "bot%(yopmail.com]@gmail.com", "(yopmail.com]!bot@gmail.com"})
    void aHopInUnpairedBracketsIsRefused(String address) {
        assertThat(guard.check(signUp("bot@[yopmail.com)")).reason())
                .as("after the @")
                .isEqualTo("disposable-email");

        Decision decision = guard.check(signUp(address));

        assertThat(decision.isDeny()).as("%s was let through", address).isTrue();
    }

    /**
     * F3: a percent hop of digits that no resolver reads as an address is a local part's text: a number above 2^32
     * (twelve digits), an octal part with an 8, a part past its place's width ({@code 1.256.0.1}).
     */
    @ParameterizedTest(name = "a real address is accepted: {0}")
    @ValueSource(
            strings = {
                "bot%123456789012@acme.io",
                "orders%0800@acme.io",
                "build%1.256.0.1@acme.io",
                "bot%1.70000.1@acme.io"
            })
    void aLocalPartWithNumbersThatNameNoAddressIsAccepted(String address) {
        assertThat(guard.check(signUp("orders%2024@acme.io")).isDeny()).isFalse();

        Decision decision = guard.check(signUp(address));

        assertThat(decision.isDeny())
                .as("%s was refused: %s", address, decision.reason())
                .isFalse();
    }

    /**
     * F3, decided the other way: a date-like number above 24 bits ({@code 20240115} is 1.52.216.211) and two dotted
     * numbers ({@code 1.2} is 1.0.0.2) are what {@code inet_aton} reads as an address, so such a hop routes mail to
     * the host it names and stays refused; such local parts are rare, an address hop an attacker's free choice.
     */
    @ParameterizedTest(name = "a number inet_aton reads as an address is refused: {0}")
    @ValueSource(strings = {"orders%20240115@acme.io", "release%1.2@acme.io", "bot%0xffffffff@gmail.com"})
    void aNumberInetAtonReadsAsAnAddressIsRefused(String address) {
        Decision decision = guard.check(signUp(address));

        assertThat(decision.isDeny()).as("%s was let through", address).isTrue();
        assertThat(decision.reason()).isEqualTo("non-public-email-domain");
    }

    private static GuardRequest signUp(String address) {
        String json = address.replace("\\", "\\\\").replace("\"", "\\\"");
        return GuardRequest.builder("POST", "/api/accounts")
                .body("application/json", "{\"email\":\"" + json + "\"}")
                .build();
    }
}
