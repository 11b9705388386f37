package io.github.abuseguard.email;

import java.net.IDN;
import java.util.Locale;

/**
 * The domain of an e-mail address, normalised for comparison: the part after the last {@code @},
 * without surrounding whitespace, angle brackets or a trailing dot, in lower case, internationalised
 * names in their ASCII (punycode) form. Whether the address is otherwise valid is the application's
 * business; this only finds the domain to look up.
 */
public final class EmailDomain {
    private static final int MAX_ADDRESS = 320;

    private EmailDomain() {}

    /**
     * The normalised domain of an address.
     *
     * @return the domain, or {@code null} when there is none to look up (no {@code @}, an address
     *     literal such as {@code [192.0.2.1]}, or a name that cannot be a domain)
     */
    public static String of(String address) {
        if (address == null) {
            return null;
        }
        String trimmed = address.strip();
        if (trimmed.length() > MAX_ADDRESS) {
            trimmed = trimmed.substring(trimmed.length() - MAX_ADDRESS);
        }
        int at = trimmed.lastIndexOf('@');
        if (at < 0 || at == trimmed.length() - 1) {
            return null;
        }
        String domain = trimmed.substring(at + 1).strip();
        if (domain.endsWith(">")) {
            domain = domain.substring(0, domain.length() - 1).strip();
        }
        return normalise(domain);
    }

    /** A domain name normalised as {@link #of(String)} does; {@code null} when it cannot be one. */
    public static String normalise(String domain) {
        String name = domain.strip();
        while (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty() || name.startsWith("[")) {
            return null;
        }
        String ascii;
        try {
            ascii = IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
        for (int i = 0; i < ascii.length(); i++) {
            char c = ascii.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_')) {
                return null;
            }
        }
        return ascii.isEmpty() || ascii.startsWith(".") || ascii.contains("..") ? null : ascii;
    }
}
