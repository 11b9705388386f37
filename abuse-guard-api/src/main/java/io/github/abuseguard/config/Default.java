package io.github.abuseguard.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The default of a settings record's component, written as a property value would be ({@code 10},
 * {@code 24h}, {@code enforce}, {@code /**}; a list as several values). Both binders (the plain-servlet
 * {@link io.github.abuseguard.internal.SettingsBinder} and the Spring Boot starter) apply it where the
 * configuration leaves the component out, and the starter's IDE metadata shows it. Write the value once,
 * as the type's {@code DEFAULT_*} constant, and name the constant here:
 *
 * <pre>{@code
 * public record MySettings(@Default("" + MySettings.DEFAULT_LIMIT) int limit) {
 *     public static final int DEFAULT_LIMIT = 10;
 * }
 * }</pre>
 *
 * <p>A component without one is {@code 0} or {@code false} (primitives), empty (lists and maps), a
 * record of its own defaults (nested settings records), or {@code null}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER})
public @interface Default {

    /** The value, in the syntax of a property; several values make a list. */
    String[] value();
}
