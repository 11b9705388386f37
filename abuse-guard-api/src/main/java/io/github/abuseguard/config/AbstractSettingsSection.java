package io.github.abuseguard.config;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A {@link SettingsSection} given by its name, type and constructor, for implementations that have
 * nothing else to say: {@code super("responses", ResponseSettings.class, ResponseSettings::new)}.
 *
 * @param <S> the settings type
 */
public abstract class AbstractSettingsSection<S> implements SettingsSection<S> {

    private final String name;
    private final Class<S> type;
    private final Supplier<S> defaults;

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
