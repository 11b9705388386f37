package io.github.abuseguard.email;

import java.net.IDN;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The domain of an e-mail address, normalised for comparison: the part after the last {@code @},
 * without surrounding white space or invisible characters (any Unicode space such as U+00A0 or U+3000,
 * and format characters such as U+200B or U+FEFF, which a form or a copy-and-paste leaves and an
 * application trims), angle brackets or trailing dots, in lower case, internationalised names in their
 * ASCII (punycode) form. Whether the address is otherwise valid is the application's business; this
 * only finds the domain to look up.
 *
 * <p>The local part is never looked at: plus-addressing ({@code ann+news@}) and dots ({@code a.n.n@})
 * are ways of one real mailbox to sort its mail, not signs of a throw-away one.
 */
final class EmailDomain {
    /** The longest address read (RFC 5321: 64 for the local part, 255 for the domain, plus '@'). */
    private static final int MAX_ADDRESS = 320;
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
        int end = address.length();
        while (end > 0 && (isIgnorable(address.charAt(end - 1)) || address.charAt(end - 1) == '>')) {
            end--;
        }
        // Only the tail matters, so a padded megabyte costs no more than a real address.
        int start = Math.max(0, end - MAX_ADDRESS);
        int at = address.lastIndexOf('@', end - 1);
        if (at < start) {
            return null;
        }
        return normalise(address, at + 1, end);
    }

    /** A domain name normalised as {@link #of(String)} does; {@code null} when it cannot be one. */
    static @Nullable String normalise(String domain) {
        return domain == null ? null : normalise(domain, 0, domain.length());
    }

    private static String normalise(String text, int from, int to) {
        int start = from;
        int end = to;
        while (start < end && isIgnorable(text.charAt(start))) {
            start++;
        }
        while (end > start && (isIgnorable(text.charAt(end - 1)) || isDot(text.charAt(end - 1)))) {
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

    private static String internationalised(String name) {
        if (name.length() > MAX_ADDRESS) {
            return null;
        }
        String ascii;
        try {
            ascii = IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
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
        return c == '.' || c == '\u3002' || c == '\uFF0E' || c == '\uFF61';
    }

    /** White space, Unicode spaces (U+00A0, U+2000-U+200A, U+3000, ...), controls and format characters. */
    static boolean isIgnorable(char c) {
        if (c <= ' ') {
            return true;
        }
        if (c < '\u007F') {
            return false;
        }
        if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
            return true;
        }
        int type = Character.getType(c);
        return type == Character.FORMAT || type == Character.CONTROL;
    }
}
