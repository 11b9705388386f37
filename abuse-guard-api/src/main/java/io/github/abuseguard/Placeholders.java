package io.github.abuseguard;

import org.jspecify.annotations.Nullable;

/**
 * The values a client sends in a header, cookie or parameter before it has one of its own: blank, or what a page's
 * script writes for a value it does not have yet ({@code null}, {@code undefined}, {@code Bearer null}, {@code
 * Bearer }). Every such client sends them alike, so a key read from one would be a single key shared by all of
 * them: one client could spend every anonymous client's budget (probe48e F4: an empty {@code X-Api-Key} refused a
 * second address on its first request) or a once-only step for all (probe47a F4). Such a value is no key: the
 * request counts against its address, as one without the value does. A principal or a session id is never read
 * as a placeholder: an account may be named {@code null} (review48 F2). Read without allocating: every key header,
 * cookie and parameter of a request is asked (review49 F5: a regular expression per value cost 818 bytes).
 */
final class Placeholders {
    private Placeholders() {}

    /** The value, or {@code null} when it is a placeholder (case and white space aside). */
    static @Nullable String given(@Nullable String value) {
        if (value == null || value.length() > 32) {
            return value;
        }
        int from = skipSpace(value, 0);
        int to = value.length();
        while (to > from && Character.isWhitespace(value.charAt(to - 1))) {
            to--;
        }
        if (from == to || word(value, from, to, "null") || word(value, from, to, "undefined")) {
            return null;
        }
        if (!value.regionMatches(true, from, "bearer", 0, 6)) {
            return value;
        }
        int after = from + 6;
        if (after == to) {
            return null; // "Bearer"
        }
        if (!Character.isWhitespace(value.charAt(after))) {
            return value; // "Bearerx..."
        }
        int credentials = skipSpace(value, after);
        return word(value, credentials, to, "null") || word(value, credentials, to, "undefined") ? null : value;
    }

    private static int skipSpace(String value, int from) {
        while (from < value.length() && Character.isWhitespace(value.charAt(from))) {
            from++;
        }
        return from;
    }

    /** Whether {@code value[from, to)} is {@code word}, in any case. */
    private static boolean word(String value, int from, int to, String word) {
        return to - from == word.length() && value.regionMatches(true, from, word, 0, word.length());
    }
}
