package io.github.abuseguard.email;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The domains an application that reads an address carelessly may deliver to, beyond those a mail parser reads
 * (probe60a, review80): it strips quotes, brackets, parentheses and backslashes, lower-cases in a Turkish locale,
 * strips accents (Commons Lang's {@code stripAccents}, NFD then {@code \p{M}} removed, an ASCII folding), drops
 * invisible and control characters, or splits at white space and takes the first word, one of these or several at
 * once. Each of those keeps a domain's letters, digits, dots and hyphens in order and drops or splits at everything
 * else, so every domain such an application delivers to is a prefix of the value's <em>skeleton</em> (the text after
 * its last {@code @}, letters folded to ASCII where they have a folding, everything that is no letter, digit, dot or
 * hyphen dropped) that ends where something was dropped, or at its end: those prefixes are the candidates, and one a
 * blocklist covers is refused as a listed domain is. Enumerating the careless steps one by one, and their orders,
 * missed one form after another (a {@code %} in a trailing comment, an ASCII control split at, three steps at once,
 * {@code ł}, a mark outside the BMP, an escaped letter in a quoted string).
 *
 * <p>Only the blocklists are asked about the candidates (no mail-server look-up, no bans), and only those that are
 * no domain of the address already. Linear in the length of the value; at most {@link #MAX_SKELETON} characters of
 * skeleton, so at most that many candidates.
 */
final class CarelessDomains {

    /** The longest skeleton read: a domain name is at most 253 characters. */
    static final int MAX_SKELETON = 253;

    private CarelessDomains() {}

    /**
     * The candidate domains of {@code value}, lower-case ASCII, each with a dot, shortest first, without repeats;
     * empty when it has no {@code @} or no text after it.
     */
    static List<String> candidates(String value) {
        int at = lastAt(value);
        if (at < 0) {
            return List.of();
        }
        StringBuilder skeleton = new StringBuilder(Math.min(MAX_SKELETON, value.length() - at));
        List<String> candidates = new ArrayList<>(4);
        boolean cut = false;
        for (int i = at + 1; i < value.length() && skeleton.length() <= MAX_SKELETON; ) {
            int c = value.codePointAt(i);
            i += Character.charCount(c);
            if (c <= 0xFFFF && EmailDomain.isAt((char) c)) {
                break; // a comment's address, or the next address of a list: the careless application's word ends
            }
            String folded = fold(c);
            if (folded == null) {
                cut = true;
                continue;
            }
            if (cut) {
                add(candidates, skeleton);
                cut = false;
            }
            skeleton.append(folded);
        }
        add(candidates, skeleton);
        return candidates;
    }

    private static void add(List<String> candidates, StringBuilder skeleton) {
        if (skeleton.length() == 0 || skeleton.length() > MAX_SKELETON) {
            return;
        }
        String candidate = skeleton.toString();
        if (candidate.indexOf('.') > 0 && !candidates.contains(candidate)) {
            candidates.add(candidate);
        }
    }

    /** The last {@code @} of the value (outside comments where they close), or -1. */
    private static int lastAt(String value) {
        int depth = 0;
        int last = -1;
        int anywhere = -1;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (depth > 0 && c == '\\') {
                i++;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (EmailDomain.isAt(c)) {
                anywhere = i;
                if (depth == 0) {
                    last = i;
                }
            }
        }
        return depth > 0 ? anywhere : last;
    }

    /**
     * What code point {@code c} is in a domain once folded: its lower-case ASCII letters, a digit, {@code .} or
     * {@code -}; {@code ""} for a mark an accent stripper drops; {@code null} for anything else, which is dropped or
     * split at.
     */
    private static String fold(int c) {
        if (c < 0x80) {
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-') {
                return String.valueOf((char) c);
            }
            return c >= 'A' && c <= 'Z' ? String.valueOf((char) (c + ('a' - 'A'))) : null;
        }
        int type = Character.getType(c);
        if (type == Character.NON_SPACING_MARK
                || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK) {
            return "";
        }
        switch (c) {
            case 0x3002, 0xFF0E, 0xFF61 -> {
                return "."; // the full stops IDNA reads as a dot
            }
            case 0x0131, 0x0130 -> {
                return "i"; // a Turkish locale's dotless and capital dotted i
            }
            case 0x0141, 0x0142 -> {
                return "l"; // Ł ł, which stripAccents folds
            }
            case 0x00D8, 0x00F8 -> {
                return "o";
            }
            case 0x0110, 0x0111, 0x00D0, 0x00F0 -> {
                return "d";
            }
            case 0x0126, 0x0127 -> {
                return "h";
            }
            case 0x00DF, 0x1E9E -> {
                return "ss";
            }
            case 0x00C6, 0x00E6 -> {
                return "ae";
            }
            case 0x0152, 0x0153 -> {
                return "oe";
            }
            default -> {
                // a letter with a compatibility or canonical decomposition to ASCII (é, Ｙ, ﬁ): its ASCII part
                String decomposed = Normalizer.normalize(new String(Character.toChars(c)), Normalizer.Form.NFKD);
                StringBuilder ascii = new StringBuilder(decomposed.length());
                for (int k = 0; k < decomposed.length(); k++) {
                    char d = decomposed.charAt(k);
                    if (d < 0x80) {
                        String kept = fold(d);
                        if (kept == null) {
                            return null;
                        }
                        ascii.append(kept);
                    } else if (Character.getType(d) != Character.NON_SPACING_MARK
                            && Character.getType(d) != Character.COMBINING_SPACING_MARK
                            && Character.getType(d) != Character.ENCLOSING_MARK) {
                        return null; // a letter of another script, white space or a symbol
                    }
                }
                return ascii.length() == 0 ? null : ascii.toString().toLowerCase(Locale.ROOT);
            }
        }
    }
}
