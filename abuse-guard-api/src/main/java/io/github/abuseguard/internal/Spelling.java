package io.github.abuseguard.internal;

import java.util.Collection;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The known name a misspelt one most likely means, for start-up errors that can say "did you mean". */
public final class Spelling {

    private Spelling() {}

    /**
     * The name of {@code known} nearest to {@code wanted} by edit distance, letter case, {@code -} and {@code _} set
     * aside, or {@code null} when none is within a third of its length (at least two edits): {@code client-signal}
     * means {@code client-signals}, {@code limt} {@code limits}, {@code max-retries} {@code max-retry}; {@code foo} means nothing. Of two equally near, the
     * first in {@code known}'s order. Failing that, a known name that is the last of the words {@code wanted} joins
     * with {@code -}: {@code disposable-email}, the e-mail guard's name in answers and metrics, means its section
     * {@code email} (user67 F9).
     */
    public static @Nullable String closest(String wanted, Collection<String> known) {
        String shape = shape(wanted);
        int best = Math.max(2, shape.length() / 3) + 1;
        String closest = null;
        for (String candidate : known) {
            int distance = distance(shape, shape(candidate), best);
            if (distance < best) {
                best = distance;
                closest = candidate;
            }
        }
        if (closest == null) {
            int lastWord = wanted.lastIndexOf('-');
            String last = lastWord < 0 ? null : wanted.substring(lastWord + 1);
            for (String candidate : known) {
                if (last != null && !last.isEmpty() && sameName(candidate, last)) {
                    return candidate;
                }
            }
        }
        return closest;
    }

    /** Whether two names are one to the binders: letter case, {@code -} and {@code _} aside. */
    public static boolean sameName(String a, String b) {
        return shape(a).equals(shape(b));
    }

    /** A name as the binders compare it: lower case, without {@code -} or {@code _}. */
    private static String shape(String name) {
        return name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    /** The Levenshtein distance of {@code a} and {@code b}, or {@code limit} when it is at least that. */
    public static int distance(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) >= limit) {
            return limit;
        }
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            int rowMin = current[0];
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                rowMin = Math.min(rowMin, current[j]);
            }
            if (rowMin >= limit) {
                return limit;
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return Math.min(previous[b.length()], limit);
    }

    /**
     * The end of an "unknown" message: {@code "; did you mean 'x'? known here: [...]"}, or without the question when
     * none is close.
     */
    public static String suggestion(String wanted, Collection<String> known) {
        String closest = closest(wanted, known);
        return (closest == null ? "" : "; did you mean '" + closest + "'?") + (closest == null ? "; " : " ")
                + "known here: " + known;
    }
}
