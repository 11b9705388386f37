package io.github.abuseguard;

import java.net.IDN;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The key of the mailbox an address delivers to, so that the spellings of one inbox share a budget: {@code
 * Ann.Smith+shop@GMail.com}, {@code annsmith+news@googlemail.com} and {@code annsmith@gmail.com} are one inbox,
 * and a limit that counted them apart would let one inbox open an account per spelling.
 *
 * <p>The address is read as mail software delivers it: without comments ({@code ann(work)@gmail.com}; an
 * unbalanced parenthesis is kept as a character), quotes, backslash escapes and invisible characters; white
 * space, Unicode spaces and control characters separate. The address is the one inside angle brackets, or the
 * one member of a list that has an {@code @}; a value naming two addresses has no key of its own (a rule
 * refuses it as ambiguous: the other address could be anything). Its local part starts after a separator or
 * a source route's {@code :} ({@code Ann <@relay.example:ann@gmail.com>}) and ends at its last {@code @} (or
 * that sign's full-width or small form); its domain ends at the first character no host name holds, so
 * {@code <ann@gmail.com>x}, {@code ann@gmail.com,} and {@code ann@gmail.com\u00A0x} are ann@gmail.com
 * (review43 F1). The domain is folded (NFKC, lower case, every dot form a dot, no trailing dot) and put in its
 * ASCII form, so that {@code bücher.de} and {@code xn--bcher-kva.de} are one domain. The local part is cut at
 * its first {@code +} (the sub-address that Gmail, Outlook, iCloud, Fastmail and Proton deliver to the same
 * inbox; its full-width, small, superscript and subscript forms too), folded as a user name is ({@link
 * UserNames}: NFKC, case-folded, without accents), and for Gmail ({@code gmail.com} and {@code googlemail.com},
 * one service) read without its dots, which Gmail ignores. Proton's four domains are one ({@code pm.me},
 * {@code protonmail.com}, {@code protonmail.ch}, {@code proton.me}), and Fastmail's subdomain addressing
 * ({@code anything@ann.fastmail.com}) is {@code ann@fastmail.com}. Yahoo's disposable addresses ({@code
 * base-keyword@yahoo.com}) are cut at their {@code -}, which no Yahoo name holds. Other schemes (a server
 * splitting at {@code -}, a catch-all domain the client owns) are not folded.
 * Folding more spellings together than a provider does only makes mailboxes share a budget. The work is
 * linear in the text; the key is at most {@link KeyResolver#MAX_KEY_LENGTH} characters, longer ones digested.
 */
final class Mailboxes {

    private Mailboxes() {}

    /** What a value's mailbox is: its key, none (no address), or several addresses. */
    record Reading(@Nullable String key, boolean severalAddresses) {
        static final Reading NONE = new Reading(null, false);
        static final Reading SEVERAL = new Reading(null, true);
    }

    /** The key of the address's mailbox, or {@code null} when the text names no one address. */
    static @Nullable String key(String value) {
        return read(value).key();
    }

    /**
     * The value's mailbox. A value naming more than one address (a list, or an address besides the one in
     * angle brackets) is {@link Reading#SEVERAL}: the other address could be anything, so no key is taken
     * from the whole, and a rule refuses it as ambiguous.
     */
    static Reading read(String value) {
        String text = delivered(value, true);
        int from = 0;
        int to = text.length();
        int open = text.indexOf('<');
        if (open >= 0) {
            int close = text.indexOf('>', open);
            from = open + 1;
            to = close < 0 ? text.length() : close;
            if (hasAt(text, 0, open) || (close >= 0 && hasAt(text, close + 1, text.length()))) {
                return Reading.SEVERAL;
            }
        }
        // a list's members: only one may hold an address, empty ones are nothing
        int member = -1;
        int memberEnd = -1;
        for (int i = from, begin = from; i <= to; i++) {
            if (i == to || text.charAt(i) == ',' || text.charAt(i) == ';') {
                if (hasAt(text, begin, i)) {
                    if (member >= 0) {
                        return Reading.SEVERAL;
                    }
                    member = begin;
                    memberEnd = i;
                }
                begin = i + 1;
            }
        }
        if (member < 0) {
            return Reading.NONE;
        }
        int at = memberEnd - 1;
        while (!isAt(text.charAt(at))) {
            at--;
        }
        String domain = domain(text, at + 1, memberEnd);
        if (domain == null) {
            return Reading.NONE;
        }
        boolean gmail = domain.equals("gmail.com") || domain.equals("googlemail.com");
        int end = at;
        while (end > member && text.charAt(end - 1) == ' ') {
            end--;
        }
        int start = end;
        while (start > member && text.charAt(start - 1) != ' ' && text.charAt(start - 1) != ':') {
            start--;
        }
        StringBuilder local = new StringBuilder(Math.min(end - start, 64));
        for (int i = start; i < end; ) {
            int c = text.codePointAt(i);
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
        int dash = name.indexOf('-');
        if (dash > 0 && isYahoo(domain)) {
            // Yahoo names hold no '-': base-keyword@yahoo.com is one of a user's disposable addresses, all
            // delivered to one inbox
            name = name.substring(0, dash);
        }
        String inbox = gmail ? "gmail.com" : domain;
        if (PROTON.contains(domain)) {
            inbox = "proton.me";
        } else {
            // Fastmail delivers anything@ann.fastmail.com to ann@fastmail.com (subdomain addressing)
            for (String fastmail : FASTMAIL) {
                if (domain.endsWith("." + fastmail) && domain.indexOf('.') == domain.length() - fastmail.length() - 1) {
                    name = UserNames.folded(domain.substring(0, domain.indexOf('.')));
                    inbox = fastmail;
                }
            }
        }
        return new Reading(KeyResolver.bounded(name + "@" + inbox), false);
    }

    /**
     * Yahoo's own domains ({@code yahoo.com}, a country's {@code yahoo.co.uk} or {@code yahoo.fr}, {@code
     * ymail.com}, {@code rocketmail.com}), whose user names are letters, digits, one dot and underscores, and
     * whose disposable addresses are {@code base-keyword@}. Not Yahoo Japan's {@code yahoo.co.jp}, another
     * company's service.
     */
    private static boolean isYahoo(String domain) {
        if (domain.equals("ymail.com") || domain.equals("rocketmail.com")) {
            return true;
        }
        if (!domain.startsWith("yahoo.") || domain.equals("yahoo.co.jp")) {
            return false;
        }
        // yahoo.com, yahoo.fr, yahoo.co.uk, yahoo.com.br: a top-level name, or co./com. and a country's
        return YAHOO_SUFFIX.matcher(domain).region(6, domain.length()).matches();
    }

    private static final Pattern YAHOO_SUFFIX = Pattern.compile("[a-z]{2,3}|(co|com)\\.[a-z]{2}");

    /** Proton's domains, which one account receives mail at alike (probe43b F1). */
    private static final Set<String> PROTON = Set.of("proton.me", "protonmail.com", "protonmail.ch", "pm.me");

    /** Fastmail's main domains, whose subdomains deliver to the user the subdomain names (probe43b F1). */
    private static final List<String> FASTMAIL = List.of("fastmail.com", "fastmail.fm");

    private static boolean hasAt(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (isAt(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The value without comments (nested ones too), quotes, the backslash of an escape and invisible
     * characters, with a comment, white space, Unicode spaces and control characters as one space, and the
     * delimiters inside a quoted string as U+FFFD: a separator, which
     * ends a domain or a local part, as a mail parser (or an application that splits at them) reads it. One
     * pass, two when a comment is left open: then no parenthesis opens one, since no mail parser reads the
     * value, and an application that takes it as it is delivers to what it spells.
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
                if (depth == 0) {
                    kept.append(' '); // a comment separates, as white space does
                }
                depth++;
            } else if (c == ')' && !quoted && depth > 0) {
                depth--;
            } else if (depth > 0) {
                continue;
            } else if (c < ' ' || Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85) {
                kept.append(' ');
            } else if (quoted && (c == '@' || c == '<' || c == '>' || c == ',' || c == ';' || c == ':')) {
                kept.append('\uFFFD'); // quoted, it names nothing: "Ann@Home" <ann@gmail.com> is one address
            } else if (!UserNames.isIgnorable(c)) {
                kept.appendCodePoint(c);
            }
        }
        return depth == 0 ? kept.toString() : delivered(value, false);
    }

    /**
     * The domain after an {@code @}: past leading separators, up to the first character no host name holds
     * (an address literal up to its {@code ]}), folded (NFKC, lower case, the Turkish i as i, every dot form
     * as a dot, without trailing dots) and in its ASCII (punycode) form, so that {@code bücher.de} and {@code
     * xn--bcher-kva.de} are one domain; {@code null} when there is none.
     */
    private static @Nullable String domain(String text, int from, int to) {
        int start = from;
        while (start < to && text.charAt(start) == ' ') {
            start++;
        }
        int end = start;
        if (end < to && text.charAt(end) == '[') {
            int close = text.indexOf(']', end);
            end = close < 0 || close >= to ? to : close + 1;
        } else {
            while (end < to) {
                int c = text.codePointAt(end);
                if (!Character.isLetterOrDigit(c)
                        && c != '-'
                        && c != '_'
                        && !isDot(c)
                        && Character.getType(c) != Character.NON_SPACING_MARK) {
                    break;
                }
                end += Character.charCount(c);
            }
        }
        String folded = Normalizer.normalize(text.substring(start, end), Normalizer.Form.NFKC)
                .replace('\u0130', 'i')
                .replace('\u0131', 'i')
                .toLowerCase(Locale.ROOT)
                .replace('\u3002', '.')
                .replace('\uFF61', '.');
        int last = folded.length();
        while (last > 0 && folded.charAt(last - 1) == '.') {
            last--;
        }
        folded = folded.substring(0, last);
        if (folded.isEmpty()) {
            return null;
        }
        try {
            return IDN.toASCII(folded, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException notAHostName) {
            return folded;
        }
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
