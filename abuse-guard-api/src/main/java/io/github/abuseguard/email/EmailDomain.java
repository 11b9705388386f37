package io.github.abuseguard.email;

import java.net.IDN;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The domain of an e-mail address, normalised for comparison: the part after the last {@code @},
 * without white space or invisible characters wherever they are (any Unicode space such as U+00A0 or
 * U+3000, controls, format characters such as U+200B, U+200E or U+FEFF and the other default-ignorable
 * code points, and the symbols that draw nothing, such as the Braille blank U+2800, which a form or a
 * copy-and-paste leaves and an application strips), without angle
 * brackets or trailing dots, in lower case, internationalised names in their ASCII (punycode) form. Whether the address is otherwise valid is the application's business; this
 * only finds the domain to look up.
 *
 * <p>The local part is never looked at: plus-addressing ({@code ann+news@}) and dots ({@code a.n.n@})
 * are ways of one real mailbox to sort its mail, not signs of a throw-away one.
 *
 * <p>The compatibility forms of {@code @} (full-width U+FF20, small U+FE6B), of {@code %} (U+FF05, U+FE6A)
 * and of the dot (U+FF0E, U+FE52, U+2024, and the ideographic U+3002 and U+FF61) count as those
 * characters: an application that NFKC-normalises an address delivers {@code a\uFF20mailinator.com} to
 * mailinator.com.
 *
 * <p>An address written in the wider RFC 5322 syntax can name a domain that the last {@code @} does not
 * show, and mail software still delivers there: {@link #parsed(String)} reads the address as a mail
 * parser does, and {@link FieldAddresses} yields every domain it could deliver to or through.
 */
final class EmailDomain {
    /** The longest address read (RFC 5321: 64 for the local part, 255 for the domain, plus '@'). */
    static final int MAX_ADDRESS = 320;
    /** The longest domain name (RFC 1035), without its trailing dot. */
    private static final int MAX_DOMAIN = 253;
    /** The longest label (RFC 1035). */
    private static final int MAX_LABEL = 63;

    private EmailDomain() {}

    /**
     * The normalised domain of an address.
     *
     * @return the domain, or {@code null} when there is none to look up (no {@code @}, an address
     *     literal such as {@code [192.0.2.1]}, or a name that cannot be a domain)
     */
    static @Nullable String of(String address) {
        if (address == null) {
            return null;
        }
        int end = visibleEnd(address);
        // Only the tail matters, so a padded megabyte costs no more than a real address.
        int start = Math.max(0, end - MAX_ADDRESS);
        int at = end - 1;
        while (at >= start && !isAt(address.charAt(at))) {
            at--;
        }
        if (at < start) {
            return null;
        }
        return normalise(address, at + 1, end);
    }

    /**
     * Whether the text after an {@code @} names a domain that cannot be read as a domain name, so that no
     * list can be asked about it: one with a character no normalisation removes ({@code yop\uFFFCmail.com}),
     * a label or name too long, an empty label, or more than 320 characters (padding that would push the
     * {@code @} out of what {@link #of(String)} reads). Nothing but invisible characters and dots, or an
     * address literal ({@code [192.0.2.1]}), names no domain and is not unreadable: whether it is an
     * address at all is the application's business.
     *
     * @param normalised what {@link #normalise(String, int, int)} answered for the same text
     */
    static boolean isUnreadable(String text, int from, int to, @Nullable String normalised) {
        if (to - from > MAX_ADDRESS) {
            return true;
        }
        int first = firstVisible(text, from, to);
        // Nothing but invisible characters and dots names no domain; a literal names an address.
        if (first >= to || text.charAt(first) == '[') {
            return false;
        }
        return normalised == null;
    }

    /**
     * Whether the text after an {@code @} names no public mail domain, so that mail to it goes wherever
     * the sender says and no list can judge it: an address literal ({@code [192.0.2.1]}, {@code
     * [IPv6:2001:db8::1]}, which delivers to whatever host the client runs), a name whose last label is
     * all digits ({@code 192.0.2.1} without brackets, which no top-level domain is), or a name of one label
     * ({@code localhost}, {@code com}: no public mailbox has one, and {@code localhost} delivers to the
     * site's own mail server), a name under a special-use top-level name ({@code a@x.localhost}, {@code
     * a@mail.internal}, {@code a@nas.home.arpa}), or one whose top-level label is not letters. An
     * unreadable name ({@link #isUnreadable}) or none at all is not counted here.
     *
     * @param normalised what {@link #normalise(String, int, int)} answered for the same text
     */
    static boolean isNonPublic(String text, int from, int to, @Nullable String normalised) {
        int first = firstVisible(text, from, to);
        if (first >= to) {
            return false;
        }
        if (text.charAt(first) == '[') {
            return true; // a full-width bracket (U+FF3B) makes the name unreadable instead
        }
        if (normalised == null) {
            return false;
        }
        int lastDot = normalised.lastIndexOf('.');
        if (lastDot < 0) {
            return true;
        }
        String top = normalised.substring(lastDot + 1);
        if (SPECIAL_USE.contains(top) || normalised.endsWith(".home.arpa")) {
            return true;
        }
        if (top.startsWith("xn--")) {
            return false;
        }
        // every top-level domain is letters (or an IDN's xn--): 192.0.2.1, 1.2.3.0x4 and 0x7f.0.0.0x1 are
        // addresses to inet_aton, which an MTA resolving with getaddrinfo connects to (review43 F4)
        if (top.length() < 2) {
            return true;
        }
        for (int i = 0; i < top.length(); i++) {
            char c = top.charAt(i);
            if (c < 'a' || c > 'z') {
                return true;
            }
        }
        return false;
    }

    /**
     * Top-level names that resolve only to the site's own or internal hosts (RFC 6761 {@code localhost}, RFC
     * 6762 {@code local}, ICANN's private-use {@code internal}, and the names intranets use): mail to them goes
     * to a host inside the site (review43 F3). {@code test}, {@code example} and {@code invalid} reach no one
     * and are left to tests.
     */
    private static final Set<String> SPECIAL_USE = Set.of(
            "localhost",
            "local",
            "internal",
            "localdomain",
            "lan",
            "intranet",
            "corp",
            "private",
            "home",
            "onion",
            "alt");

    /** Where the text between {@code from} and {@code to} starts without leading invisible characters and dots. */
    private static int firstVisible(String text, int from, int to) {
        int first = from;
        while (first < to) {
            int c = text.codePointAt(first);
            if (!isIgnorable(c) && (c > Character.MAX_VALUE || !isDot((char) c))) {
                break;
            }
            first += Character.charCount(c);
        }
        return first;
    }

    /**
     * The end of the text without trailing invisible characters and closing angle brackets: where the
     * domain after an address's last {@code @} ends.
     */
    static int visibleEnd(String address) {
        return visibleEnd(address, 0, address.length());
    }

    /**
     * The end of the text between {@code from} and {@code to} without its trailing invisible characters
     * and closing angle brackets.
     */
    static int visibleEnd(String text, int from, int to) {
        int end = to;
        while (end > from) {
            int c = text.codePointBefore(end);
            if (c != '>' && !isIgnorable(c)) {
                break;
            }
            end -= Character.charCount(c);
        }
        return end;
    }

    /** Whether the text has an {@code @} or a compatibility form of it anywhere. One scan, no allocation. */
    static boolean hasAt(String address) {
        if (address == null) {
            return false;
        }
        for (int i = 0; i < address.length(); i++) {
            if (isAt(address.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the address uses syntax beyond {@code local@domain} (comments, quoted strings, folding
     * white space, lists, routes or the percent hack), so that the address may name more domains than
     * {@link #of(String)} finds ({@link FieldAddresses} reads them all). One scan, no allocation.
     */
    static boolean hasRoutes(String address) {
        if (address == null) {
            return false;
        }
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c <= ' '
                    || c == '('
                    || c == ')'
                    || c == '"'
                    || c == '\\'
                    || c == '%'
                    || c == ','
                    || c == ';'
                    || c == ':'
                    || c == '<'
                    || (c > '\u007F' && (isAt(c) || isPercent(c)))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The address with the Turkish capital and dotless {@code i} (U+0130, U+0131) read as {@code i}, as
     * {@code toLowerCase()} in a Turkish or Azerbaijani default locale reads {@code a@MAİLİNATOR.COM}
     * (this class folds case in the root locale, where {@code İ} is {@code i} and a combining dot: another
     * name); {@code null} when it has neither. One scan when it has neither.
     */
    static @Nullable String dotlessReading(String address) {
        int first = -1;
        for (int i = 0; i < address.length() && first < 0; i++) {
            if (isTurkishI(address.charAt(i))) {
                first = i;
            }
        }
        if (first < 0) {
            return null;
        }
        char[] chars = address.toCharArray();
        for (int i = first; i < chars.length; i++) {
            if (isTurkishI(chars[i])) {
                chars[i] = 'i';
            }
        }
        return new String(chars);
    }

    /**
     * The address with every Unicode space and line separator read as an ASCII space: U+00A0, U+1680,
     * U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000 (which NFKC maps to a space, or Java's and
     * Python's white space splits at), U+0085, and the zero-width U+180E and U+200B that older Unicode
     * called spaces. {@link #normalise} drops them from inside a name, as an application that strips
     * invisible characters would deliver {@code a@yop\u00A0mail.com}; an application that splits the value
     * at them, or normalises them to a space and trims, delivers {@code a@yopmail.com\u00A0x} to
     * yopmail.com, and this reading names that domain. {@code null} when the address has none. One scan
     * when it has none.
     */
    static @Nullable String spacedReading(String address) {
        int first = -1;
        for (int i = 0; i < address.length() && first < 0; i++) {
            if (isUnicodeSpace(address.charAt(i))) {
                first = i;
            }
        }
        if (first < 0) {
            return null;
        }
        char[] chars = address.toCharArray();
        for (int i = first; i < chars.length; i++) {
            if (isUnicodeSpace(chars[i])) {
                chars[i] = ' ';
            }
        }
        return new String(chars);
    }

    /**
     * The address without its ASCII control characters (U+0000-U+001F, TAB, CR and LF among them), as an
     * application that strips control characters ({@code \p{Cntrl}}, {@code Character.isISOControl})
     * delivers it: {@code a@mailinator.c\u0001om} is mailinator.com there, where a mail parser reads the
     * control as a separator ({@link #parsed}) and sees {@code mailinator.c} (probe43a F3: signed up on the
     * demo). DEL and the C1 controls are dropped from inside a name already. {@code null} when the address has
     * none. One scan when it has none.
     */
    static @Nullable String controlFreeReading(String address) {
        int first = -1;
        for (int i = 0; i < address.length() && first < 0; i++) {
            if (address.charAt(i) < ' ') {
                first = i;
            }
        }
        if (first < 0) {
            return null;
        }
        StringBuilder kept = new StringBuilder(address.length()).append(address, 0, first);
        for (int i = first; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c >= ' ') {
                kept.append(c);
            }
        }
        return kept.toString();
    }

    /** A space or separator outside ASCII that a tokenising application splits at (see {@link #spacedReading}). */
    private static boolean isUnicodeSpace(char c) {
        return c > '\u007F'
                && (Character.isSpaceChar(c)
                        || Character.isWhitespace(c)
                        || c == '\u0085'
                        || c == '\u180E'
                        || c == '\u200B');
    }

    /**
     * What an application that strips quotes and brackets ("sanitising" the input) delivers to, where a mail
     * parser reads {@code a@"mailinator.com"}, {@code a@m"ailinator.com}, {@code a@[mailinator.com]} or
     * {@code a@(mailinator.com)} as another domain, an address literal or none: the text after the last
     * {@code @} outside comments, with a leading {@code @}, without its quotes and angle or square brackets
     * and without its comments; or, when that text is one comment and nothing else, the comment's text.
     * {@code null} when there is nothing to strip. Comments elsewhere keep hiding what they hold ({@code
     * u@acme.com (x@mailinator.com)}, {@code u@(x)acme.com}). A comment left open is read as ordinary text, as
     * {@link #parsed} reads it. Linear in the length of the address.
     */
    static @Nullable String strippedDomainReading(String address) {
        boolean comments = true;
        int at = lastAtOutsideComments(address, true);
        if (at == NOT_CLOSED) {
            comments = false;
            at = lastAtOutsideComments(address, false);
        }
        if (at < 0) {
            return null;
        }
        StringBuilder out = new StringBuilder(address.length() - at).append('@');
        boolean stripped = false;
        int depth = 0;
        int commentStart = -1;
        int commentEnd = -1;
        int topComments = 0;
        boolean outsideText = false;
        for (int i = at + 1; i < address.length(); i++) {
            char c = address.charAt(i);
            if (comments && depth > 0 && c == '\\') {
                i++;
            } else if (comments && c == '(') {
                if (depth++ == 0) {
                    topComments++;
                    commentStart = i + 1;
                }
            } else if (comments && c == ')' && depth > 0) {
                if (--depth == 0) {
                    commentEnd = i;
                }
            } else if (depth == 0) {
                if (isQuoteOrBracket(c)) {
                    stripped = true;
                } else {
                    out.append(c);
                    outsideText |= c > ' ';
                }
            }
        }
        if (!outsideText && topComments == 1 && commentEnd > commentStart) {
            StringBuilder comment = new StringBuilder(commentEnd - commentStart + 1).append('@');
            for (int i = commentStart; i < commentEnd; i++) {
                char c = address.charAt(i);
                if (c == '(' || c == ')' || c == '\\') {
                    return null;
                }
                if (!isQuoteOrBracket(c)) {
                    comment.append(c);
                }
            }
            return comment.toString();
        }
        return stripped ? out.toString() : null;
    }

    private static final int NOT_CLOSED = -2;

    /**
     * The index of the last {@code @} outside comments (with {@code comments}) or anywhere; -1 when there is
     * none, {@link #NOT_CLOSED} when a comment is left open.
     */
    private static int lastAtOutsideComments(String address, boolean comments) {
        int depth = 0;
        int last = -1;
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (comments && depth > 0 && c == '\\') {
                i++;
            } else if (comments && c == '(') {
                depth++;
            } else if (comments && c == ')' && depth > 0) {
                depth--;
            } else if (depth == 0 && isAt(c)) {
                last = i;
            }
        }
        return depth > 0 ? NOT_CLOSED : last;
    }

    private static boolean isQuoteOrBracket(char c) {
        return c == '"' || c == '<' || c == '>' || c == '[' || c == ']';
    }

    private static boolean isTurkishI(char c) {
        return c == '\u0130' || c == '\u0131';
    }

    /**
     * The address as a mail parser reads it: RFC 5322 comments (nested, with escapes) replaced by a
     * space, each quoted string by one letter (its {@code @}s hidden), and folding white space around
     * dots and {@code @} removed ({@code a@ mailinator . com}). A quote or parenthesis left open is read as
     * an ordinary character. Linear in the length of the text; {@link FieldAddresses} then reads every
     * {@code @} and percent-hack hop of it up to the next {@linkplain #isDelimiter delimiter}.
     */
    static String parsed(String address) {
        return withoutFoldingSpace(withoutCommentsAndQuotes(address));
    }

    /**
     * The text with comments replaced by a space and each quoted string by one letter; an unbalanced
     * quote or parenthesis stays as it is, and so does every later one of its kind (which also keeps
     * the work linear: no second search to the end of the text).
     */
    private static String withoutCommentsAndQuotes(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean quotesClose = true;
        boolean commentsClose = true;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"' && quotesClose) {
                int close = closingQuote(text, i + 1);
                if (close < 0) {
                    quotesClose = false;
                    out.append(c);
                    i++;
                } else {
                    out.append('q');
                    i = close + 1;
                }
            } else if (c == '(' && commentsClose) {
                int close = closingParenthesis(text, i + 1);
                if (close < 0) {
                    commentsClose = false;
                    out.append(c);
                    i++;
                } else {
                    out.append(' ');
                    i = close + 1;
                }
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static int closingQuote(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i;
            }
        }
        return -1;
    }

    private static int closingParenthesis(String text, int from) {
        int depth = 1;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /** Drops white space next to a dot or {@code @} (obsolete RFC 5322 syntax allows it there). */
    private static String withoutFoldingSpace(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c > ' ') {
                out.append(c);
                i++;
                continue;
            }
            int next = i;
            while (next < text.length() && text.charAt(next) <= ' ') {
                next++;
            }
            char before = out.length() == 0 ? '@' : out.charAt(out.length() - 1);
            char after = next == text.length() ? '@' : text.charAt(next);
            if (!isDot(before) && !isAt(before) && !isDot(after) && !isAt(after)) {
                out.append(' ');
            }
            i = next;
        }
        return out.toString();
    }

    /** Whether a character ends a domain of a {@linkplain #parsed parsed} address: a list's or route's separator, an {@code @}. */
    static boolean isDelimiter(char c) {
        return c == ' ' || c == ',' || c == ';' || c == ':' || c == '<' || c == '>' || isAt(c) || c == '(' || c == ')'
                || c == '"';
    }

    /** {@code @} or a compatibility form NFKC maps to it: full-width U+FF20, small U+FE6B. */
    static boolean isAt(char c) {
        return c == '@' || c == '\uFF20' || c == '\uFE6B';
    }

    /** {@code %} or a compatibility form NFKC maps to it: full-width U+FF05, small U+FE6A. */
    static boolean isPercent(char c) {
        return c == '%' || c == '\uFF05' || c == '\uFE6A';
    }

    /** A domain name normalised as {@link #of(String)} does; {@code null} when it cannot be one. */
    static @Nullable String normalise(String domain) {
        return domain == null ? null : normalise(domain, 0, domain.length());
    }

    /** The name between {@code start} and {@code end} normalised as {@link #of(String)} does, or {@code null}. */
    static @Nullable String normalise(String text, int start, int end) {
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
                return visible == null ? name(text, from, to) : name(visible, 0, visible.length());
            }
        }
        return name(text, from, to);
    }

    /**
     * The text between {@code from} and {@code to} without its invisible characters, wherever they are
     * (UTS #46 maps default-ignorable code points to nothing; an application that strips them delivers
     * {@code a@yop\u200Email.com} to yopmail.com); {@code null} when there are none. ASCII white space and
     * controls inside a name are kept, so that {@code not a host} stays no host name: mail software reads
     * them as separators, as {@link FieldAddresses} does.
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
    private static @Nullable String name(String text, int from, int to) {
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
                return internationalised(text.substring(start, end));
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
    private static @Nullable String internationalised(String name) {
        if (name.length() > MAX_ADDRESS) {
            return null;
        }
        String folded = Normalizer.normalize(name, Normalizer.Form.NFKC);
        // lower case can undo NFKC (U+0130 becomes i and a combining dot): normalised again
        folded = Normalizer.normalize(folded.toLowerCase(Locale.ROOT), Normalizer.Form.NFKC);
        // NFKC expands some characters up to 18 times (U+FDFA): bounded again, no domain is longer
        if (folded.length() > MAX_ADDRESS) {
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

    private static String valid(String name) {
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

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
    }

    private static boolean isDot(char c) {
        return c == '.' || c == '\u3002' || c == '\uFF0E' || c == '\uFF61' || c == '\uFE52' || c == '\u2024';
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
    static boolean isIgnorable(int c) {
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
}
