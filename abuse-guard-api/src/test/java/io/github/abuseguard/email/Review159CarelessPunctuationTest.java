package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** review159 F3 (context, passes): the lists read a punctuation spelling of gmail.com as gmail.com. */
class Review159CarelessPunctuationTest {

    @Test
    void theListsReadPunctuationSpellingsAsGmail() {
        for (String address : new String[] {
            "kim@gm\u2010ail.com",
            "kim@g\u2019mail.com",
            "kim@gma\u2027il.com",
            "kim@gm\u00b7ail.com",
            "kim@gm\u30fbail.com"
        }) {
            assertThat(CarelessDomains.candidates(address)).as(address).contains("gmail.com");
        }
    }
}
