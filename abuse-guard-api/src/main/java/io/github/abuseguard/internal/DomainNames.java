package io.github.abuseguard.internal;

import java.net.IDN;
import java.text.Normalizer;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Domain names as mail software and browsers read them: without invisible characters, NFKC-normalised,
 * lower-cased and in their ASCII (punycode) form, or {@code null} when a text cannot be one. What the e-mail
 * guard looks lists up by and what a {@code mailbox:} key folds an address's domain to, so that the two agree
 * (probe44a F1).
 */
public final class DomainNames {
    /** The longest text read as a name: a whole address (RFC 5321: 64 + 1 + 255). */
    private static final int MAX_NAME_TEXT = 320;
    /** The longest domain name (RFC 1035), without its trailing dot. */
    private static final int MAX_DOMAIN = 253;
    /** The longest label (RFC 1035). */
    private static final int MAX_LABEL = 63;

    private DomainNames() {}

    /** A domain name normalised as {@code EmailDomain.of} does; {@code null} when it cannot be one. */
    public static @Nullable String normalise(String domain) {
        return domain == null ? null : normalise(domain, 0, domain.length());
    }

    /** The name between {@code start} and {@code end} normalised as {@code EmailDomain.of} does, or {@code null}. */
    public static @Nullable String normalise(String text, int start, int end) {
        return normalise(text, start, end, true);
    }

    /**
     * The name between {@code start} and {@code end} as software that converts by IDNA2003 (UTS #46 with transitions:
     * {@link IDN}, Python's {@code idna} codec) reads it, when that differs from {@link #normalise(String, int, int)}:
     * a name with a sharp s or a final sigma ({@code abyßmail.com} is {@code abyssmail.com} there); {@code null}
     * otherwise. Mail may be delivered to either reading, so both are asked about (review58 F1: the IDNA2008 reading
     * alone let a listed {@code ss} name through spelled with {@code ß}).
     */
    public static @Nullable String transitionalTwin(String text, int start, int end) {
        String twin = normalise(text, start, end, false);
        return twin == null || twin.equals(normalise(text, start, end, true)) ? null : twin;
    }

