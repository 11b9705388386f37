package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * probe71d F1: a percent-hack or bang-path hop is judged as a delivery route for the lists
 * ({@code bot%mailinator.com@gmail.com} and {@code mailinator.com!bot@gmail.com} are refused), but a hop
 * that names an address literal or an IPv4 address (the client's own host, absolute whichever relay
 * rewrites the hop) is not refused as a non-public domain, as {@code @[198.51.100.7]:bot@gmail.com} is. On the
 * Spring Boot demo's sign-up 12 of 12 such addresses were accepted (201). The address-literal ones were
 * then stopped only by the shared unusual mailbox key (3 a day); the numeric ones have ordinary mailbox keys.
 */
class Probe71dTest {
    private final DisposableDomains bundled = DisposableDomains.bundled();
    private final DisposableEmailGuard guard = DisposableEmailGuard.of(
            bundled, List.of(EmailRule.builder("sign-up").path("/api/accounts").build()));

    @ParameterizedTest(name = "a hop to the client's own host is no public mail domain: {0}")
    @ValueSource(
            strings = {
                "bot%[198.51.100.7]@gmail.com",
                "bot%[IPv6:2001:db8::1]@gmail.com",
                "\"bot%[198.51.100.7]\"@gmail.com",
                "bot%[198.51.100.7]%relay.example@gmail.com",
                "[198.51.100.7]!bot@gmail.com",
                "bot%198.51.100.7@gmail.com",
                "bot%3325256711@gmail.com",
                "bot%0xC6.51.100.7@gmail.com",
                "198.51.100.7!bot@gmail.com",
            })
    void aHopNamingAnAddressIsRefusedAsAListedHopIs(String address) {
        assertThat(guard.check(signUp("bot%mailinator.com@gmail.com")).reason())
                .as("the guard's own model: a hop is a delivery route")
                .isEqualTo("disposable-email");
        assertThat(guard.check(signUp("@[198.51.100.7]:bot@gmail.com")).reason())
                .as("the same address literal in a source route")
                .isEqualTo("non-public-email-domain");

        Decision decision = guard.check(signUp(address));

        assertThat(decision.isDeny()).as("%s was let through", address).isTrue();
        assertThat(decision.status()).isEqualTo(422);
        assertThat(decision.reason()).isEqualTo("non-public-email-domain");
    }

    /**
     * probe71d F2: a listed domain in brackets, angle brackets or parentheses after the {@code @} is judged as
     * the application that strips them delivers it ({@code a@[yopmail.com]} is refused), and a hop is judged
     * with its accents and invisible characters dropped ({@code bot%yo\u0301pmail.com@gmail.com} is refused),
     * but a hop in brackets or parentheses is not stripped: 5 of 7 such sign-ups were accepted (201) on the
     * Spring Boot demo.
     */
    @ParameterizedTest(name = "a bracketed hop names the listed domain inside: {0}")
    @ValueSource(
            strings = {
                "bot%[yopmail.com]@gmail.com",
                "bot%(yopmail.com)@gmail.com",
                "bot%<yopmail.com>@gmail.com",
                "[yopmail.com]!bot@gmail.com",
                "(yopmail.com)!bot@gmail.com",
                "bot%[mailinator.com]@outlook.com",
            })
    void aHopInBracketsIsJudgedAsTheStrippedHop(String address) {
        assertThat(guard.check(signUp("bot@[yopmail.com]")).reason()).isEqualTo("disposable-email");
        assertThat(guard.check(signUp("bot%yopmail.com@gmail.com")).reason()).isEqualTo("disposable-email");

        Decision decision = guard.check(signUp(address));

        assertThat(decision.isDeny()).as("%s was let through", address).isTrue();
        assertThat(decision.reason()).isEqualTo("disposable-email");
    }

    /**
     * review124 F2: a hop wrapped in brackets or parentheses is judged as the hop inside only when wrapped once and
     * with nothing around it; wrapped twice, spaced, or in full-width brackets, the listed domain or the address
     * passes, though the same spellings after the {@code @} are refused.
     */
    @ParameterizedTest(name = "a wrapped hop still names what is inside: {0}")
    @ValueSource(
            strings = {
                "bot%((yopmail.com))@gmail.com",
                "bot% [yopmail.com] @gmail.com",
                "bot% (yopmail.com) @gmail.com",
                "bot% yopmail.com @gmail.com",
                "bot%\uFF3Byopmail.com\uFF3D@gmail.com",
                "bot%\uFF3B198.51.100.7\uFF3D@gmail.com",
            })
    void aHopWrappedOtherwiseIsStillRefused(String address) {
        assertThat(guard.check(signUp("bot%(yopmail.com)@gmail.com")).isDeny())
                .as("wrapped once")
                .isTrue();
        assertThat(guard.check(signUp("a@((yopmail.com))")).isDeny())
                .as("after the @")
                .isTrue();
        assertThat(guard.check(signUp("a@ [yopmail.com]")).isDeny())
                .as("after the @")
                .isTrue();

        Decision decision = guard.check(signUp(address));

        assertThat(decision.isDeny()).as("%s was let through", address).isTrue();
    }

    /**
     * review124 F3: a percent or bang in a local part followed by digits ({@code orders%2024}, {@code 2024!me}) or a
     * hop whose last label is numeric is refused as no public mail domain since a9ec2715; such addresses were
     * accepted before, and a hop of one label ({@code a%localhost@x}) is still accepted.
     */
    @ParameterizedTest(name = "a real address is accepted: {0}")
    @ValueSource(strings = {"orders%2024@acme.io", "2024!me@acme.io", "me%20@acme.io", "sales%team.2@acme.io"})
    void aLocalPartWithDigitsAfterAPercentOrBangIsAccepted(String address) {
        assertThat(guard.check(signUp("a%localhost@acme.io")).isDeny())
                .as("a one-label hop")
                .isFalse();

        Decision decision = guard.check(signUp(address));

        assertThat(decision.isDeny())
                .as("%s was refused: %s", address, decision.reason())
                .isFalse();
    }

    private static GuardRequest signUp(String address) {
        String json = address.replace("\\", "\\\\").replace("\"", "\\\"");
        return GuardRequest.builder("POST", "/api/accounts")
                .body("application/json", "{\"email\":\"" + json + "\"}")
                .build();
    }
}
