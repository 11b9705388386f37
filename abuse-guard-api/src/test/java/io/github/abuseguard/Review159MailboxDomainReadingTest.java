package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.internal.DomainNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * review159 on probe85c F1's fix (DomainNames.registrableReading): symbols and {@code _} are dropped from a name no
 * registry can hold, punctuation is not.
 */
class Review159MailboxDomainReadingTest {

    private static String key(String address) {
        return KeyResolver.parse("mailbox:/email")
                .resolve(GuardRequest.builder("POST", "/api/accounts")
                        .client("198.51.100.1")
                        .body("application/json", "{\"email\":\"" + address + "\"}")
                        .build());
    }

    /**
     * F3: a dash, quote or dot-like punctuation inside a label (IDNA2008 DISALLOWED, or CONTEXTO outside its context:
     * U+00B7 only between two l, U+30FB only beside kana) is as unregistrable as {@code _} or {@code ✓}, and the lists
     * read it as gmail.com (CarelessDomains drops everything that is no letter, digit, dot or hyphen:
     * Review159CarelessPunctuationTest), yet each is an inbox key of its own (xn--gmail-hu3b.com, ...): with 5 positions
     * and a dozen such characters, dozens of inboxes for kim@gmail.com.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "kim@gm\\u2010ail.com", // HYPHEN
                "kim@gm\\u2013ail.com", // EN DASH
                "kim@g\\u2019mail.com", // RIGHT SINGLE QUOTATION MARK
                "kim@gma\\u2027il.com", // HYPHENATION POINT
                "kim@gm\\u00b7ail.com", // MIDDLE DOT, not between two l
                "kim@gm\\u30fbail.com", // KATAKANA MIDDLE DOT, no kana
                "kim@gmail.c\\u2010om"
            })
    void f3PunctuationSpellingsOfGmailAreGmailsInbox(String address) {
        assertThat(key(address)).isEqualTo(key("kim@gmail.com"));
    }

    /** F3: the A-label of such a name is not registrable (it is no IDNA2008 label). */
    @Test
    void f3APunctuationLabelIsNotRegistrable() {
        String name = DomainNames.normalise("gm\u2010ail.com");
        assertThat(name).isEqualTo("xn--gmail-hu3b.com");
        assertThat(DomainNames.isRegistrable(name)).isFalse();
    }

    /**
     * F4: emoji names are registered and delivered to (IDNA2003 allows symbols; the .ws, .la, .to, .fm registries sell
     * them: i❤.ws is xn--i-7iq.ws, 💩.la is xn--ls8h.la). Dropping the symbol makes kim@i❤.ws kim@i.ws, another
     * registrable domain's inbox, and makes kim@💩.la the one "(unusual address)" key every unparseable value of every
     * client shares: a real user there is refused once any three unusual values signed up that day. A label of symbols
     * alone now keeps its own key; one with letters besides is read without its symbols (shared with i.ws, accepted).
     */
    @Test
    void f4AnEmojiDomainIsNeverTheUnusualAddress() {
        // i\u2764.ws is read as i.ws, as gm\u2713ail.com must be read as gmail.com (probe85c F1): the two share a
        // budget, which is all that folding too much costs; never the unusual address's
        assertThat(key("kim@xn--i-7iq.ws")).as("i\u2764.ws").isNotEqualTo(Mailboxes.UNUSUAL);
        assertThat(key("kim@xn--ls8h.la")).as("\uD83D\uDCA9.la").isNotEqualTo(key("kim@(unparseable"));
        assertThat(key("kim@xn--ls8h.la")).isNotEqualTo(Mailboxes.UNUSUAL);
    }
}
