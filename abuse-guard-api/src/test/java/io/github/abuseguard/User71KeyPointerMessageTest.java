package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

/**
 * user71 F3: a {@code body:} key written without the pointer's leading slash ({@code ip+body:username}, as one writes
 * a form field's name) fails start-up with Jackson's own message, which names neither the key as written nor the
 * spelling that works; every other malformed key part names both.
 */
class User71KeyPointerMessageTest {

    @Test
    void aBodyKeyWithoutItsSlashNamesTheKeyAndTheSpellingThatWorks() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> KeyResolver.parse("ip+body:username"))
                .withMessageContaining("ip+body:username")
                .withMessageContaining("body:/username");
    }
}
