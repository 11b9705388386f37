package io.github.abuseguard;

/** Whether a guard's denials are carried out or only reported. */
public enum Mode {
    /** Denials are carried out. */
    ENFORCE,
    /** Denials are only reported to listeners as would-be denials; the request goes on. */
    MONITOR;

    /**
     * The mode a property value names: {@code enforce} or {@code monitor}, in any case.
     *
     * @throws IllegalArgumentException if it names neither
     */
    public static Mode of(String value) {
        return valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
