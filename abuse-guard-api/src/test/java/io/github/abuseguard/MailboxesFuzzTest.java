package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Mailbox keys ({@code mailbox:/pointer}): whatever the text, the key is bounded and reading it never throws; and
 * every spelling a bot can make of one inbox, by sub-address, case, Gmail's dots, invisible characters, a comment,
 * a display name, text after the address or a domain spelt in letters that NFKC or IDN fold, is that inbox's key,
 * or, when text is parted from the address so that its inbox cannot be told, the one key all such values share.
 *
 * <p>CI runs the committed inputs (regression mode); {@code JAZZER_FUZZ=1} fuzzes (see README).
 */
class MailboxesFuzzTest {
    private static final String[] DOMAINS = {"gmail.com", "googlemail.com", "outlook.com", "acme.example"};
    /** Invisible characters, which an application drops: inside a local part. */
    private static final String[] PADDING = {"", "\u200B", "\u00AD", "\uFEFF", "\u2060"};

    /** What may follow the address and is not part of it (review43 F1): separators and what they end. */
    private static final String[] TRAILING = {"", " ", "\t", "\u00A0", ",", ";", " x", "\u00A0x", "\u0001x", ",,"};

    @FuzzTest(maxDuration = "10m")
    void oneInboxIsOneKeyAndEveryKeyIsBounded(FuzzedDataProvider data) {
        String text = data.consumeString(600);
        String any = Mailboxes.key(text);
        if (any != null) {
            assertThat(any.length()).isLessThanOrEqualTo(KeyResolver.MAX_KEY_LENGTH);
        }

        String local = name(data.consumeAsciiString(30));
        if (local.isEmpty()) {
            return;
        }
        String domain = DOMAINS[data.consumeInt(0, DOMAINS.length - 1)];
        boolean gmail = domain.equals("gmail.com") || domain.equals("googlemail.com");
        String inbox = Mailboxes.key(local + "@" + domain);

        StringBuilder spelling = new StringBuilder();
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            spelling.append(data.consumeBoolean() ? Character.toUpperCase(c) : c);
            if (gmail && data.consumeBoolean()) {
                spelling.append('.');
            }
            spelling.append(PADDING[data.consumeInt(0, PADDING.length - 1)]);
        }
        if (data.consumeBoolean()) {
            spelling.append(data.consumeBoolean() ? '+' : '\uFF0B').append(name(data.consumeAsciiString(200)));
        }
        if (data.consumeBoolean()) {
            spelling.append("(").append(name(data.consumeAsciiString(20))).append(")");
        }
        spelling.append('@');
        // probe44a F1: letters NFKC or IDN turn into the domain's (circled, U+1806 that IDN drops)
        for (int i = 0; i < domain.length(); i++) {
            char c = domain.charAt(i);
            int form = c >= 'a' && c <= 'z' ? data.consumeInt(0, 5) : 0;
            if (form == 1) {
                spelling.append((char) ('\u24D0' + (c - 'a')));
            } else if (form == 2) {
                spelling.append((char) ('\u24B6' + (c - 'a')));
            } else if (form == 3) {
                spelling.append(c).append('\u1806');
            } else {
                spelling.append(form == 4 ? Character.toUpperCase(c) : c);
            }
        }
        if (data.consumeBoolean()) {
            spelling.append('.');
        }
        String trailing = TRAILING[data.consumeInt(0, TRAILING.length - 1)];
        spelling.append(trailing);
        // text parted from the address has two readings, neither surely the inbox: one shared key (probe44a F4)
        String expected = trailing.endsWith("x") ? Mailboxes.UNUSUAL : inbox;
        String address = spelling.toString();
        if (data.consumeBoolean()) {
            address = "\"" + name(data.consumeAsciiString(20)) + "\" <" + address + ">";
        }

        assertThat(Mailboxes.key(address))
                .as("%s is the inbox %s", address, inbox)
                .isEqualTo(expected);
    }

    /** Letters, digits and the inner characters of an ordinary local part, in lower case. */
    private static String name(String text) {
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = Character.toLowerCase(text.charAt(i));
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
                name.append(c);
            }
        }
        return name.toString();
    }
}
