package io.github.abuseguard.internal;

import java.util.Locale;

/** A set of HTTP status codes written as codes and classes, such as {@code 401, 403} or {@code 4xx}. */
public final class Statuses {
    private final boolean[] members = new boolean[600];
    private final String text;

    private Statuses(String text) {
        this.text = text;
    }

    /**
     * Parses a comma-separated list of codes (100 to 599) and classes ({@code 1xx} to {@code 5xx}).
     *
     * @throws IllegalArgumentException if a part is neither, or the list is empty
     */
    public static Statuses parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("statuses must name at least one code or class, such as 401,403 or 4xx");
        }
        Statuses statuses = new Statuses(spec.trim());
        for (String raw : spec.split(",")) {
            String part = raw.trim().toLowerCase(Locale.ROOT);
            if (part.matches("[1-5]xx")) {
                int base = (part.charAt(0) - '0') * 100;
                for (int code = base; code < base + 100; code++) {
                    statuses.members[code] = true;
                }
            } else if (part.matches("[1-5][0-9][0-9]")) {
                statuses.members[Integer.parseInt(part)] = true;
            } else {
                throw new IllegalArgumentException(
                        "'" + raw.trim() + "' is neither a status code (100-599) nor a class (1xx-5xx)");
            }
        }
        return statuses;
    }

    public boolean contains(int status) {
        return status >= 0 && status < members.length && members[status];
    }

    @Override
    public String toString() {
        return text;
    }
}
