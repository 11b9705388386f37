package io.github.abuseguard.email;

import io.github.abuseguard.internal.DomainNames;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The domains an application that reads an address carelessly may deliver to, beyond those a mail parser reads
 * (probe60a, review80): it strips quotes, brackets, parentheses and backslashes, lower-cases in a Turkish locale,
 * strips accents (Commons Lang's {@code stripAccents}, NFD then {@code \p{M}} removed, an ASCII folding), drops
 * invisible and control characters, or splits at white space and takes the first word, one of these or several at
 * once. Each of those keeps a domain's letters, digits, dots and hyphens in order and drops or splits at everything
 * else, so every domain such an application delivers to is a prefix of the value's <em>skeleton</em> (the text after
 * its last {@code @}, letters folded to ASCII where they have a folding, everything that is no letter, digit, dot or
 * hyphen dropped) that ends where something was dropped, or at its end: those prefixes are the candidates, and one a
 * blocklist covers is refused as a listed domain is. The skeleton is read after every {@code @} outside comments and
 * quoted strings, each up to the next (an application may take the first address, or split a list), and after the
 * domains the parser reads (their Unicode form), so that a comment the parser drops does not hide them. Letters fold as NFKD
 * and a table of the letters and dashes common ASCII foldings (iconv's TRANSLIT, Lucene's) map otherwise; text a
 * sanitiser removes or a second decoding changes inside a comment ({@code <b></b>}, {@code &#46;}, {@code %2E}) is
 * outside this model (review82 F4). Enumerating the careless steps one by one, and their orders,
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
     * The candidate domains of {@code value}, lower-case ASCII, each with a dot, in the order found, without repeats;
     * empty when it has no {@code @} or no text after it.
     */
    static List<String> candidates(String value) {
        List<String> candidates = new ArrayList<>(4);
        firstAnswer(value, List.of(), candidate -> {
            candidates.add(candidate);
            return null;
        });
        return candidates;
    }

    /**
     * The first answer {@code ask} gives to a candidate domain of {@code value} or of one of {@code domains} (the
     * domains a mail parser reads in it, in any form IDNA takes), each candidate asked once; {@code null} when it
     * answers none. The skeleton is read after every {@code @} outside comments and quoted strings (what a display name
     * or comment holds names no address: {@code "ann@yopmail.com" <ann@gmail.com>} is gmail.com's), each up to the
     * next, so reading them all is linear in the value's length; after every {@code @} when none is outside them, or a
     * comment or quote is left open, which a mail parser reads as ordinary text (review85 F2, F5: {@code
     * "bot@yópmail.com"}, and {@code x@gmail.com (bot@yópmail.com}, opened accounts). The parsed domains are read as
     * well (review85 F1, F4: a comment inside the domain, {@code bot@yópmail(x).com}, joins the raw text's skeleton
     * where the parser reads yópmail.com, which an application that parses the address and then strips accents
     * delivers to yopmail.com; so does a domain after the 32nd {@code @}, which the raw reading once stopped at).
     */
    static <T> @Nullable T firstAnswer(String value, List<String> domains, Function<String, @Nullable T> ask) {
        Reading<T> reading = new Reading<>(ask);
        int[] state = readAts(value, reading, false);
        if (state[0] == 0 || state[1] > 0 || state[2] != 0) {
            // the '@'s inside quotes and comments too, not those read already (review87 F2: every '@' twice)
            readAts(value, reading, true);
        }
        for (int d = 0; d < domains.size() && reading.answer == null; d++) {
            skeletonsAfter("@" + DomainNames.toUnicode(domains.get(d)), 1, reading);
        }
        return reading.answer;
    }

    /**
     * Reads the skeleton after each {@code @} outside comments and quoted strings, or, when {@code inside}, after each
     * one inside them; answers the number read, the comment depth and whether a quote is open at the end.
     */
    private static int[] readAts(String value, Reading<?> reading, boolean inside) {
        int read = 0;
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < value.length() && reading.answer == null; i++) {
            char c = value.charAt(i);
            if ((depth > 0 || quoted) && c == '\\') {
                i++;
            } else if (EmailDomain.isAt(c) && (depth > 0 || quoted) == inside) {
                read++;
                skeletonsAfter(value, i + 1, reading);
            } else if (quoted) {
                quoted = c != '"';
            } else if (c == '"' && depth == 0) {
                quoted = true;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            }
        }
        return new int[] {read, depth, quoted ? 1 : 0};
    }

    /** The candidates asked so far, and the first answer. */
    private static final class Reading<T> {
        private final Function<String, @Nullable T> ask;
        private final Set<String> asked = new HashSet<>();
        private @Nullable T answer;

        Reading(Function<String, @Nullable T> ask) {
            this.ask = ask;
        }

        void add(StringBuilder skeleton) {
            int length = skeleton.length();
            if (length > 1 && skeleton.charAt(length - 1) == '.') {
                length--; // the root's dot: yopmail.com. is yopmail.com (review85 F3)
            }
            if (answer != null || length == 0 || length > MAX_SKELETON) {
                return;
            }
            String candidate = skeleton.substring(0, length);
            if (candidate.indexOf('.') > 0 && asked.add(candidate)) {
                answer = ask.apply(candidate);
            }
        }
    }

    /**
     * Adds the candidates of the skeletons from {@code from} up to the next {@code @}: letters folded ({@link #fold}),
     * and as the usual ASCII strippers leave them (review84 F1: {@code Normalizer.normalize(s, NFD)} with every
     * non-ASCII character removed keeps {@code é}'s {@code e} and drops {@code ø}, {@code ł}, {@code æ} whole, so {@code
     * bot@yopømail.com} is yopmail.com there; the same after NFKD keeps {@code ŉ}'s {@code n} (review85 F6); removing
     * non-ASCII without decomposing drops {@code é} too).
     */
    private static void skeletonsAfter(String value, int from, Reading<?> reading) {
        skeletonAfter(value, from, reading, FOLDED);
        skeletonAfter(value, from, reading, DECOMPOSED_ASCII);
        skeletonAfter(value, from, reading, COMPATIBLE_ASCII);
        skeletonAfter(value, from, reading, ASCII);
    }

    private static final int FOLDED = 0;
    private static final int DECOMPOSED_ASCII = 1;
    private static final int COMPATIBLE_ASCII = 2;
    private static final int ASCII = 3;

    /** Adds the candidates of the skeleton from {@code from} up to the next {@code @}, its letters read as {@code mode}. */
    private static void skeletonAfter(String value, int from, Reading<?> reading, int mode) {
        StringBuilder skeleton = new StringBuilder(Math.min(MAX_SKELETON + 1, value.length() - from));
        boolean cut = false;
        for (int i = from; i < value.length() && skeleton.length() <= MAX_SKELETON && reading.answer == null; ) {
            int c = value.codePointAt(i);
            i += Character.charCount(c);
            if (c <= 0xFFFF && EmailDomain.isAt((char) c)) {
                break; // the next address's, or a comment's: the careless application's word ends
            }
            String folded = mode == FOLDED || c < 0x80
                    ? fold(c)
                    : mode == ASCII
                            ? null
                            : asciiOf(c, mode == DECOMPOSED_ASCII ? Normalizer.Form.NFD : Normalizer.Form.NFKD, false);
            if (folded == null) {
                cut = true;
                continue;
            }
            if (cut) {
                reading.add(skeleton);
                cut = false;
            }
            skeleton.append(folded);
        }
        reading.add(skeleton);
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
        if (isMark(c)) {
            return "";
        }
        switch (c) {
            case 0x3002, 0xFF0E, 0xFF61 -> {
                return "."; // the full stops IDNA reads as a dot
            }
            case 0x0131, 0x0130 -> {
                return "i"; // a Turkish locale's dotless and capital dotted i
            }
            case 0x0141, 0x0142, 0x013F, 0x0140, 0x019A, 0x026B, 0x026C, 0x023D -> {
                return "l"; // Ł ł, which stripAccents folds; Ŀ ŀ ƚ ɫ ɬ Ƚ, which iconv's TRANSLIT and Lucene's folding
                // do
            }
            case 0x0268, 0x0197, 0x1D7B -> {
                return "i";
            }
            case 0x01A5, 0x01A4, 0x1D7D -> {
                return "p";
            }
            case 0x024F, 0x024E, 0x01B4, 0x01B3 -> {
                return "y";
            }
            case 0x0180, 0x0243, 0x0253, 0x0181 -> {
                return "b";
            }
            case 0x0188, 0x0187, 0x023C, 0x023B -> {
                return "c";
            }
            case 0x0256, 0x0257, 0x018A, 0x0189 -> {
                return "d";
            }
            case 0x0192, 0x0191 -> {
                return "f";
            }
            case 0x0260, 0x0193, 0x01E5, 0x01E4 -> {
                return "g";
            }
            case 0x0266, 0x2C68, 0x2C67 -> {
                return "h";
            }
            case 0x0199, 0x0198, 0x2C6A, 0x2C69 -> {
                return "k";
            }
            case 0x0271 -> {
                return "m";
            }
            case 0x0272, 0x019E, 0x0220, 0x014B, 0x014A -> {
                return "n";
            }
            case 0x0275, 0x019F -> {
                return "o";
            }
            case 0x024B, 0x024A, 0x02A0 -> {
                return "q";
            }
            case 0x027D, 0x024D, 0x024C -> {
                return "r";
            }
            case 0x0282, 0x023F -> {
                return "s";
            }
            case 0x01AD, 0x01AC, 0x0288, 0x01AE, 0x0167, 0x0166 -> {
                return "t";
            }
            case 0x028B, 0x01B2 -> {
                return "v";
            }
            case 0x2C73, 0x2C72 -> {
                return "w";
            }
            case 0x0225, 0x0224, 0x0290, 0x0291, 0x01B6, 0x01B5 -> {
                return "z";
            }
            case 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE58, 0xFE63, 0xFF0D -> {
                return "-"; // dashes and the minus sign, which ASCII foldings read as a hyphen
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
                // a letter with a compatibility or canonical decomposition to ASCII (é, Ｙ, ﬁ): its ASCII part; a
                // letter of another script, white space or a symbol has none
                return asciiOf(c, Normalizer.Form.NFKD, true);
            }
        }
    }

    /**
     * The ASCII letters, digits, dots and hyphens of {@code c}'s decomposition in {@code form}, other ASCII dropped
     * ({@code ⒞} is {@code (c)}: its letter, not its parentheses, review82 F3); {@code null} when there are none, or,
     * when {@code strict}, when the decomposition holds a non-ASCII character that is no mark.
     */
    private static @Nullable String asciiOf(int c, Normalizer.Form form, boolean strict) {
        String decomposed = Normalizer.normalize(new String(Character.toChars(c)), form);
        StringBuilder ascii = new StringBuilder(decomposed.length());
        for (int k = 0; k < decomposed.length(); k++) {
            char d = decomposed.charAt(k);
            if (d < 0x80) {
                String kept = fold(d);
                if (kept != null) {
                    ascii.append(kept);
                }
            } else if (strict && !isMark(d)) {
                return null;
            }
        }
        return ascii.length() == 0 ? null : ascii.toString();
    }

    private static boolean isMark(int c) {
        int type = Character.getType(c);
        return type == Character.NON_SPACING_MARK
                || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }
}
