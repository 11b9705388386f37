package io.github.abuseguard;

import org.jspecify.annotations.Nullable;

/**
 * The key of the mailbox an address delivers to, so that the spellings of one inbox share a budget: {@code
 * Ann.Smith+shop@GMail.com}, {@code annsmith+news@googlemail.com} and {@code annsmith@gmail.com} are one inbox,
 * and a limit that counted them apart would let one inbox open an account per spelling.
 *
 * <p>The address is read as mail software delivers it: without comments ({@code ann(work)@gmail.com}; an
 * unbalanced parenthesis is kept as a character), quotes and backslash escapes ({@code "ann"@gmail.com}), white
 * space and invisible characters; its local part starts after a display name's {@code <} or a source route's
 * {@code :} ({@code Ann <@relay.example:ann@gmail.com>}) and ends at its last {@code @} (or that sign's
 * full-width or small form); its domain ends before a closing {@code >}. The domain is folded as a user name is
 * ({@link UserNames}: NFKC, invisible characters dropped, case-folded, without accents), with the ideographic
 * full stop read as a dot and without trailing dots. The local part is cut at its first {@code +} (the
 * sub-address that Gmail, Outlook, iCloud, Fastmail and Proton deliver to the same inbox; its full-width, small,
 * superscript and subscript forms too), folded the same way, and for Gmail ({@code gmail.com} and {@code
 * googlemail.com}, one service) read without its dots, which Gmail ignores. Folding more spellings together than
 * a provider does only makes mailboxes share a budget. The work is linear in the text; the key is at most {@link
 * KeyResolver#MAX_KEY_LENGTH} characters, longer ones digested.
 */
final class Mailboxes {

    private Mailboxes() {}

    /** The key of the address's mailbox, or {@code null} when the text has no {@code @} or nothing after it. */
    static @Nullable String key(String value) {
        String address = delivered(value, true);
        int end = address.length();
        while (end > 0 && address.charAt(end - 1) == '>') {
            end--;
        }
        int at = end - 1;
        while (at >= 0 && !isAt(address.charAt(at))) {
            at--;
        }
        if (at < 0) {
            return null;
        }
        String domain = domain(address.substring(at + 1, end));
        if (domain.isEmpty()) {
            return null;
        }
        boolean gmail = domain.equals("gmail.com") || domain.equals("googlemail.com");
        int start = at;
        while (start > 0 && address.charAt(start - 1) != '<' && address.charAt(start - 1) != ':') {
            start--;
        }
        StringBuilder local = new StringBuilder(Math.min(at - start, 64));
        for (int i = start; i < at; ) {
            int c = address.codePointAt(i);
            i += Character.charCount(c);
            if (isPlus(c)) {
                break;
            }
            if (!(gmail && isDot(c))) {
                local.appendCodePoint(c);
            }
        }
        String name = UserNames.folded(local.toString());
        // folding may make a '+' or a dot of a form not caught above
        int plus = name.indexOf('+');
        if (plus >= 0) {
            name = name.substring(0, plus);
        }
        if (gmail) {
            name = name.replace(".", "");
        }
        return KeyResolver.bounded(name + "@" + (gmail ? "gmail.com" : domain));
    }

    /**
     * The value without comments (nested ones too), quotes, the backslash of an escape, white space and
     * invisible characters: what is left names the mailbox as mail software reads it. One pass, two when a
     * comment is left open: then no parenthesis opens one, since no mail parser reads the value, and an
     * application that takes it as it is delivers to what it spells.
     */
    private static String delivered(String value, boolean comments) {
        StringBuilder kept = new StringBuilder(Math.min(value.length(), 320));
        boolean quoted = false;
        int depth = 0;
        for (int i = 0; i < value.length(); ) {
            int c = value.codePointAt(i);
            i += Character.charCount(c);
            if (c == '\\' && i < value.length()) {
                int escaped = value.codePointAt(i);
                i += Character.charCount(escaped);
                if (depth == 0) {
                    kept.appendCodePoint(escaped);
                }
            } else if (c == '"' && depth == 0) {
                quoted = !quoted;
            } else if (c == '(' && !quoted && comments) {
                depth++;
            } else if (c == ')' && !quoted && depth > 0) {
                depth--;
            } else if (depth == 0
                    && !Character.isWhitespace(c)
                    && !Character.isSpaceChar(c)
                    && !UserNames.isIgnorable(c)) {
                kept.appendCodePoint(c);
            }
        }
        return depth == 0 ? kept.toString() : delivered(value, false);
    }

    private static String domain(String text) {
        String folded = UserNames.folded(text).replace('\u3002', '.');
        int end = folded.length();
        while (end > 0 && (folded.charAt(end - 1) == '.' || Character.isWhitespace(folded.charAt(end - 1)))) {
            end--;
        }
        return folded.substring(0, end);
    }

    /** {@code @} and the forms NFKC maps to it: full-width, small. */
    private static boolean isAt(char c) {
        return c == '@' || c == '\uFF20' || c == '\uFE6B';
    }

    /** {@code +} and the forms NFKC maps to it: full-width, small, superscript and subscript. */
    private static boolean isPlus(int c) {
        return c == '+' || c == '\uFF0B' || c == '\uFE62' || c == '\u207A' || c == '\u208A';
    }

    /** A dot and the forms NFKC or IDN read as one. */
    private static boolean isDot(int c) {
        return c == '.' || c == '\u3002' || c == '\uFF0E' || c == '\uFF61' || c == '\uFE52' || c == '\u2024';
    }
}
