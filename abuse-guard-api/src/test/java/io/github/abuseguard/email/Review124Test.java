package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** review124: the e-mail hop changes of a9ec2715 (probe71d F1, F2). */
class Review124Test {
    private final DisposableEmailGuard guard = DisposableEmailGuard.of(
            DisposableDomains.bundled(),
            List.of(EmailRule.builder("sign-up").path("/api/accounts").build()));

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
