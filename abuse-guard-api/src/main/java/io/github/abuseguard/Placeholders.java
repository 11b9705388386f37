package io.github.abuseguard;

import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The values a client sends in a header, cookie or parameter before it has one of its own: blank, or what a page's
 * script writes for a value it does not have yet ({@code null}, {@code undefined}, {@code Bearer null}, {@code
 * Bearer }). Every such client sends them alike, so a key read from one would be a single key shared by all of
 * them: one client could spend every anonymous client's budget (probe48e F4: an empty {@code X-Api-Key} refused a
 * second address on its first request) or a once-only step for all (probe47a F4). Such a value is no key: the
 * request counts against its address, as one without the value does. A principal or a session id is never read
 * as a placeholder: an account may be named {@code null} (review48 F2).
 */
final class Placeholders {
    private static final Set<String> PLACEHOLDERS =
            Set.of("", "null", "undefined", "bearer", "bearer null", "bearer undefined");

    private Placeholders() {}

    /** The value, or {@code null} when it is a placeholder (case and white space aside). */
    static @Nullable String given(@Nullable String value) {
        if (value == null || value.length() > 32) {
            return value;
        }
        String normal = value.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
        return PLACEHOLDERS.contains(normal) ? null : value;
    }
}
