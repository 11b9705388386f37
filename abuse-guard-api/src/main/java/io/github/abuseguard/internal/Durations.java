package io.github.abuseguard.internal;

import java.time.Duration;

/** Durations as configuration writes them ({@code 1h30m}, {@code -1h}, {@code 0s}), for messages about a setting. */
public final class Durations {

    private Durations() {}

    /**
     * {@code duration} in the units a property is written in, largest first: {@code PT-1H} is {@code -1h}, {@code
     * PT0S} is {@code 0s}, {@code PT0.5S} is {@code 500ms} (user64 F6: an error showed the ISO form, not what was
     * written).
     */
    public static String written(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder text = new StringBuilder();
        Duration rest = duration;
        if (duration.isNegative()) {
            if (duration.getSeconds() == Long.MIN_VALUE) {
                return duration.toString(); // no positive twin to write
            }
            text.append('-');
            rest = duration.negated();
        }
        append(text, rest.toDays(), "d");
        append(text, rest.toHoursPart(), "h");
        append(text, rest.toMinutesPart(), "m");
        append(text, rest.toSecondsPart(), "s");
        append(text, rest.toMillisPart(), "ms");
        append(text, rest.toNanosPart() % 1_000_000, "ns");
        return text.toString();
    }

    private static void append(StringBuilder text, long amount, String unit) {
        if (amount != 0) {
            text.append(amount).append(unit);
        }
    }
}
