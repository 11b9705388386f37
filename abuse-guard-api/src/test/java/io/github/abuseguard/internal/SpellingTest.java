package io.github.abuseguard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpellingTest {
    private static final List<String> GUARDS = List.of("rate-limit", "email", "client-signals", "sequence", "failure");

    @Test
    void aNameWithinAFewEditsMeansTheNearest() {
        assertThat(Spelling.closest("client-signal", GUARDS)).isEqualTo("client-signals");
        assertThat(Spelling.closest("ratelimit", GUARDS)).isEqualTo("rate-limit");
        assertThat(Spelling.closest("foo", GUARDS)).isNull();
    }

    /** user67 F9: the e-mail guard answers and counts as {@code disposable-email}; its section is {@code email}. */
    @Test
    void aNameWhoseLastWordIsAKnownNameMeansIt() {
        assertThat(Spelling.closest("disposable-email", GUARDS)).isEqualTo("email");
        assertThat(Spelling.suggestion("disposable-email", GUARDS)).startsWith("; did you mean 'email'?");
        assertThat(Spelling.closest("email-", GUARDS)).as("an empty last word").isEqualTo("email");
        assertThat(Spelling.closest("strange-thing", GUARDS)).isNull();
    }
}
