package io.github.abuseguard;

/** Whether a guard's denials are carried out or only reported. */
public enum Mode {
    /** Denials are carried out. */
    ENFORCE,
    /** Denials are only reported to listeners as would-be denials; the request goes on. */
    MONITOR
}
