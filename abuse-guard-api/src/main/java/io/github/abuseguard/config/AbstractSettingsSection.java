package io.github.abuseguard.config;

import io.github.abuseguard.internal.SettingsBinder;
import java.lang.reflect.ParameterizedType;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A {@link SettingsSection} given by its name and type (and, unless the type is a record, its
 * constructor), for implementations that have nothing else to say:
 * {@code super("responses")} in a class that {@code extends AbstractSettingsSection<ResponseSettings>}.
 *
 * @param <S> the settings type
 */
public abstract class AbstractSettingsSection<S> implements SettingsSection<S> {

    private final String name;
    private final Class<S> type;
    private final Supplier<S> defaults;

    /**
     * A section whose settings are the record its subclass names as {@code S}
     * ({@code extends AbstractSettingsSection<ResponseSettings>}): its defaults are its components'
     * {@link Default}s.
     *
     * @param name the section's path under {@code abuse-guard.}, in kebab-case
     * @throws IllegalArgumentException if {@code S} is not a record the subclass names
     */
    protected AbstractSettingsSection(String name) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = namedSettingsType(getClass());
        this.defaults = recordDefaults(type);
    }

    /**
     * @param name the section's path under {@code abuse-guard.}, in kebab-case
     * @param type the settings type
     * @param defaults makes a settings object holding the defaults
     */
    protected AbstractSettingsSection(String name, Class<S> type, Supplier<S> defaults) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.defaults = Objects.requireNonNull(defaults, "defaults");
    }

    /** The class {@code S} stands for in the declaration of {@code subclass} or of a class it extends. */
    @SuppressWarnings("unchecked")
    private static <S> Class<S> namedSettingsType(Class<?> subclass) {
        for (Class<?> at = subclass; at != AbstractSettingsSection.class; at = at.getSuperclass()) {
            if (at.getGenericSuperclass() instanceof ParameterizedType declared
                    && (declared.getRawType() == AbstractSettingsSection.class
                            || declared.getRawType() == AbstractGuardFactory.class)) {
                if (declared.getActualTypeArguments()[0] instanceof Class<?> named) {
                    return (Class<S>) named;
                }
                break;
            }
        }
        throw new IllegalArgumentException(
                subclass.getName() + " names no settings class as S: pass the settings type to the constructor");
    }

    static <S> Supplier<S> recordDefaults(Class<S> type) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record: pass a supplier of its defaults");
        }
        @SuppressWarnings("unchecked")
        Class<? extends Record> record = (Class<? extends Record>) type;
        return () -> type.cast(SettingsBinder.defaults(record));
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final S newSettings() {
        return defaults.get();
    }

    @Override
    public final Class<S> settingsType() {
        return type;
    }
}
