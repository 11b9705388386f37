package io.github.abuseguard.config;

/** A configuration value that cannot work, naming the property at fault. Thrown at start-up. */
public class InvalidSettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String property;

    public InvalidSettingException(String property, String problem) {
        super(property + ": " + problem);
        this.property = property;
    }

    /** The full property name, such as {@code abuse-guard.rate-limit.rules.per-ip.limits[0].capacity}. */
    public String property() {
        return property;
    }
}
