package io.github.abuseguard.email;

import io.github.abuseguard.internal.DomainNames;
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
     * a@mail.internal}, {@code a@nas.home.arpa}), one whose top-level label is not letters, or one under a
     * top-level name the root zone does not have ({@code kubernetes.default.svc}), or nothing but dots and
     * invisible characters ({@code x@.}). An unreadable name ({@link #isUnreadable}) is not counted here.
     *
     * @param normalised what {@link #normalise(String, int, int)} answered for the same text
     */
    static boolean isNonPublic(String text, int from, int to, @Nullable String normalised) {
        int first = firstVisible(text, from, to);
        if (first >= to) {
            // nothing but invisible characters and dots after the @ (x@., x@.., x@ and a zero-width space): no
            // domain at all, so no mail reaches it; such sign-ups were opened (probe48c F5)
            return true;
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
            return isUndelegated(top);
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
        return isUndelegated(top);
    }

    /**
     * Whether the text names a host by its address rather than by a name: an address literal ({@code [192.0.2.1]},
     * {@code [IPv6:2001:db8::1]}) or a name of numbers only, two to four of them or one above 24 bits, which {@code
     * inet_aton} reads as an address ({@code 198.51.100.7}, {@code 3325256711}, {@code 0xC6.51.100.7}). A percent-hack or
     * bang-path hop so named routes the mail to the host the client names, its own (probe71d F1); a hop of one
     * label ({@code localhost}) is the relaying server itself. An unreadable name is not counted here.
     *
     * @param normalised what {@link #normalise(String, int, int)} answered for the same text
     */
    static boolean namesAnAddress(String text, int from, int to, @Nullable String normalised) {
        int first = firstVisible(text, from, to);
        if (first < to && text.charAt(first) == '[') {
            return true;
        }
        if (normalised == null || normalised.isEmpty()) {
            return false;
        }
        // every label a number, as inet_aton reads them (decimal, 0x hex, 0 octal, leading zeros free: review125 F1),
        // within the width its place gives it, and a host's worth of them: two to four parts, or one above 24 bits;
        // one short number (orders%2024@z, me%20@z), a number no resolver reads as an address (above 32 bits, an
        // octal 8: review125 F3) or a name with a numeric last label (sales%team.2@z) is a local part's text
        // (review124 F3)
        String[] labels = normalised.split("\\.", -1);
        if (labels.length > 4) {
            return false;
        }
        for (int i = 0; i < labels.length; i++) {
            long value = inetAtonPart(labels[i]);
            // the last part fills the bytes the others leave: 32, 24, 16 or 8 bits
            long limit = i == labels.length - 1 ? (1L << (8 * (5 - labels.length))) - 1 : 255;
            if (value < 0 || value > limit) {
                return false;
            }
            if (labels.length == 1 && value < 1L << 24) {
                return false;
            }
        }
        return true;
    }

    /** A part of an address as {@code inet_aton} reads it (decimal, {@code 0x} hex, {@code 0} octal), or -1. */
    private static long inetAtonPart(String label) {
        int radix = 10;
        int from = 0;
        if (label.startsWith("0x")) {
            radix = 16;
            from = 2;
        } else if (label.length() > 1 && label.charAt(0) == '0') {
            radix = 8;
            from = 1;
        }
        if (from >= label.length()) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < label.length(); i++) {
            int digit = Character.digit(label.charAt(i), radix);
            if (digit < 0 || label.charAt(i) > 'f') {
                return -1; // not a digit of the radix (Character.digit reads other scripts' digits too)
            }
            value = value * radix + digit;
            if (value > 0xFFFF_FFFFL) {
                return -1; // above 32 bits, however many leading zeros came first
            }
        }
        return value;
    }

    /**
     * The address with the brackets, angle brackets and parentheses of its hops dropped ({@code
     * bot%[yopmail.com]@gmail.com} as {@code bot%yopmail.com@gmail.com}), as an application or relay that strips
     * them routes it (probe71d F2: such hops passed where {@code a@[yopmail.com]} was refused): a hop segment, after
     * a {@code %} or before a {@code !}, wrapped whole in them, paired or not; {@code null} when the part before its last
     * {@code @} outside comments has none, so that a comment's content stays unread. One scan.
     */
    static @Nullable String strippedHopsReading(String address) {
        int at = lastAtOutsideComments(address, true);
        if (at == NOT_CLOSED) {
            // a parenthesis left open opens no comment: the parser reads it as an ordinary character, and so is it
            // read here (review125 F2: bot%(yopmail.com]@gmail.com passed)
            at = lastAtOutsideComments(address, false);
        }
        if (at <= 0) {
            return null; // none: the parser's reading stands
        }
        StringBuilder out = null;
        int start = 0;
        for (int end = 0; end <= at; end++) {
            if (end < at && !isPercent(address.charAt(end)) && !isBang(address.charAt(end))) {
                continue;
            }
            // the segment [start, end): a hop when a '%' opens it or a '!' closes it
            boolean hop =
                    (start > 0 && isPercent(address.charAt(start - 1))) || (end < at && isBang(address.charAt(end)));
            int from = start;
            int to = end;
            if (hop) {
                // its spaces and every pair of brackets wrapping it whole, repeated ((x)), full-width ones too
                // (review124 F2: bot% [yopmail.com] @gmail.com, bot%((yopmail.com))@gmail.com passed)
                boolean unwrapped;
                do {
                    while (from < to && Character.isWhitespace(address.charAt(from))) {
                        from++;
                    }
                    while (to > from && Character.isWhitespace(address.charAt(to - 1))) {
                        to--;
                    }
                    // an opening one and a closing one, paired or not, as the reading after the '@' drops them
                    // (review125 F2: bot%[yopmail.com)@gmail.com passed where bot@[yopmail.com) was refused), and a
                    // square or angle one alone at either end (review126 F3: bot%yopmail.com]@gmail.com); a lone
                    // parenthesis may end a comment's text, which stays unread
                    unwrapped = false;
                    if (to - from >= 2 && opens(address.charAt(from)) && closes(address.charAt(to - 1))) {
                        from++;
                        to--;
                        unwrapped = true;
                    } else if (to > from && opens(address.charAt(from)) && !isParenthesis(address.charAt(from))) {
                        from++;
                        unwrapped = true;
                    } else if (to > from && closes(address.charAt(to - 1)) && !isParenthesis(address.charAt(to - 1))) {
                        to--;
                        unwrapped = true;
                    }
                } while (unwrapped);
            }
            if (from != start || to != end) {
                if (out == null) {
                    out = new StringBuilder(address.length()).append(address, 0, start);
                }
                out.append(address, from, to);
            } else if (out != null) {
                out.append(address, start, end);
            }
            if (out != null && end < at) {
                out.append(address.charAt(end));
            }
            start = end + 1;
        }
        return out == null ? null : out.append(address, at, address.length()).toString();
    }

    /** Whether {@code c} opens a bracket, an angle bracket or a parenthesis, full-width ones too (NFKC: [ < ( ). */
    private static boolean opens(char c) {
        return c == '[' || c == '<' || c == '(' || c == '\uFF3B' || c == '\uFF1C' || c == '\uFF08';
    }

    /** Whether {@code c} is a parenthesis, full-width or not: it may open or close a comment. */
    private static boolean isParenthesis(char c) {
        return c == '(' || c == ')' || c == '\uFF08' || c == '\uFF09';
    }

    /** Whether {@code c} closes a bracket, an angle bracket or a parenthesis, full-width ones too. */
    private static boolean closes(char c) {
        return c == ']' || c == '>' || c == ')' || c == '\uFF3D' || c == '\uFF1E' || c == '\uFF09';
    }

    /**
     * Whether a top-level name is in no root zone: not on IANA's list ({@link BundledDomainLists.TopLevelDomains}),
     * so that only a resolver of the site's own answers names under it ({@code svc}, {@code consul}, {@code
     * docker}, {@code workgroup}: probe44a F6), and not one of the names RFC 2606 keeps for tests and examples.
     */
    private static boolean isUndelegated(String top) {
        return !BundledDomainLists.TopLevelDomains.NAMES.contains(top) && !FOR_TESTS.contains(top);
    }

    /** RFC 2606's top-level names, which reach no one: tests and documentation use them. */
    private static final Set<String> FOR_TESTS = Set.of("test", "example", "invalid");

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
            if (!isIgnorable(c) && (c > Character.MAX_VALUE || !DomainNames.isDot((char) c))) {
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

    /**
     * The address as Postfix's resolver reads it by default ({@code resolve_dequoted_address}: "by looking inside
     * quotes ... so that additional @ or % or ! operators remain visible"): quoted strings without their quotes,
     * backslash escapes resolved, comments dropped (probe65a F1: {@code "bot%mailinator.com"@gmail.com}, {@code
     * bot%"mailinator.com"@gmail.com}, {@code "mailinator.com!bot"@gmail.com}, {@code bot%mailinator\.com@gmail.com}
     * and {@code bot%mail(x)inator.com@gmail.com} opened accounts where the plain hop is refused). An {@code @} inside
     * a quoted string stays hidden where its phrase is a display name or a group's name (its words end at a {@code <}
     * or {@code :}), and counts where the phrase goes on as a local part, ends a list's member or the value: {@code
     * "a@mailinator.com"@relay} is delivered to mailinator.com by a relay that resolves it so, where {@code
     * "ann@yopmail.com" <ann@gmail.com>} is a display name. The full-width and small forms
     * of the quote, backslash and parentheses count as them. A quote left open is dropped, a parenthesis left open
     * stays. {@code null} when the address has no quote, backslash or parenthesis. Linear in the length of the
     * address, as {@link #parsed}.
     */
    static @Nullable String dequotedReading(String given) {
        int first = -1;
        boolean compatibility = false;
        for (int i = 0; i < given.length(); i++) {
            char c = given.charAt(i);
            char ascii = asciiQuoting(c);
            if (ascii != 0) {
                compatibility |= ascii != c;
                if (first < 0) {
                    first = i;
                }
            }
        }
        if (first < 0) {
            return null;
        }
        // the full-width and small forms of the quote, backslash and parentheses, as NFKC maps them (review100 F1)
        String address = compatibility ? withAsciiQuoting(given) : given;
        StringBuilder out = new StringBuilder(address.length()).append(address, 0, first);
        // the quoted strings of the phrase being read, as ranges of out: their '@'s are hidden if the phrase ends as a
        // display name ('<') or a group's name (':'), and count if it goes on as a local part ('@'), ends a list's
        // member (',' ';') or the value (review99 F1, review100 F3, F4: "bot@mailinator.com", ann@gmail.com is an
        // unqualified address a mail server completes and resolves; "ann@yopmail.com" Smith <ann@gmail.com> a name)
        int[] pending = new int[8];
        int pendingCount = 0;
        boolean quotesClose = true;
        boolean commentsClose = true;
        int i = first;
        while (i < address.length()) {
            char c = address.charAt(i);
            if (c == '\\' && i + 1 < address.length()) {
                out.append(address.charAt(i + 1));
                i += 2;
            } else if (c == '"' && quotesClose) {
                int close = closingQuote(address, i + 1);
                if (close < 0) {
                    quotesClose = false;
                    i++;
                    continue;
                }
                if (pendingCount == pending.length) {
                    pending = java.util.Arrays.copyOf(pending, pending.length * 2);
                }
                pending[pendingCount++] = out.length();
                for (int j = i + 1; j < close; j++) {
                    out.append(address.charAt(j) == '\\' && j + 1 < close ? address.charAt(++j) : address.charAt(j));
                }
                pending[pendingCount++] = out.length();
                i = close + 1;
            } else if (c == '(' && commentsClose) {
                int close = closingParenthesis(address, i + 1);
                if (close < 0) {
                    commentsClose = false;
                    out.append(c);
                    i++;
                } else {
                    i = close + 1;
                }
            } else if (c == '"') {
                i++;
            } else {
                if (c == '<' || c == ':') {
                    hideAts(out, pending, pendingCount);
                    pendingCount = 0;
                } else if (isAt(c) || isListSeparator(c) || c == '>') {
                    // an angle address's end closes its quoted strings too (review101 F2: <"bot@x"> <a@y>)
                    pendingCount = 0;
                }
                // a compatibility separator is written as the one NFKC makes of it, which ends a domain
                char separator = asciiSeparator(c);
                out.append(separator == 0 ? c : separator);
                i++;
            }
        }
        return out.toString();
    }

    /** A list's separator, {@code ,} or {@code ;}, or a form NFKC maps to one (U+FF0C, U+FE50, U+FF1B, U+FE54: review101 F1). */
    private static boolean isListSeparator(char c) {
        return asciiSeparator(c) != 0;
    }

    /** The ASCII list separator {@code c} is or NFKC maps it to ({@link #isListSeparator}); 0 for any other. */
    private static char asciiSeparator(char c) {
        return switch (c) {
            case ',', '\uFF0C', '\uFE50' -> ',';
            case ';', '\uFF1B', '\uFE54' -> ';';
            default -> 0;
        };
    }

    /** Replaces each {@code @} of the ranges of {@code out} in {@code pending} (start, end pairs) by a space. */
    private static void hideAts(StringBuilder out, int[] pending, int count) {
        for (int r = 0; r < count; r += 2) {
            for (int j = pending[r]; j < pending[r + 1]; j++) {
                if (isAt(out.charAt(j))) {
                    out.setCharAt(j, ' ');
                }
            }
        }
    }

    /**
     * The ASCII quote, backslash or parenthesis {@code c} is, or a compatibility form of (full-width U+FF02, U+FF3C,
     * U+FF08/U+FF09; small U+FE68, U+FE59/U+FE5A; super- and subscript parentheses U+207D/U+207E, U+208D/U+208E), which
     * NFKC maps to it; 0 for any other character.
     */
    private static char asciiQuoting(char c) {
        return switch (c) {
            case '"', '\uFF02' -> '"';
            case '\\', '\uFF3C', '\uFE68' -> '\\';
            case '(', '\uFF08', '\uFE59', '\u207D', '\u208D' -> '(';
            case ')', '\uFF09', '\uFE5A', '\u207E', '\u208E' -> ')';
            default -> 0;
        };
    }

    private static String withAsciiQuoting(String address) {
        char[] chars = address.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            char ascii = asciiQuoting(chars[i]);
            if (ascii != 0) {
                chars[i] = ascii;
            }
        }
        return new String(chars);
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
            if (!DomainNames.isDot(before) && !isAt(before) && !DomainNames.isDot(after) && !isAt(after)) {
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

    /** {@code !} (a bang path's separator) or a compatibility form NFKC maps to it: full-width U+FF01, small U+FE57. */
    static boolean isBang(char c) {
        return c == '!' || c == '\uFF01' || c == '\uFE57';
    }

    /** A domain name normalised as {@link #of(String)} does; {@code null} when it cannot be one. */
    static @Nullable String normalise(String domain) {
        return DomainNames.normalise(domain);
    }

    /** The name between {@code start} and {@code end} normalised as {@link #of(String)} does, or {@code null}. */
    static @Nullable String normalise(String text, int start, int end) {
        return DomainNames.normalise(text, start, end);
    }

    /** The IDNA2003 reading of a name with a sharp s or final sigma: {@link DomainNames#transitionalTwin}. */
    static @Nullable String transitionalTwin(String text, int start, int end) {
        return DomainNames.transitionalTwin(text, start, end);
    }

    /** Whether a code point is invisible in a domain name: {@link DomainNames#isIgnorable}. */
    static boolean isIgnorable(int c) {
        return DomainNames.isIgnorable(c);
    }
}