    private static @Nullable String normalise(String text, int start, int end, boolean keepDeviations) {
        int from = start;
        int to = end;
        while (from < to && isIgnorable(text.codePointAt(from))) {
            from += Character.charCount(text.codePointAt(from));
        }
        // trailing dots and padding in any order: "yopmail.com. ." is yopmail.com
        while (to > from && (isIgnorable(text.codePointBefore(to)) || isDot(text.charAt(to - 1)))) {
            to -= Character.charCount(text.codePointBefore(to));
        }
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c >= '\u007F') {
                String visible = withoutIgnorables(text, i, from, to);
                return visible == null
                        ? name(text, from, to, keepDeviations)
                        : name(visible, 0, visible.length(), keepDeviations);
            }
        }
        return name(text, from, to, keepDeviations);
    }

    /**
     * The text between {@code from} and {@code to} without its invisible characters, wherever they are
     * (UTS #46 maps default-ignorable code points to nothing; an application that strips them delivers
     * {@code a@yop\u200Email.com} to yopmail.com); {@code null} when there are none. ASCII white space and
     * controls inside a name are kept, so that {@code not a host} stays no host name: mail software reads
     * them as separators, as the e-mail guard does.
     *
     * @param first the first character that is not printable ASCII
     */
    private static @Nullable String withoutIgnorables(String text, int first, int from, int to) {
        StringBuilder visible = null;
        int i = first;
        while (i < to) {
            int c = text.codePointAt(i);
            int next = Math.min(to, i + Character.charCount(c));
            if (c > ' ' && isIgnorable(c)) {
                if (visible == null) {
                    visible = new StringBuilder(to - from).append(text, from, i);
                }
            } else if (visible != null) {
                visible.append(text, i, next);
            }
            i = next;
        }
        return visible == null ? null : visible.toString();
    }

    /** A name without invisible characters, normalised; {@code null} when it cannot be a domain name. */
    private static @Nullable String name(String text, int from, int to, boolean keepDeviations) {
        int start = from;
        int end = to;
        while (end > start && isDot(text.charAt(end - 1))) {
            end--;
        }
        if (start == end || text.charAt(start) == '[') {
            return null;
        }
        // One pass over a plain ASCII name checks its characters and label lengths; anything else goes
        // through IDN.
        boolean upper = false;
        int labelStart = start;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c == '.') {
                if (i == labelStart || i - labelStart > MAX_LABEL) {
                    return null;
                }
                labelStart = i + 1;
            } else if (c >= 'A' && c <= 'Z') {
                upper = true;
            } else if (!isNameChar(c)) {
                return internationalised(text.substring(start, end), keepDeviations);
            }
        }
        if (end - labelStart > MAX_LABEL || end - start > MAX_DOMAIN) {
            return null;
        }
        String name = text.substring(start, end);
        return upper ? name.toLowerCase(Locale.ROOT) : name;
    }

    /**
     * A name with characters beyond ASCII in its ASCII form. {@link IDN} maps by the Unicode 3.2 tables of
     * IDNA2003: a compatibility letter added later ({@code \u1D50} modifier m, {@code \u2090} subscript a,
     * {@code \uA7F2} modifier C) it passes through unmapped, and punycodes {@code \u1D50ailinator.com} as
     * another name than mailinator.com, where UTS #46 (browsers, ICU, libidn2, mail servers with SMTPUTF8)
     * and an application that NFKC-normalises deliver to mailinator.com. So the name is NFKC-normalised
     * and lower-cased first, by this runtime's newer tables, and a code point this runtime does not know
     * at all makes the name unreadable: a later Unicode may map it to anything, an ASCII letter included.
     * Real internationalised names keep working: their letters are assigned, and NFKC with lower case is
     * what IDNA's own mapping does to them.
     */
    private static @Nullable String internationalised(String name, boolean keepDeviations) {
        if (name.length() > MAX_NAME_TEXT) {
            return null;
        }
        String folded = Normalizer.normalize(name, Normalizer.Form.NFKC);
        // lower case can undo NFKC (U+0130 becomes i and a combining dot): normalised again
        // capital sigma first: String.toLowerCase makes it a final sigma before a digit or at the end, where UTS #46
        // maps it to the small sigma always (review58 F2: ΔΣ1.gr was read as δς1.gr, not δσ1.gr)
        folded =
                Normalizer.normalize(folded.replace('\u03A3', '\u03C3').toLowerCase(Locale.ROOT), Normalizer.Form.NFKC);
        // NFKC expands some characters up to 18 times (U+FDFA): bounded again, no domain is longer
        if (folded.length() > MAX_NAME_TEXT) {
            return null;
        }
        for (int i = 0; i < folded.length(); ) {
            int c = folded.codePointAt(i);
            if (!Character.isDefined(c)) {
                return null;
            }
            i += Character.charCount(c);
        }
        String ascii;
        try {
            ascii = IDN.toASCII(folded, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
            if (keepDeviations && hasDeviation(folded)) {
                ascii = nonTransitional(folded, ascii);
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        // IDN maps the ideographic and full-width dots to '.', and drops invisible characters, so the
        // padding may only show now.
        int end = ascii.length();
        while (end > 0 && ascii.charAt(end - 1) == '.') {
            end--;
        }
        ascii = ascii.substring(0, end);
        for (int i = 0; i < ascii.length(); i++) {
            if (!isNameChar(ascii.charAt(i))) {
                return null;
            }
        }
        return valid(ascii);
    }

    /**
     * Whether a folded name has a letter that IDNA2003 maps away and IDNA2008 keeps: sharp s ({@code ß}), final
     * sigma ({@code ς}). (The joiners U+200C and U+200D, the other two deviations, are invisible and dropped before.)
     */
    private static boolean hasDeviation(String folded) {
        return folded.indexOf('\u00DF') >= 0 || folded.indexOf('\u03C2') >= 0;
    }

    /**
     * The ASCII form of a name with a deviation letter as UTS #46 reads it without transitions (IDNA2008: browsers,
     * ICU, libidn2, mail software with SMTPUTF8), where {@link IDN}, by IDNA2003, maps {@code ß} to {@code ss}: mail
     * to {@code wegwerfmaß.de} goes to {@code xn--wegwerfma-o1a.de}, the name a list carries, not to {@code
     * wegwerfmass.de} (probe57a F5: the listed domain written in Unicode was read as another, unlisted one). Each
     * label is mapped by {@link IDN} around its deviation letters, which are kept, and punycoded whole.
     *
     * @param transitional the name as {@link IDN} reads it, which checked what it allows
     */
    private static String nonTransitional(String folded, String transitional) {
        String[] labels = folded.split("[.\u3002\uFF0E\uFF61]", -1);
        String[] checked = transitional.split("\\.", -1);
        if (labels.length != checked.length) {
            return transitional; // IDN dropped or split a label: its reading stands
        }
        StringBuilder name = new StringBuilder(transitional.length() + 8);
        for (int i = 0; i < labels.length; i++) {
            if (i > 0) {
                name.append('.');
            }
            name.append(hasDeviation(labels[i]) ? "xn--" + Punycode.encode(mapped(labels[i])) : checked[i]);
        }
        return name.toString().toLowerCase(Locale.ROOT);
    }

    /** A label mapped as IDN's nameprep maps it, its deviation letters kept. */
    private static String mapped(String label) {
        StringBuilder out = new StringBuilder(label.length());
        int start = 0;
        for (int i = 0; i <= label.length(); i++) {
            if (i == label.length() || label.charAt(i) == '\u00DF' || label.charAt(i) == '\u03C2') {
                if (i > start) {
                    out.append(IDN.toUnicode(IDN.toASCII(label.substring(start, i), IDN.ALLOW_UNASSIGNED)));
                }
                if (i < label.length()) {
                    out.append(label.charAt(i));
                }
                start = i + 1;
            }
        }
        return out.toString();
    }

    private static @Nullable String valid(String name) {
        if (name.isEmpty() || name.length() > MAX_DOMAIN) {
            return null;
        }
        int labelStart = 0;
        for (int i = 0; i <= name.length(); i++) {
            if (i == name.length() || name.charAt(i) == '.') {
                int length = i - labelStart;
                if (length == 0 || length > MAX_LABEL) {
                    return null;
                }
                labelStart = i + 1;
            }
        }
        return name;
    }

    /**
     * Whether every label of a name {@link #normalise} gave is one a registry can hold, so that mail can reach it:
     * letters, digits and inner hyphens (RFC 5321's {@code sub-domain}: no {@code _}, no {@code -} at either end), and
     * an {@code xn--} label only where it is the Punycode of a label with a letter beyond ASCII, nothing invisible, no
     * symbol (IDNA2008 disallows them) and in NFKC lower case. A name with another label is delivered by no mail
     * system, only by an application that reads it carelessly: {@code xn--gmail-} (Punycode of {@code gmail}), the
     * Punycode of {@code gm} U+200B {@code ail}, {@code g_mail}, {@code gm✓ail} were inboxes of their own to the mailbox
     * keys while the lists read them as {@code gmail.com} (probe85c F1: 9, 13 and 10 accounts on one inbox where 3
     * were allowed).
     */
    public static boolean isRegistrable(String name) {
        int labelStart = 0;
        for (int i = 0; i <= name.length(); i++) {
            if (i == name.length() || name.charAt(i) == '.') {
                if (i == labelStart || !registrable(name, labelStart, i)) {
                    return false;
                }
                labelStart = i + 1;
            }
        }
        return true;
    }

    /**
     * {@code name} (as {@link #normalise} gave it) if {@linkplain #isRegistrable registrable}, else the name an
     * application that reads it carelessly delivers to, as the lists read it: each {@code xn--} label decoded, {@code _},
     * symbols and the hyphens at a label's ends dropped, then normalised again (invisible characters dropped, NFKC,
     * lower case, Punycode); {@code null} when that is no registrable name either.
     */
    public static @Nullable String registrableReading(String name) {
        if (isRegistrable(name)) {
            return name;
        }
        String unicode = toUnicode(name);
        StringBuilder read = new StringBuilder(unicode.length());
        int labelStart = 0;
        for (int i = 0; i < unicode.length(); ) {
            int c = unicode.codePointAt(i);
            i += Character.charCount(c);
            if (c == '.') {
                trimHyphens(read, labelStart);
                read.append('.');
                labelStart = read.length();
            } else if (c != '_' && !isSymbol(c) && !isPunctuation(c) && !(c == '-' && read.length() == labelStart)) {
                read.appendCodePoint(c);
            }
        }
        trimHyphens(read, labelStart);
        while (read.length() > 0 && read.charAt(read.length() - 1) == '.') {
            // a last label of symbols or punctuation alone: the root's dot, gmail.com.✓ is gmail.com (review160 F2)
            read.setLength(read.length() - 1);
        }
        if (read.length() == 0 || read.charAt(0) == '.' || read.indexOf("..") >= 0) {
            // a label of symbols alone (an emoji domain, 💩.la, review159 F4) reads as no other domain: its own
            return name;
        }
        String again = normalise(read.toString());
        return again != null && isRegistrable(again) ? again : null;
    }

    /** Punctuation IDNA2008 disallows in a label: every kind but the ASCII hyphen (review159 F3: {@code gm‐ail}). */
    private static boolean isPunctuation(int c) {
        if (c == '-') {
            return false;
        }
        int type = Character.getType(c);
        return type == Character.CONNECTOR_PUNCTUATION
                || type == Character.DASH_PUNCTUATION
                || type == Character.START_PUNCTUATION
                || type == Character.END_PUNCTUATION
                || type == Character.INITIAL_QUOTE_PUNCTUATION
                || type == Character.FINAL_QUOTE_PUNCTUATION
                || type == Character.OTHER_PUNCTUATION;
    }

    private static void trimHyphens(StringBuilder read, int labelStart) {
        while (read.length() > labelStart && read.charAt(read.length() - 1) == '-') {
            read.setLength(read.length() - 1);
        }
    }

    private static boolean registrable(String name, int from, int to) {
        if (name.charAt(from) == '-' || name.charAt(to - 1) == '-') {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (name.charAt(i) == '_') {
                return false;
            }
        }
        if (to - from < 4 || !name.startsWith("xn--", from)) {
            return true;
        }
        String label = Punycode.decode(name.substring(from + 4, to));
        if (label == null) {
            return false;
        }
        boolean beyondAscii = false;
        for (int i = 0; i < label.length(); ) {
            int c = label.codePointAt(i);
            i += Character.charCount(c);
            if (isIgnorable(c) || isSymbol(c) || isPunctuation(c)) {
                return false;
            }
            beyondAscii |= c >= 0x80;
        }
        return beyondAscii
                && label.equals(
                        Normalizer.normalize(label, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT));
    }

    private static boolean isSymbol(int c) {
        int type = Character.getType(c);
        return type == Character.MATH_SYMBOL
                || type == Character.CURRENCY_SYMBOL
                || type == Character.MODIFIER_SYMBOL
                || type == Character.OTHER_SYMBOL;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
    }

    /**
     * The Unicode form of a domain in A-labels, each {@code xn--} label decoded as Punycode alone, without IDNA2003's
     * mapping, which {@link java.net.IDN#toUnicode} applies and then gives up on (review87 F1: {@code
     * xn--yopmail-6va}, {@code yopmailß}, came back unchanged); a label that is no valid Punycode stays as it is.
     */
    public static String toUnicode(String domain) {
        if (!domain.contains("xn--") && !domain.contains("XN--")) {
            return domain;
        }
        StringBuilder out = new StringBuilder(domain.length());
        int start = 0;
        while (start <= domain.length()) {
            int end = domain.indexOf('.', start);
            if (end < 0) {
                end = domain.length();
            }
            String label = domain.substring(start, end);
            String decoded = label.length() > 4 && label.regionMatches(true, 0, "xn--", 0, 4)
                    ? Punycode.decode(label.substring(4))
                    : null;
            out.append(decoded == null ? label : decoded);
            if (end < domain.length()) {
                out.append('.');
            }
            start = end + 1;
        }
        return out.toString();
    }

    /**
     * Whether a code point is invisible in a domain name: white space and Unicode spaces (U+00A0,
     * U+2000-U+200A, U+3000, ...), controls, format characters (general category Cf, among them the
     * bidi marks and embeddings U+200E, U+202A-U+202E, U+2066-U+2069, the invisible operators U+2061-U+2064,
     * U+180E, the interlinear annotation marks U+FFF9-U+FFFB, the musical format characters
     * U+1D173-U+1D17A and the tag characters U+E0001-U+E007F), and the rest of Unicode's
     * Default_Ignorable_Code_Point (variation selectors, the combining grapheme joiner, the Hangul
     * fillers, and the unassigned reserved ones), and the {@linkplain #isBlankSymbol symbols that draw
     * nothing}. No registrable name contains one, so dropping them cannot turn an ordinary domain into a
     * listed one.
     */
    public static boolean isIgnorable(int c) {
        if (c <= ' ') {
            return true;
        }
        if (c < 0x7F) {
            return false;
        }
        if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
            return true;
        }
        int type = Character.getType(c);
        return type == Character.FORMAT || type == Character.CONTROL || isOtherDefaultIgnorable(c) || isBlankSymbol(c);
    }

    /**
     * A symbol that fonts draw as nothing although Unicode does not call it ignorable: the Braille
     * pattern blank U+2800 (the usual "invisible character" of chat names) and the musical null notehead
     * U+1D159. IDNA2003, which {@link IDN} implements, lets a symbol into a name and would punycode
     * {@code mailinator.com\u2800} as another domain, where a person, or an application that strips what
     * it cannot see, reads mailinator.com; IDNA2008 disallows every symbol, so no registrable name has one.
     */
    private static boolean isBlankSymbol(int c) {
        return c == 0x2800 || c == 0x1D159;
    }

    /** Default_Ignorable_Code_Point that is not a format character (Unicode 15.1, DerivedCoreProperties.txt). */
    private static boolean isOtherDefaultIgnorable(int c) {
        return c == 0x034F // combining grapheme joiner
                || c == 0x115F
                || c == 0x1160 // Hangul choseong and jungseong fillers
                || c == 0x17B4
                || c == 0x17B5 // Khmer inherent vowels
                || (c >= 0x180B && c <= 0x180F) // Mongolian free variation selectors (and U+180E)
                || (c >= 0x2060 && c <= 0x206F) // word joiner .. nominal digit shapes, reserved U+2065
                || c == 0x3164 // Hangul filler
                || (c >= 0xFE00 && c <= 0xFE0F) // variation selectors
                || c == 0xFFA0 // half-width Hangul filler
                || (c >= 0xFFF0 && c <= 0xFFF8) // reserved
                || (c >= 0xE0000 && c <= 0xE0FFF); // tags, variation selectors supplement, reserved
    }

    /** A dot, and the forms of it NFKC or IDN read as one: U+3002, U+FF0E, U+FF61, U+FE52, U+2024. */
    public static boolean isDot(char c) {
        return c == '.' || c == '\u3002' || c == '\uFF0E' || c == '\uFF61' || c == '\uFE52' || c == '\u2024';
    }
}
