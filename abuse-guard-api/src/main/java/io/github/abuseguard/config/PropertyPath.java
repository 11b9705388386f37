package io.github.abuseguard.config;

import io.github.abuseguard.internal.Durations;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The full name of a configuration property, such as {@code abuse-guard.rate-limit.rules.per-ip}, and
 * the checks that turn a builder's {@link IllegalArgumentException} or {@link IllegalStateException}
 * into an {@link InvalidSettingException} naming it. Guard factories use it so every start-up error
 * names the property at fault.
 */
public final class PropertyPath {

    private final String name;

    private PropertyPath(String name) {
        this.name = name;
    }

    /** The path of a top-level section, {@code abuse-guard.<section>}; the root itself for an empty section. */
    public static PropertyPath of(String section) {
        Objects.requireNonNull(section, "section");
        return new PropertyPath(
                section.isEmpty() ? AbuseGuardSettings.PREFIX : AbuseGuardSettings.PREFIX + "." + section);
    }

    /** This path followed by {@code .relative}; {@code relative} may hold dots and indexes of its own. */
    public PropertyPath child(String relative) {
        return new PropertyPath(relative.isEmpty() ? name : name + "." + relative);
    }

    /** This path followed by {@code [index]}. */
    public PropertyPath index(int index) {
        return new PropertyPath(name + "[" + index + "]");
    }

    /**
     * @return {@code value}
     * @throws InvalidSettingException naming {@code this.relative} when {@code value} is null
     */
    public <T> T required(@Nullable T value, String relative) {
        if (value == null) {
            throw child(relative).invalid("is required");
        }
        return value;
    }

    /**
     * @return {@code value}
     * @throws InvalidSettingException naming {@code this.relative} when {@code value} is null, zero or
     *     negative: a window, period or time to live of nothing cannot work
     */
    public Duration positive(@Nullable Duration value, String relative) {
        Duration duration = required(value, relative);
        if (duration.isNegative() || duration.isZero()) {
            throw child(relative).invalid("must be positive, was " + Durations.written(duration));
        }
        return duration;
    }

    /** Runs {@code step}, naming {@code this.relative} in the exception if it refuses a value. */
    public void check(String relative, Runnable step) {
        get(relative, () -> {
            step.run();
            return null;
        });
    }

    /** The result of {@code step}, naming {@code this.relative} in the exception if it refuses a value. */
    public <T extends @Nullable Object> T get(String relative, Supplier<T> step) {
        try {
            return step.get();
        } catch (InvalidSettingException e) {
            throw e;
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw child(relative).invalid(e.getMessage());
        }
    }

    /** An exception naming this property. */
    public InvalidSettingException invalid(String problem) {
        return new InvalidSettingException(name, problem);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PropertyPath path && path.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    /** The full property name. */
    @Override
    public String toString() {
        return name;
    }
}
