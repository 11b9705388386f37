package io.github.abuseguard;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The key of a user name a client sent: spellings an application may take for one name share it, so that each
 * spelling does not get its own budget. NFKC (full-width {@code ａlice} is {@code alice}), then without
 * default-ignorable and control characters ({@code alice\u200b} is {@code alice}), without edge white space,
 * case-folded, then without accents ({@code bób}, {@code böb} and {@code bob} with a combining acute are {@code
 * bob}): the default collations of MySQL ({@code utf8mb4_0900_ai_ci}) and MariaDB ({@code utf8mb4_general_ci})
 * find one account for all of them, so each must not be a budget of its own (probe38b F1: 15 accented spellings of
 * one name got 29 guesses a minute through a limit of 5). Between NFKC and case folding each code point of {@link
 * #FOLDS} is read as the letters it stands for: those collations, and PostgreSQL's ICU ones at level 1 or 2, weigh
 * hiragana as katakana, a small kana as its letter ({@code ゅき} is {@code ゆき}), a Hebrew final letter as its letter,
 * a combining Cyrillic or Glagolitic letter as its letter ({@code и\u2DE1ан} is {@code иван}), a CJK radical as its
 * ideograph, and the digits and letters of a Unicode later than Java's as the digit or letter they show ({@code
 * user\uD807\uDF51234}, with a Kawi one, is {@code user1234}), while the key kept them apart or dropped them (probe85a
 * F1, F2: the 8 spellings of {@code さとう} and the 16 of {@code user1234} were a budget each). The table is generated
 * from ICU's root collation, so it covers the class, not the cases found. Folding more spellings together than an
 * application does only makes names share a budget. The work is bounded: a name longer than {@value
 * #MAX_NORMALIZED_CHARS} characters once its invisible characters are gone is no one's name, and is only lower-cased
 * before its digest is taken; a code point of the table is read as at most three.
 */
final class UserNames {

    /**
     * The longest name, without its invisible characters, that is normalised. NFKC composes at most a few
     * characters into one, so a longer text cannot become a name of {@link KeyResolver#MAX_KEY_LENGTH} or fewer.
     */
    static final int MAX_NORMALIZED_CHARS = 8 * KeyResolver.MAX_KEY_LENGTH;

    private UserNames() {}

    /** The key of {@code name}, at most {@link KeyResolver#MAX_KEY_LENGTH} characters. */
    static String key(String name) {
        return KeyResolver.bounded(folded(name));
    }

    /**
     * The key of a code or a token ({@link KeyResolver#bodyFieldExact}): its case and accents kept, for they make
     * another code to an application that compares codes exactly; without default-ignorable and control characters
     * and edge white space, and in NFKC, as a user name's, since an application that trims takes those spellings
     * for one code and one that does not takes them for no code at all: either way no spelling is a guess of its
     * own, and none is a budget of its own. At most {@link KeyResolver#MAX_KEY_LENGTH} characters.
     */
    static String codeKey(String code) {
        if (isPlainAscii(code)) {
            return KeyResolver.bounded(code.trim());
        }
        String visible = withoutIgnorables(code).strip();
        if (visible.length() > MAX_NORMALIZED_CHARS) {
            return KeyResolver.bounded(visible);
        }
        return KeyResolver.bounded(withoutIgnorables(Normalizer.normalize(visible, Normalizer.Form.NFKC))
                .strip());
    }

    /** {@code name} folded as its key is, before the key's bound: any length. */
    static String folded(String name) {
        return folded(name, FOLDS);
    }

    /**
     * {@code name} folded as it was before {@link #FOLDS}: what {@code UserNameFoldsGenerator} (abuse-guard-api's
     * tests) derives the table from, so that regenerating it does not read the table it writes.
     */
    static String foldedWithoutTable(String name) {
        return folded(name, Folds.NONE);
    }

    /** {@code name} folded with {@code folds} read in after NFKC, before case and accents are folded. */
    static String folded(String name, Folds folds) {
        if (isPlainAscii(name)) {
            // the common case: what it always was, and free of work when already trimmed and in lower case
            return name.trim().toLowerCase(Locale.ROOT);
        }
        // stripped before the bound: padding must not push a name the application trims past it
        String visible = withoutEdgeSpaces(withoutIgnorables(name));
        if (visible.length() > MAX_NORMALIZED_CHARS) {
            // marks weigh nothing, so they must not push a name past the bound either (review95 F2: bob and 1,100
            // acutes was a digest of its own for each count of them); removed one by one, in linear time
            visible = withoutEdgeSpaces(withoutMarks(visible));
            if (visible.length() > MAX_NORMALIZED_CHARS) {
                return visible.toLowerCase(Locale.ROOT);
            }
        }
        String compatible = withoutIgnorables(Normalizer.normalize(visible, Normalizer.Form.NFKC));
        // the letters a UCA collation weighs as another's at level 1 (probe85a F1, F2): each read as that one, before
        // case and accents are folded, since what it is read as is already folded
        compatible = folds.applied(withPrevowelsAfter(compatible));
        // lower, upper, lower: the capital sharp s (U+1E9E) is ß, then SS, then ss, as ß is. The marks go before
        // (U+0345 folds to a letter, iota) and after it (İ lowers to i and a dot above), and before the edges are
        // stripped again (NFKC makes an Arabic presentation form a space and a mark: probe64c F1)
        String folded = withoutAccents(withoutAccents(compatible)
                .strip()
                .toLowerCase(Locale.ROOT)
                .toUpperCase(Locale.ROOT)
                .toLowerCase(Locale.ROOT));
        if (!Normalizer.isNormalized(folded, Normalizer.Form.NFKC)) {
            folded = Normalizer.normalize(folded, Normalizer.Form.NFKC); // folding can undo NFKC, rarely
        }
        return folded;
    }

    /**
     * Without combining marks (Unicode's nonspacing marks, of the canonical decomposition: acutes, umlauts,
     * cedillas, tildes, Hebrew points and Arabic vowel signs; enclosing marks such as U+20DD's circle; spacing marks
     * such as the visarga), the Arabic tatweel and code points Java's Unicode does not assign (marks of later
     * versions; the digits and letters among them are read before, from {@link #FOLDS}), and with the Latin letters
     * whose stroke has no decomposition ({@code ø ł đ ð ħ ŧ}) read as their base letter and the ligatures {@code æ œ} as their two letters, as accent-insensitive UCA collations ({@code
     * utf8mb4_0900_ai_ci}, {@code uca1400_ai_ci}, MariaDB's {@code unicode_ci}) read them: each compares {@code bob}
     * and {@code bob\u20DD} or {@code bob\u0903} equal (probe64c F1: 190 guesses at one account from one /24 passed
     * a network's 30, each spelling a budget of its own). Spacing marks that are Indic vowel signs weigh in those
     * collations: names that differ only by them share a budget, which is all that folding too much costs.
     */
    static String withoutAccents(String text) {
        String decomposed = Normalizer.normalize(text, Normalizer.Form.NFD);
        StringBuilder kept = new StringBuilder(decomposed.length());
        boolean changed = decomposed.length() != text.length();
        for (int i = 0; i < decomposed.length(); ) {
            int c = decomposed.codePointAt(i);
            i += Character.charCount(c);
            String shown = combiningLetter(c);
            if (shown != null) {
                kept.append(shown);
                changed = true;
                continue;
            }
            if (isMark(c)) {
                changed = true;
                continue;
            }
            if (c == ' ' && i < decomposed.length() && isMark(decomposed.codePointAt(i))) {
                // an Arabic presentation form's isolated mark, which NFKC makes a space and the mark: neither weighs
                // (review95 F1: bo\uFE70b was "bo b")
                changed = true;
                continue;
            }
            String letters = lettersOf(c);
            if (letters != null) {
                kept.append(letters);
                changed = true;
                continue;
            }
            kept.appendCodePoint(c);
        }
        return changed ? Normalizer.normalize(kept, Normalizer.Form.NFC) : text;
    }

    /**
     * The letter a combining Latin small letter shows (U+0363-U+036F, U+1DCA, U+1DD3-U+1DF4, U+1ABF, U+1AC0,
     * U+1ACC-U+1ACE), which UCA
     * collations weigh as that letter, not as a mark (probe77a F1: {@code \u0363lice} and {@code us\u0364r8} were
     * keys apart from {@code alice} and {@code user8} while MariaDB's {@code uca1400_ai_ci} found those accounts, a
     * budget per spelling; review141 F2: U+1DCA, r below, weighs as {@code r}; review145 F3: Unicode 14's insular g, r
     * and t); {@code null} for any other code point.
     * A few of these (the small capitals, r rotunda, the insular letters) have weights of their own in DUCET; read as
     * the letter they show they only join keys, never split one.
     */
    private static @Nullable String combiningLetter(int c) {
        if (c >= 0x0363 && c <= 0x036F) {
            int index = c - 0x0363;
            return COMBINING_LATIN.substring(index, index + 1);
        }
        return switch (c) {
            case 0x1DD3, 0x1DF2 -> "a"; // flattened open a above, a with diaeresis
            case 0x1DD4 -> "ae";
            case 0x1DD5 -> "ao";
            case 0x1DD6 -> "av";
            case 0x1DD7 -> "c"; // c cedilla
            case 0x1DD8, 0x1DD9 -> "d"; // insular d, eth
            case 0x1DDA, 0x1DDB, 0x1ACC -> "g"; // ..., insular g
            case 0x1DDC -> "k";
            case 0x1DDD, 0x1DDE, 0x1DEC -> "l";
            case 0x1DDF -> "m";
            case 0x1DE0, 0x1DE1 -> "n";
            case 0x1DCA, 0x1DE2, 0x1DE3, 0x1ACD -> "r"; // r below, small capital r, r rotunda, insular r
            case 0x1ACE -> "t"; // insular t
            case 0x1DE4, 0x1DE5 -> "s"; // s, long s
            case 0x1DE6 -> "z";
            case 0x1DE7 -> "\u0251"; // Latin alpha
            case 0x1DE8 -> "b";
            case 0x1DE9 -> "\u03B2"; // beta
            case 0x1DEA -> "\u0259"; // schwa
            case 0x1DEB -> "f";
            case 0x1DED, 0x1DF3 -> "o";
            case 0x1DEE -> "p";
            case 0x1DEF -> "\u0283"; // esh
            case 0x1DF0, 0x1DF4 -> "u";
            case 0x1DF1, 0x1ABF -> "w";
            case 0x1AC0 -> "\u028D"; // turned w
            default -> null;
        };
    }

    /** The letters U+0363-U+036F show: a e i o u c d h m r t v x. */
    private static final String COMBINING_LATIN = "aeioucdhmrtvx";

    /**
     * Whether a UCA collation reads {@code c} as no letter of its own: a mark, the tatweel, the few modifier letters
     * and signs it skips (review95 F1: U+07FA, U+0824, U+0828, U+180A, U+1CD3, U+1CF2, U+1CF3, U+FE73), the middle dot
     * NFKC leaves of {@code ŀ}, an unassigned point (a mark of a later Unicode than the JDK's).
     */
    private static boolean isMark(int c) {
        int type = Character.getType(c);
        return type == Character.NON_SPACING_MARK
                || type == Character.ENCLOSING_MARK
                || type == Character.COMBINING_SPACING_MARK
                || type == Character.UNASSIGNED
                || c == 0x0640
                || c == 0x00B7
                || c == 0x07FA
                || c == 0x0824
                || c == 0x0828
                || c == 0x180A
                || c == 0x1CD3
                || c == 0x1CF2
                || c == 0x1CF3
                || c == 0xFE73;
    }

    /**
     * {@code text} without the white space and Unicode spaces at its edges ({@code strip()} keeps a no-break space,
     * which NFKC makes a space on the short path: review97 F3).
     */
    private static String withoutEdgeSpaces(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isSpace(text.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    /** {@code text} without what {@link #isMark} matches, unnormalised: linear in its length, for any length. */
    private static String withoutMarks(String text) {
        StringBuilder kept = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (!isMark(c) && !SPACED_MARKS.get(c)) {
                kept.appendCodePoint(c);
            }
        }
        return kept.toString();
    }

    /**
     * The characters NFKC makes a space and marks (spacing accents {@code ´ ¨ ˝}, Greek and Arabic isolated forms,
     * the kana voicing marks): nothing a collation weighs, dropped with the space the short path drops (review96 F3).
     * Only a few blocks hold them.
     */
    private static final java.util.BitSet SPACED_MARKS = spacedMarks();

    private static java.util.BitSet spacedMarks() {
        java.util.BitSet marks = new java.util.BitSet(0x10000);
        // every block with such a character in Java 17's Unicode (review97 F1: U+2017, U+203E, U+FFE3, the half-width
        // voicing marks, the Arabic medial forms that are the tatweel and a mark)
        int[][] blocks = {{0xA0, 0x400}, {0x1FB0, 0x2040}, {0x3090, 0x30A0}, {0xFC00, 0x10000}};
        for (int[] block : blocks) {
            for (int c = block[0]; c < block[1]; c++) {
                String normal = Normalizer.normalize(Character.toString(c), Normalizer.Form.NFKC);
                String marksOnly = normal.startsWith(" ") ? normal.substring(1) : normal;
                if (!normal.equals(Character.toString(c))
                        && !marksOnly.isEmpty()
                        && marksOnly.codePoints().allMatch(UserNames::isMark)) {
                    marks.set(c);
                }
            }
        }
        return marks;
    }

    /**
     * The letters a UCA collation reads {@code c} as, where it is none of them: a Latin letter with a stroke ({@code ø
     * ł đ ð ħ ŧ}), a ligature or digraph letter ({@code
     * æ œ ꜳ ꝏ ʦ ȸ}), a digit of any script ({@code ٥ ५ ๕} are 5), a circled digit NFKC keeps ({@code ❶}), an enclosed
     * Latin letter NFKC keeps ({@code 🅑}); {@code null} for any other (review95 F1: user5 and user٥ were two keys
     * of one account, 65 spellings per digit).
     */
    private static @Nullable String lettersOf(int c) {
        if (c < 0x80) {
            return null;
        }
        return switch (c) {
            // the Latin letters whose stroke has no decomposition
            case 'ø' -> "o";
            case 'ł' -> "l";
            case 'đ', 'ð' -> "d";
            case 'ħ' -> "h";
            case 'ŧ' -> "t";
            case 'æ' -> "ae"; // probe43b: æron was not aeron
            case 'œ' -> "oe";
            case 0xA733 -> "aa";
            case 0xA735 -> "ao";
            case 0xA737 -> "au";
            case 0xA739, 0xA73B -> "av";
            case 0xA73D -> "ay";
            case 0xA74F -> "oo";
            case 0xA761 -> "vy";
            case 0xA729 -> "tz";
            case 0x02A6, 0x01BE -> "ts"; // probe77a F2: U+01BE, which UCA collations weigh as ts
            case 0x02A3 -> "dz"; // probe77a F2: the dz digraph
            case 0x02A4 -> "d\u0292"; // dezh: d and ezh
            case 0x02A5 -> "d\u0291"; // dz with curl: d and z with curl
            case 0x02AA -> "ls";
            case 0x02AB -> "lz";
            case 0x1EFB -> "ll";
            case 0x1D7A -> "th";
            case 0x0238 -> "db";
            case 0x0239 -> "qp";
            case 0x018D -> "zw";
            // the squared words NFKC keeps
            case 0x1F18E -> "ab";
            case 0x1F18F -> "wc";
            case 0x1F190 -> "dj";
            case 0x1F191 -> "cl";
            case 0x1F192 -> "cool";
            case 0x1F193 -> "free";
            case 0x1F194 -> "id";
            case 0x1F195 -> "new";
            case 0x1F196 -> "ng";
            case 0x1F197 -> "ok";
            case 0x1F198 -> "sos";
            case 0x1F199 -> "up";
            case 0x1F19A -> "vs";
            case 0x1F18B -> "ic"; // probe77a F2: the squared words after U+1F19A, and U+1F18B-U+1F18D
            case 0x1F18C -> "pa";
            case 0x1F18D -> "sa";
            case 0x1F19B -> "3d";
            case 0x1F19C -> "2ndscr";
            case 0x1F19D -> "2k";
            case 0x1F19E -> "4k";
            case 0x1F19F -> "8k";
            case 0x1F1A0 -> "5.1";
            case 0x1F1A1 -> "7.1";
            case 0x1F1A2 -> "22.2";
            case 0x1F1A3 -> "60p";
            case 0x1F1A4 -> "120p";
            case 0x1F1A6 -> "hc";
            case 0x1F1A7 -> "hdr";
            case 0x1F1A8 -> "hi-res";
            case 0x1F1A9 -> "lossless";
            case 0x1F1AA -> "shv";
            case 0x1F1AB -> "uhd";
            case 0x1F1AC -> "vod";
            // the Volapük vowels, weighed as their base vowel (review98 F2)
            case 0xA79A, 0xA79B -> "a";
            case 0xA79C, 0xA79D -> "o";
            case 0xA79E, 0xA79F -> "u";
            // the enclosed letters NFKC keeps outside the runs below
            case 0x1F18A -> "p";
            case 0x1F1A5 -> "d";
            default -> numberOrEnclosedLetter(c);
        };
    }

    /**
     * The insular letters (U+A779-U+A787, U+1D79) and the letters with an oblique stroke (U+A7A0-U+A7A9), which a UCA
     * collation weighs as their base letter (review98 F2: {@code ꞩam} and {@code ꞅam} were keys apart from {@code
     * sam}), capital and small; {@code null} for any other.
     */
    private static @Nullable String insularOrObliqueStrokeLetter(int c) {
        if (c == 0x1D79) {
            return "g";
        }
        if (c >= 0xA779 && c <= 0xA787) {
            int index = c - 0xA779;
            return INSULAR.substring(index, index + 1);
        }
        if (c >= 0xA7A0 && c <= 0xA7A9) {
            int index = (c - 0xA7A0) / 2;
            return OBLIQUE_STROKE.substring(index, index + 1);
        }
        return null;
    }

    /**
     * The base letter of each of U+A779-U+A787: insular D and d, F and f, G (its small form is U+1D79), turned insular G
     * and g, turned L and l, insular R and r, S and s, T and t.
     */
    private static final String INSULAR = "ddffggg" + "ll" + "rr" + "ss" + "tt";

    /** The base letters of U+A7A0-U+A7A9 in pairs, capital then small: G, K, N, R, S. */
    private static final String OBLIQUE_STROKE = "gknrs";

    private static @Nullable String numberOrEnclosedLetter(int c) {
        String letter = insularOrObliqueStrokeLetter(c);
        if (letter != null) {
            return letter;
        }
        int type = Character.getType(c);
        if (type == Character.DECIMAL_DIGIT_NUMBER) {
            int digit = Character.digit(c, 10);
            return digit < 0 ? null : Character.toString('0' + digit);
        }
        if (c >= 0x0F2A && c <= 0x0F33) {
            // the Tibetan half digits: half one to half nine, then half zero, weighed as the digits (review98 F2)
            return c == 0x0F33 ? "0" : Character.toString('1' + (c - 0x0F2A));
        }
        if (type == Character.OTHER_NUMBER || type == Character.LETTER_NUMBER) {
            // a letter number NFKC keeps (the Hangzhou numerals, U+3007, cuneiform and Greek acrophonic numerals,
            // U+2185) is weighed as its value's digits, as another number is (review98 F2: user〥 and user𒐃 were not
            // user5)
            int value = Character.getNumericValue(c);
            return value >= 0 ? Integer.toString(value) : null;
        }
        for (int start : ENCLOSED_LATIN_CAPITALS) {
            if (c >= start && c < start + 26) {
                return Character.toString('a' + (c - start));
            }
        }
        return null;
    }

    /** The first letter of each run of enclosed Latin capitals NFKC does not map: squared, negative circled, negative squared. */
    private static final int[] ENCLOSED_LATIN_CAPITALS = {0x1F130, 0x1F150, 0x1F170};

    private static boolean isPlainAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private static String withoutIgnorables(String text) {
        int first = 0;
        while (first < text.length() && !isIgnorable(text.codePointAt(first))) {
            first += Character.charCount(text.codePointAt(first));
        }
        if (first == text.length()) {
            return text;
        }
        StringBuilder kept = new StringBuilder(text.length()).append(text, 0, first);
        for (int i = first; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (!isIgnorable(c)) {
                kept.appendCodePoint(c);
            }
            i += Character.charCount(c);
        }
        return kept.toString();
    }

    /**
     * Unicode's Default_Ignorable_Code_Point (format characters such as zero-width spaces and joiners, soft
     * hyphens, byte-order marks, bidirectional controls and tags; variation selectors; Hangul fillers) and
     * control characters: nothing a reader sees.
     */
    static boolean isIgnorable(int c) {
        int type = Character.getType(c);
        if (type == Character.FORMAT || type == Character.CONTROL) {
            return true;
        }
        return c == 0x034F
                || c == 0x115F
                || c == 0x1160
                || c == 0x17B4
                || c == 0x17B5
                || (c >= 0x180B && c <= 0x180F)
                || (c >= 0x2060 && c <= 0x206F)
                || c == 0x3164
                || (c >= 0xFE00 && c <= 0xFE0F)
                || c == 0xFFA0
                || (c >= 0xFFF0 && c <= 0xFFF8)
                || (c >= 0x1BCA0 && c <= 0x1BCA3)
                || (c >= 0x1D173 && c <= 0x1D17A)
                || (c >= 0xE0000 && c <= 0xE0FFF);
    }

    /**
     * The code points a UCA collation weighs as other letters at level 1, each with the fold of those letters, from
     * {@code user-name-folds.txt}, generated by {@code UserNameFoldsGenerator} (abuse-guard-api's tests) from ICU's
     * root collation at level 1: each code point is read as the fold of a letter or string it weighs as (kana and small
     * kana, Hebrew final letters, combining Cyrillic and Glagolitic letters, CJK radicals, digits and letters of a
     * Unicode later than Java 17's, r rotunda, typographic quotes and dashes, and the rest of their class), and no
     * target holds a code point of the table, so a fold is stable. Read once, when the class is initialised; a
     * missing or malformed table fails that loudly rather than folding less.
     */
    static final Folds FOLDS = Folds.load();

    /**
     * {@code text} with each Thai, Lao, New Tai Lue and Tai Viet prevowel written after the consonant it stands before, as
     * UCA collations weigh it (a prevowel and the consonant after it are one contraction, the consonant's weight first):
     * {@code สมเกียรติ} and {@code สมกเียรติ} are one name to PostgreSQL's ICU collations, and were two keys (review159 F1).
     */
    static String withPrevowelsAfter(String text) {
        int first = -1;
        for (int i = 0; i < text.length() - 1; i++) {
            if (isPrevowel(text.charAt(i))) {
                first = i;
                break;
            }
        }
        if (first < 0) {
            return text;
        }
        char[] chars = text.toCharArray();
        for (int i = first; i < chars.length - 1; i++) {
            if (isPrevowel(chars[i]) && isConsonant(chars[i + 1])) {
                char prevowel = chars[i];
                chars[i] = chars[i + 1];
                chars[i + 1] = prevowel;
                i++;
            }
        }
        return new String(chars);
    }

    /** A consonant of the prevowels' scripts: only before one is a prevowel weighed after (review160 F3). */
    private static boolean isConsonant(char c) {
        return (c >= '\u0E01' && c <= '\u0E2E')
                || (c >= '\u0E81' && c <= '\u0EAE')
                || (c >= '\u0EDC' && c <= '\u0EDF')
                || (c >= '\u1980' && c <= '\u19AB')
                || (c >= '\uAA80' && c <= '\uAAAF');
    }

    private static boolean isPrevowel(char c) {
        return (c >= '\u0E40' && c <= '\u0E44')
                || (c >= '\u0EC0' && c <= '\u0EC4')
                || (c >= '\u19B5' && c <= '\u19B7')
                || c == '\u19BA'
                || c == '\uAAB5'
                || c == '\uAAB6'
                || c == '\uAAB9'
                || c == '\uAABB'
                || c == '\uAABC';
    }

    /**
     * Reads the table now, when keys are configured: a jar or image without it (shaded, minimised, a native image
     * without the resource) fails at start-up, rather than with an {@link Error} at the first request that keys a
     * user name (review159 F5).
     */
    static void requireTable() {
        if (FOLDS.size() == 0) {
            throw new IllegalStateException("The user-name folds " + Folds.RESOURCE + " hold no entry");
        }
    }

    /**
     * A table of folds: sorted code points and, at the same index, the text each is read as. The bundled table has
     * 1,348 entries (a 58 KB resource; an {@code int} and a short string each in memory).
     */
    static final class Folds {

        /** No folds: the key as it was before the table. */
        static final Folds NONE = new Folds(new int[0], new String[0]);

        /** The table's resource, next to this class. */
        static final String RESOURCE = "user-name-folds.txt";

        private final int[] codePoints;
        private final String[] targets;

        private Folds(int[] codePoints, String[] targets) {
            this.codePoints = codePoints;
            this.targets = targets;
        }

        /** The number of code points the table reads as others. */
        int size() {
            return codePoints.length;
        }

        /** {@code text} with each code point of the table read as its target; {@code text} itself if none is. */
        String applied(String text) {
            int first = 0;
            while (first < text.length() && targetOf(text.codePointAt(first)) == null) {
                first += Character.charCount(text.codePointAt(first));
            }
            if (first == text.length()) {
                return text;
            }
            StringBuilder read = new StringBuilder(text.length() + 8).append(text, 0, first);
            for (int i = first; i < text.length(); ) {
                int c = text.codePointAt(i);
                i += Character.charCount(c);
                String target = targetOf(c);
                if (target != null) {
                    read.append(target);
                } else {
                    read.appendCodePoint(c);
                }
            }
            return read.toString();
        }

        private @Nullable String targetOf(int c) {
            if (c < 0x80) {
                return null; // the table holds no ASCII
            }
            int index = Arrays.binarySearch(codePoints, c);
            return index < 0 ? null : targets[index];
        }

        private static Folds load() {
            InputStream in = UserNames.class.getResourceAsStream(RESOURCE);
            if (in == null) {
                throw new IllegalStateException(
                        "The user-name folds " + RESOURCE + " are missing from abuse-guard-api");
            }
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                Folds folds = parse(reader);
                for (String target : folds.targets) {
                    if (!folds.applied(target).equals(target)) {
                        throw new IllegalStateException(
                                "The user-name folds " + RESOURCE + " read a target as another: " + target);
                    }
                }
                return folds;
            } catch (IOException e) {
                throw new UncheckedIOException("The user-name folds " + RESOURCE + " could not be read", e);
            }
        }

        /**
         * The table of {@code reader}: lines {@code XXXX<TAB>YYYY ZZZZ<TAB># name}, code points in ascending order,
         * none of them ASCII; {@code #} comment lines and blank lines skipped. ({@link #load} also requires that no
         * target holds a code point of the table.)
         *
         * @throws IllegalStateException if a line is not such a line
         */
        static Folds parse(Reader reader) throws IOException {
            BufferedReader lines = new BufferedReader(reader);
            int[] codePoints = new int[64];
            List<String> targets = new ArrayList<>();
            int number = 0;
            for (String line; (line = lines.readLine()) != null; ) {
                number++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("\t", -1);
                try {
                    if (fields.length < 2 || fields[1].isEmpty()) {
                        throw new IllegalArgumentException("not a code point, a tab and its target");
                    }
                    int c = Integer.parseInt(fields[0], 16);
                    if (c < 0x80 || c > Character.MAX_CODE_POINT) {
                        throw new IllegalArgumentException("code point out of range");
                    }
                    if (!targets.isEmpty() && codePoints[targets.size() - 1] >= c) {
                        throw new IllegalArgumentException("code points out of order");
                    }
                    StringBuilder target = new StringBuilder();
                    for (String hex : fields[1].split(" ", -1)) {
                        target.appendCodePoint(Integer.parseInt(hex, 16));
                    }
                    if (targets.size() == codePoints.length) {
                        codePoints = Arrays.copyOf(codePoints, 2 * codePoints.length);
                    }
                    codePoints[targets.size()] = c;
                    targets.add(target.toString());
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(
                            "The user-name folds " + RESOURCE + " are malformed at line " + number + ": " + line, e);
                }
            }
            if (targets.isEmpty()) {
                throw new IllegalStateException("The user-name folds " + RESOURCE + " hold no entry");
            }
            return new Folds(Arrays.copyOf(codePoints, targets.size()), targets.toArray(new String[0]));
        }
    }
}
