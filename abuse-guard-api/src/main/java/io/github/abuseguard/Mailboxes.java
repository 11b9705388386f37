package io.github.abuseguard;

import io.github.abuseguard.internal.DomainNames;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The key of the mailbox an address delivers to, so that the spellings of one inbox share a budget: {@code
 * Ann.Smith+shop@GMail.com}, {@code annsmith+news@googlemail.com} and {@code annsmith@gmail.com} are one inbox,
 * and a limit that counted them apart would let one inbox open an account per spelling.
 *
 * <p>The value is NFKC-normalised, then read as mail software delivers it: without comments ({@code
 * ann(work)@gmail.com}), quotes, backslash escapes and invisible characters, white space and comments next to
 * a dot dropped; white space, Unicode spaces and control characters separate. The address is the one inside
 * angle brackets, or the one member of a list that has an {@code @}; a value naming two addresses has no key
 * of its own (a rule refuses it as ambiguous: the other address could be anything). Its local part starts
 * after a source route's {@code :} ({@code Ann <@relay.example:ann@gmail.com>}) and ends at its last {@code @};
 * {@code <ann@gmail.com>x} and {@code ann@gmail.com,} are ann@gmail.com (review43 F1). A value whose inbox
 * cannot be told, because mail parsers and applications that strip what they cannot see read it apart, has
 * the one key {@link #UNUSUAL} that all such values share (probe44a F4, F5; review44 F1-F3): text parted from
 * the local part or the domain by a separator ({@code c\u00A0at@}, {@code ann@gmail.com\u00A0x}), an {@code @}
 * only inside quotes or a comment, a quote left open or inside the domain, a bracket or parenthesis in the
 * local part, a name in brackets, no readable domain. The domain is read as the e-mail guard reads it ({@link
 * DomainNames#normalise}: NFKC, lower case, punycode), so that {@code bücher.de} and {@code xn--bcher-kva.de}
 * are one domain and {@code g\u24DCail.com} is gmail.com. The local part is cut at its first {@code +} (the
 * sub-address that Gmail, Outlook, iCloud, Fastmail and Proton deliver to the same inbox), folded as a user
 * name is ({@link UserNames}: NFKC, case-folded, without accents), and read as each provider reads it: Gmail
 * ({@code gmail.com}, {@code googlemail.com}) without dots; Proton (four domains) without {@code .}, {@code _}
 * and {@code -}; Yandex (its alias domains) with {@code -} as {@code .}; Apple's {@code icloud.com}, {@code
 * me.com} and {@code mac.com} as one; GMX's {@code gmx.net} and {@code gmx.de} as one; Fastmail's subdomain addressing
 * ({@code anything@ann.fastmail.com}, on each of its domains) as {@code ann@fastmail.com}; Yahoo's disposable addresses ({@code base-keyword@yahoo.com}) cut at their {@code
 * -}. Other schemes (a server splitting at {@code -}, a catch-all domain the client owns) are not folded.
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
        // compatibility forms of the delimiters (full-width parentheses, colon, comma) are read as a mail
        // application that NFKC-normalises reads them (review44 F5)
        if (longMarkRun(value)) {
            // no one types 30 accents on one letter; normalising such a run costs time quadratic in its length
            // (review80 F5: 60 KB of marks, 2.5 s a request)
            return UNUSUAL_ADDRESS;
        }
        String normal = Normalizer.isNormalized(value, Normalizer.Form.NFKC)
                ? value
                : Normalizer.normalize(value, Normalizer.Form.NFKC);
        String text = delivered(normal, true);
        if (commentOpensDomain(normal)) {
            // bot@(maildrop.cc)\u00A0gmail.com: a mail parser drops the comment and delivers to gmail.com, an
            // application that strips the parentheses and takes the first word to maildrop.cc (review80 F1, F2)
            return UNUSUAL_ADDRESS;
        }
        if (text == null || (!hasAt(text, 0, text.length()) && hasAt(normal, 0, normal.length()))) {
            // A quote left open, or an '@' only inside quotes or a comment ("a.nn+7@gmail.com", Ann
            // (ann@gmail.com)): a mail parser finds no address, while one that strips them delivers to the
            // one inside (review44 F1, F2). No one reading is the inbox: the shared key.
            return UNUSUAL_ADDRESS;
        }
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
        int end = at;
        while (end > member && text.charAt(end - 1) == ' ') {
            end--;
        }
        int start = end;
        while (start > member && text.charAt(start - 1) != ' ' && text.charAt(start - 1) != ':') {
            start--;
        }
        if ((start > member && text.charAt(start - 1) == ' ' && !isBlank(text, member, start))
                || partedAfter(text, at + 1, memberEnd)
                || hasSpecial(text, start, end)
                || quotedAfter(normal)) {
            // Text parted from the local part or the domain by a space, a comment or a control (d(x).an@,
            // c\u00A0at@, x cat@, dan@gmail(x).com, ann@gmail.com\u00A0x): one application delivers to what
            // is on one side, another strips what it cannot see and delivers to the whole. No person types
            // such an address, and no one reading is the inbox: all such values share one key (probe44a F4,
            // F5).
            return UNUSUAL_ADDRESS;
        }
        String domain = deliveryDomain(text, at + 1, memberEnd);
        if (domain == null) {
            // an '@' and no domain the lists could be asked about (ann@, ann@gmail.com/x)
            return UNUSUAL_ADDRESS;
        }
        String inbox = inbox(domain);
        StringBuilder local = new StringBuilder(Math.min(end - start, 64));
        for (int i = start; i < end; ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (isPlus(c)) {
                break;
            }
            local.appendCodePoint(c);
        }
        String name = UserNames.folded(local.toString());
        // folding may make a '+' of a form not caught above
        int plus = name.indexOf('+');
        if (plus >= 0) {
            name = name.substring(0, plus);
        }
        if (inbox.equals(GMAIL)) {
            name = without(name, DOTS);
        } else if (inbox.equals(PROTON)) {
            name = without(name, DOTS + "_-"); // Proton reads them as transparent: ann.smith is annsmith (probe44a F3)
        } else if (inbox.equals(YANDEX)) {
            name = name.replace('-', '.'); // Yandex reads '.' and '-' in a login alike, not as nothing
        } else if (isYahoo(inbox)) {
            // Yahoo names hold no '-': base-keyword@yahoo.com is one of a user's disposable addresses, all
            // delivered to one inbox
            int dash = name.indexOf('-');
            if (dash > 0) {
                name = name.substring(0, dash);
            }
        } else {
            int dot = domain.indexOf('.');
            if (dot > 0 && SUBDOMAIN_ADDRESSED.contains(domain.substring(dot + 1))) {
                // Fastmail delivers anything@ann.fastmail.com to ann@fastmail.com (subdomain addressing, on each of
                // its domains: anything@ann.sent.com to ann@sent.com); addy.io and 33mail anything@ann.anonaddy.me
                // and anything@ann.33mail.com to ann's inbox
                name = domain.substring(0, dot);
                inbox = domain.substring(dot + 1);
            }
        }
        return new Reading(KeyResolver.bounded(name + "@" + inbox), false);
    }

    /**
     * The key of every value whose inbox cannot be told ({@code d(x).an@gmail.com}, {@code
     * ann@gmail.com\u00A0x}) or that has an {@code @} but no readable domain ({@code ann@}): one budget for all
     * of them. No address's key is this, since reading removes comments.
     */
    /**
     * Whether the value holds more than 30 combining marks in a row, more than Unicode's stream-safe text format
     * allows (UAX #15): normalisation reorders such a run in time quadratic in its length.
     */
    private static boolean longMarkRun(String value) {
        int run = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x300) {
                run = 0;
                continue;
            }
            int type = Character.getType(c);
            if (type == Character.NON_SPACING_MARK
                    || type == Character.COMBINING_SPACING_MARK
                    || type == Character.ENCLOSING_MARK
                    || Character.isSurrogate(c)) {
                if (++run > 30) {
                    return true;
                }
            } else {
                run = 0;
            }
        }
        return false;
    }

    /**
     * Whether the text after the value's last {@code @} outside comments starts, past white space and controls, with a
     * comment that holds, or is followed by, white space or a control: a mail parser delivers to what follows it, an
     * application that strips the parentheses and takes the first word to what it holds ({@code
     * bot@(maildrop.cc)\u00A0gmail.com}). {@code ann@(x)gmail.com} is gmail.com to both but a bracket stripper.
     */
    private static boolean commentOpensDomain(String value) {
        int depth = 0;
        int at = -1;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (depth > 0 && c == '\\') {
                i++;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (depth == 0 && isAt(c)) {
                at = i;
            }
        }
        if (at < 0) {
            return false;
        }
        for (int i = at + 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '(') {
                return partedComment(value, i);
            }
            if (!separates(c)) {
                return false;
            }
        }
        return false;
    }

    /** Whether the comment opening at {@code open} holds a separator, or one follows its close. */
    private static boolean partedComment(String value, int open) {
        int depth = 0;
        for (int i = open; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                if (--depth == 0) {
                    return i + 1 < value.length() && separates(value.charAt(i + 1));
                }
            } else if (separates(c)) {
                return true;
            }
        }
        return false;
    }

    private static boolean separates(char c) {
        return c <= ' ' || Character.isWhitespace(c) || Character.isSpaceChar(c) || (c >= 0x7F && c <= 0x9F);
    }

    static final String UNUSUAL = "(unusual address)";

    private static final Reading UNUSUAL_ADDRESS = new Reading(UNUSUAL, false);

    /** The dot, and the ideographic full stop that IDN reads as one and NFKC leaves. */
    private static final String DOTS = ".\u3002";

    private static final String GMAIL = "gmail.com";
    private static final String PROTON = "proton.me";
    private static final String YANDEX = "yandex.ru";

    /**
     * The domain of a member, the text after its {@code @} (with no space inside, else the value is unusual),
     * read as the e-mail guard reads a domain ({@link DomainNames#normalise}: invisible characters dropped,
     * NFKC, lower case, punycode), so that a key and the lists agree on it whatever the spelling (a circled
     * letter, a Roman numeral, U+1806 that IDN drops: probe44a F1); an address literal as written ({@code
     * [192.0.2.1]}, for an intranet that takes them); {@code null} when there is none.
     */
    private static @Nullable String deliveryDomain(String text, int from, int to) {
        int start = from;
        while (start < to && text.charAt(start) == ' ') {
            start++;
        }
        int end = to;
        while (end > start && text.charAt(end - 1) == ' ') {
            end--;
        }
        if (start < end && text.charAt(start) == '[') {
            int close = text.indexOf(']', start);
            String literal = text.substring(start, close < 0 || close >= end ? end : close + 1)
                    .toLowerCase(Locale.ROOT);
            // only an address literal: a name in brackets ([gmail.com]) is delivered to the name by an
            // application that strips them (review44 F1)
            return ADDRESS_LITERAL.matcher(literal).matches() ? literal : null;
        }
        String domain = text.substring(start, end);
        if (domain.indexOf('\u0130') >= 0 || domain.indexOf('\u0131') >= 0) {
            // the Turkish capital and dotless i read as i, as the e-mail guard reads them and as toLowerCase() does in
            // a Turkish locale (probe76a F1: bill@GMA\u0130L.COM and bill@gma\u0131l.com were budgets of their own)
            domain = domain.replace('\u0130', 'i').replace('\u0131', 'i');
        }
        String normalised = DomainNames.normalise(domain, 0, domain.length());
        // a domain no registry can hold is delivered only by an application that reads it carelessly, to what the lists
        // read it as, not to an inbox of its own (probe85c F1: xn--gmail-.com, g_mail.com, nine accounts on
        // kim@gmail.com's inbox where three were allowed); one no reading makes registrable is an unusual address
        return normalised == null ? null : DomainNames.registrableReading(normalised);
    }

    /** The inbox's domain: one for the domains a provider delivers to one account alike. */
    private static String inbox(String domain) {
        if (domain.equals("googlemail.com")) {
            return GMAIL;
        }
        if (PROTON_DOMAINS.contains(domain)) {
            return PROTON;
        }
        if (YANDEX_DOMAINS.contains(domain)) {
            return YANDEX;
        }
        if (APPLE_DOMAINS.contains(domain)) {
            return "icloud.com";
        }
        if (domain.equals("gmx.net")) {
            return "gmx.de"; // a GMX account receives at both (probe63a F4)
        }
        return domain;
    }

    /**
     * Whether the local part holds a character no unquoted local part holds: a bracket, a parenthesis left
     * open, a quoted delimiter ({@code U+FFFD} here). A lenient parser starts the address after it ({@code
     * >ann@gmail.com}, {@code [x]ann@gmail.com}), a strict one refuses it (review44 F3).
     */
    private static boolean hasSpecial(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '<' || c == '>' || c == '[' || c == ']' || c == '(' || c == ')' || c == '\uFFFD') {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a quote follows the value's last {@code @} within the address: {@code ann@gmail.com"x}, {@code
     * ann@"x"gmail.com}, not {@code <ann@gmail.com>"x"}.
     */
    private static boolean quotedAfter(String value) {
        int at = value.length() - 1;
        while (at >= 0 && !isAt(value.charAt(at))) {
            at--;
        }
        if (at < 0) {
            return false;
        }
        int quote = value.indexOf('"', at);
        int close = value.indexOf('>', at); // after an angle address's end, a quote is no part of it
        return quote >= 0 && (close < 0 || quote < close);
    }

    /** Whether text follows a space between {@code from} and {@code to}, past the spaces at its start. */
    private static boolean partedAfter(String text, int from, int to) {
        int i = from;
        while (i < to && text.charAt(i) == ' ') {
            i++;
        }
        while (i < to && text.charAt(i) != ' ') {
            i++;
        }
        return !isBlank(text, i, to);
    }

    private static boolean isBlank(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) != ' ') {
                return false;
            }
        }
        return true;
    }

    private static String without(String name, String characters) {
        StringBuilder kept = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            if (characters.indexOf(name.charAt(i)) < 0) {
                kept.append(name.charAt(i));
            }
        }
        return kept.toString();
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

    private static final Pattern ADDRESS_LITERAL = Pattern.compile("\\[(ipv6:)?[0-9a-f:.]+\\]");

    private static final Pattern YAHOO_SUFFIX = Pattern.compile("[a-z]{2,3}|(co|com)\\.[a-z]{2}");

    /** Yandex's domains, each an alias of every mailbox (probe44a F2). */
    private static final Set<String> YANDEX_DOMAINS =
            Set.of("yandex.ru", "yandex.com", "ya.ru", "yandex.by", "yandex.kz", "yandex.ua", "yandex.com.tr");

    /** Apple's mail domains, which an account that has the older names receives at alike (probe44a F2). */
    private static final Set<String> APPLE_DOMAINS = Set.of("icloud.com", "me.com", "mac.com");

    /** Proton's domains, which one account receives mail at alike (probe43b F1). */
    private static final Set<String> PROTON_DOMAINS = Set.of("proton.me", "protonmail.com", "protonmail.ch", "pm.me");

    /**
     * Domains whose subdomains deliver any local part to the user the subdomain names: Fastmail's subdomain
     * addressing (probe43b F1), and the alias relays that make an alias at the user's subdomain on first mail, addy.io's
     * and 33mail's (review58 F5: allowed by default now, each such alias was a mailbox key of its own).
     */
    private static final Set<String> SUBDOMAIN_ADDRESSED = Set.of(
            "anonaddy.me",
            "anonaddy.com",
            "addy.io",
            "33mail.com",
            // Fastmail's own domains, on each of which an account's user name is a subdomain of its own (probe63a F4:
            // only fastmail.com and fastmail.fm were folded, anything@ann.sent.com was a mailbox per spelling)
            "fastmail.com",
            "fastmail.fm",
            "fastmail.cn",
            "fastmail.co.uk",
            "fastmail.com.au",
            "fastmail.de",
            "fastmail.es",
            "fastmail.fr",
            "fastmail.im",
            "fastmail.in",
            "fastmail.jp",
            "fastmail.mx",
            "fastmail.net",
            "fastmail.nl",
            "fastmail.org",
            "fastmail.se",
            "fastmail.to",
            "fastmail.tw",
            "fastmail.uk",
            "fastmail.us",
            "123mail.org",
            "150mail.com",
            "150ml.com",
            "16mail.com",
            "2-mail.com",
            "4email.net",
            "50mail.com",
            "airpost.net",
            "allmail.net",
            "cluemail.com",
            "elitemail.org",
            "emailcorner.net",
            "emailengine.net",
            "emailengine.org",
            "emailgroups.net",
            "emailplus.org",
            "emailuser.net",
            "eml.cc",
            "f-m.fm",
            "fast-email.com",
            "fast-mail.org",
            "fastem.com",
            "fastemailer.com",
            "fastest.cc",
            "fastimap.com",
            "fastmailbox.net",
            "fastmessaging.com",
            "fea.st",
            "fmail.co.uk",
            "fmailbox.com",
            "fmgirl.com",
            "fmguy.com",
            "ftml.net",
            "hailmail.net",
            "imap-mail.com",
            "imap.cc",
            "imapmail.org",
            "inoutbox.com",
            "internet-e-mail.com",
            "internet-mail.org",
            "internetemails.net",
            "internetmailing.net",
            "jetemail.net",
            "justemail.net",
            "letterboxes.org",
            "mail-central.com",
            "mail-page.com",
            "mailas.com",
            "mailbolt.com",
            "mailc.net",
            "mailcan.com",
            "mailforce.net",
            "mailhaven.com",
            "mailingaddress.org",
            "mailite.com",
            "mailmight.com",
            "mailnew.com",
            "mailsent.net",
            "mailservice.ms",
            "mailup.net",
            "mailworks.org",
            "ml1.net",
            "mm.st",
            "myfastmail.com",
            "mymacmail.com",
            "nospammail.net",
            "ownmail.net",
            "petml.com",
            "postinbox.com",
            "postpro.net",
            "proinbox.com",
            "promessage.com",
            "realemail.net",
            "reallyfast.biz",
            "reallyfast.info",
            "rushpost.com",
            "sent.as",
            "sent.at",
            "sent.com",
            "speedpost.net",
            "speedymail.org",
            "ssl-mail.com",
            "swift-mail.com",
            "the-fastest.net",
            "the-quickest.com",
            "theinternetemail.com",
            "veryfast.biz",
            "veryspeedy.net",
            "warpmail.net",
            "xsmail.com",
            "yepmail.net",
            "your-mail.com");

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
    private static @Nullable String delivered(String value, boolean comments) {
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
            } else if (!UserNames.isIgnorable(c) && !DomainNames.isIgnorable(c)) {
                kept.appendCodePoint(c);
            }
        }
        if (quoted) {
            return null; // a quote left open: no mail parser reads the value, each application its own way
        }
        return depth == 0 ? withoutSpaceAroundDots(kept) : delivered(value, false);
    }

    /**
     * The text without the spaces next to a dot, which mail parsers drop (obsolete RFC 5322 syntax allows white
     * space and comments around the dots of a local part and a domain: {@code d (x).an@gmail . com} is
     * dan@gmail.com, as the e-mail guard reads it). One pass.
     */
    private static String withoutSpaceAroundDots(StringBuilder text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ' ') {
                out.append(c);
                continue;
            }
            int next = i;
            while (next < text.length() && text.charAt(next) == ' ') {
                next++;
            }
            boolean afterDot = out.length() > 0 && DomainNames.isDot(out.charAt(out.length() - 1));
            boolean beforeDot = next < text.length() && DomainNames.isDot(text.charAt(next));
            if (!afterDot && !beforeDot) {
                out.append(' ');
            }
            i = next - 1;
        }
        return out.toString();
    }

    /** {@code @} and the forms NFKC maps to it: full-width, small. */
    private static boolean isAt(char c) {
        return c == '@' || c == '\uFF20' || c == '\uFE6B';
    }

    /** {@code +} and the forms NFKC maps to it: full-width, small, superscript and subscript. */
    private static boolean isPlus(int c) {
        return c == '+' || c == '\uFF0B' || c == '\uFE62' || c == '\u207A' || c == '\u208A';
    }
}
