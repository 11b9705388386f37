package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * review126: review125 F2 fixed a hop wrapped in an opening and a closing bracket that do not pair; a hop with a
 * bracket at one end only (a square or angle one, which cannot end a comment) is still not stripped, though after
 * the {@code @} the same spelling is stripped and the listed domain refused. An application that strips bracket
 * characters routes {@code bot%yopmail.com]@gmail.com} through yopmail.com.
 */
class Review126EmailTest {
    private final DisposableEmailGuard guard = DisposableEmailGuard.of(
            DisposableDomains.bundled(),
            List.of(EmailRule.builder("sign-up").path("/api/accounts").build()));

    @ParameterizedTest(name = "a hop with one bracket names what is beside it: {0}")
    @CsvSource({
        "bot%yopmail.com]@gmail.com, bot@yopmail.com]",
        "bot%yopmail.com>@gmail.com, bot@yopmail.com>",
        "bot%<yopmail.com@gmail.com, bot@<yopmail.com",
        "yopmail.com]!bot@gmail.com, bot@yopmail.com]"
    })
    void aHopWithABracketAtOneEndIsRefused(String hop, String afterTheAt) {
        assertThat(guard.check(signUp(afterTheAt)).reason())
                .as("the same spelling after the @")
                .isEqualTo("disposable-email");

        Decision decision = guard.check(signUp(hop));

        assertThat(decision.isDeny()).as("%s was let through", hop).isTrue();
    }

    private static GuardRequest signUp(String address) {
        String json = address.replace("\\", "\\\\").replace("\"", "\\\"");
        return GuardRequest.builder("POST", "/api/accounts")
                .body("application/json", "{\"email\":\"" + json + "\"}")
                .build();
    }
}
