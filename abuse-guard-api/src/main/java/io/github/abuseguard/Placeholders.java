package io.github.abuseguard;

import org.jspecify.annotations.Nullable;

/**
 * The values a client sends in a header, cookie or parameter before it has one of its own: blank, or what a page's
 * script writes for a value it does not have yet ({@code null}, {@code undefined}, {@code Bearer null}, {@code
 * Bearer }). Every such client sends them alike, so a key read from one would be a single key shared by all of
 * them: one client could spend every anonymous client's budget (probe48e F4: an empty {@code X-Api-Key} refused a
 * second address on its first request) or a once-only step for all (probe47a F4). Such a value is no key: the
 * request counts against its address, as one without the value does. A principal or a session id is never read
 * as a placeholder, nor is a parameter other than blank: an account may be named {@code null} (review48 F2,
 * review50 F7). Read without allocating: every key header,
 * cookie and parameter of a request is asked (review49 F5: a regular expression per value cost 818 bytes).
 */
final class Placeholders {
    private Placeholders() {}

    /** The longest value looked at: a placeholder is short, a real key is read as it is. */
    private static final int LONGEST = 40;

    /**
     * The value, or {@code null} when it is a placeholder (case, white space and surrounding quotes aside): blank,
     * {@code null}, {@code undefined}, {@code NaN} or {@code [object Object]}, alone or after one scheme word ({@code
     * Bearer null}, {@code Token undefined}, {@code JWT [object Object]}), or an authorization scheme alone ({@code
     * Bearer }, {@code Basic }) (review50 F7).
     */
    static @Nullable String given(@Nullable String value) {
        if (value == null || value.length() > LONGEST) {
            return value;
        }
        int from = skipSpace(value, 0);
        int to = value.length();
        while (to > from && Character.isWhitespace(value.charAt(to - 1))) {
            to--;
        }
        if (placeholder(value, from, to)) {
            return null;
        }
        int word = from;
        while (word < to && Character.isLetter(value.charAt(word))) {
            word++;
        }
        if (word == to) {
            return scheme(value, from, to) ? null : value; // "Bearer", "Basic": a scheme without credentials
        }
        if (word == from || !Character.isWhitespace(value.charAt(word))) {
            return value;
        }
        return placeholder(value, skipSpace(value, word), to) ? null : value;
    }

    /**
     * The value of a parameter (a form field, the query string), or {@code null} when it is blank: a parameter names
     * an account as often as a client's own key, and an account may be named {@code null} (review50 F7: a form user
     * name {@code null} had no key, and rotating addresses gave unlimited guesses at that account).
     */
    static @Nullable String givenParameter(@Nullable String value) {
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            if (!Character.isWhitespace(value.charAt(i))) {
                return value;
            }
        }
        return null;
    }

    /** Whether {@code value[from, to)}, without one pair of surrounding quotes, is a placeholder word or empty. */
    private static boolean placeholder(String value, int from, int to) {
        if (to - from >= 2) {
            char first = value.charAt(from);
            if ((first == '"' || first == '\'') && value.charAt(to - 1) == first) {
                from++;
                to--;
            }
        }
        return from == to
                || word(value, from, to, "null")
                || word(value, from, to, "undefined")
                || word(value, from, to, "nan")
                || word(value, from, to, "[object object]");
    }

    /** Whether {@code value[from, to)} is an HTTP authorization scheme a script sends before it has credentials. */
    private static boolean scheme(String value, int from, int to) {
        return word(value, from, to, "bearer") || word(value, from, to, "basic") || word(value, from, to, "token");
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
