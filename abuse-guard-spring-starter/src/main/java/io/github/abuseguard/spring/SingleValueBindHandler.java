package io.github.abuseguard.spring;

import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.internal.SettingsBinder;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.PlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;

/**
 * Refuses, naming the property, the single values Spring's binder would take or drop without a word, as
 * the plain-servlet binder ({@link SettingsBinder}) refuses them:
 *
 * <ul>
 *   <li>a list ({@code statuses[0]}, as a YAML list is flattened) or a nested key under a property that
 *       takes one value: Spring reads it as an element of a list the property is not, and binds the
 *       default instead;
 *   <li>a number that is not finite ({@code NaN}, {@code Infinity}), which compares false with every
 *       threshold;
 *   <li>a secret that still holds a {@code ${...}} placeholder, which Spring leaves as its own text when
 *       nothing resolves it;
 *   <li>a boolean other than {@code true} or {@code false} (in any case), as {@link ConditionalOnSwitch}
 *       reads the switches too: Spring's conversion alone takes {@code yes}, {@code on} and {@code 1} for
 *       {@code true}.
 * </ul>
 *
 * <p>A duration written as a bare number, milliseconds by Spring Boot's convention, is a warning
 * ({@link SettingsBinder#warnIfUnitless}).
 */
final class SingleValueBindHandler extends AbstractBindHandler {

    /** Resolves a boolean's raw value as the binder did: {@code ${GUARD_ON:true}} is judged by what it becomes. */
    private final @Nullable PlaceholdersResolver placeholders;

    SingleValueBindHandler(BindHandler parent, @Nullable PlaceholdersResolver placeholders) {
        super(parent);
        this.placeholders = placeholders;
    }

    @Override
    public <T> @Nullable Bindable<T> onStart(ConfigurationPropertyName name, Bindable<T> target, BindContext context) {
        Class<?> type = target.getType().resolve(Object.class);
        if (SettingsBinder.isSingleValue(type)) {
            for (ConfigurationPropertySource source : context.getSources()) {
                if (source.containsDescendantOf(name) == ConfigurationPropertyState.PRESENT) {
                    throw refusal(name, source);
                }
            }
        }
        return super.onStart(name, target, context);
    }

    @Override
    public @Nullable Object onSuccess(
            ConfigurationPropertyName name, Bindable<?> target, BindContext context, Object result) {
        if ((result instanceof Double number && !Double.isFinite(number))
                || (result instanceof Float single && !Float.isFinite(single))) {
            // as the plain binder words it
            throw new InvalidSettingException(name.toString(), "'" + result + "' is not a finite number");
        }
        SettingsBinder.refuseUnresolvedSecret(name.toString(), result);
        ConfigurationProperty property = context.getConfigurationProperty();
        if (result instanceof Duration duration) {
            Object raw = property == null ? null : raw(property);
            try {
                // every duration is used as nanoseconds somewhere, as SettingsBinder.duration checks (cfg24 F17)
                duration.toNanos();
            } catch (ArithmeticException e) {
                throw SettingsBinder.tooLong(name.toString(), raw == null ? duration : raw);
            }
            SettingsBinder.warnIfUnitless(name.toString(), raw);
        }
        if (result instanceof Boolean
                && property != null
                && (placeholders == null ? property.getValue() : placeholders.resolvePlaceholders(property.getValue()))
                        instanceof String raw
                && !raw.strip().equalsIgnoreCase("true")
                && !raw.strip().equalsIgnoreCase("false")) {
            throw new InvalidSettingException(name.toString(), "'" + raw + "' is not true or false");
        }
        return super.onSuccess(name, target, context, result);
    }

    /**
     * Words as the plain binder does the two conversion failures Spring reports with a raw cause: an unknown
     * value of an enum ({@code No enum constant io.github...Action.blockk}, cfg24 F9) and a duration that
     * overflows ({@code long overflow}, cfg24 F17).
     */
    @Override
    public @Nullable Object onFailure(
            ConfigurationPropertyName name, Bindable<?> target, BindContext context, Exception error) throws Exception {
        ConfigurationProperty property = context.getConfigurationProperty();
        Class<?> type = target.getType().resolve(Object.class);
        if (property != null && !causedBy(error, InvalidSettingException.class)) {
            Object raw = raw(property);
            if (type.isEnum()) {
                throw SettingsBinder.notOneOf(name.toString(), type, String.valueOf(raw));
            }
            if (type == Duration.class && causedBy(error, ArithmeticException.class)) {
                throw SettingsBinder.tooLong(name.toString(), raw);
            }
        }
        return super.onFailure(name, target, context, error);
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
            if (cause.getCause() == cause) {
                return false;
            }
        }
        return false;
    }

    /** The property's value as written, its placeholders resolved as the binder resolved them. */
    private @Nullable Object raw(ConfigurationProperty property) {
        return placeholders == null ? property.getValue() : placeholders.resolvePlaceholders(property.getValue());
    }

    private static InvalidSettingException refusal(ConfigurationPropertyName name, ConfigurationPropertySource source) {
        ConfigurationPropertyName below = null;
        if (source instanceof IterableConfigurationPropertySource iterable) {
            below = iterable.stream().filter(name::isAncestorOf).findFirst().orElse(null);
        }
        boolean indexed = below == null || below.isNumericIndex(name.getNumberOfElements());
        String given = below == null ? "" : " (" + below + ")";
        return new InvalidSettingException(
                name.toString(),
                indexed
                        ? "takes one value, but a list was given" + given
                        : "takes one value, not nested properties" + given);
    }
}
