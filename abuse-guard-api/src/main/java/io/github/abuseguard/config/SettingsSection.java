package io.github.abuseguard.config;

/**
 * A block of {@code abuse-guard.<name>.*} properties that a module contributes to the schema, such as
 * the servlet module's {@code responses} or the Redis module's {@code store.redis}. Modules register
 * theirs with {@link java.util.ServiceLoader} under {@code META-INF/services}; both binders (the
 * plain-servlet {@link io.github.abuseguard.internal.SettingsBinder} and the Spring Boot starter) find them there, so the core never
 * names them. Guards contribute their sections through {@link GuardFactory}.
 *
 * @param <S> the settings type: a record whose components' {@link Default}s are the defaults; or a JavaBean
 *     with a public no-argument constructor, getters and setters, whose field initialisers are the
 *     defaults; or a {@code Map} subclass for a section of named entries
 */
public interface SettingsSection<S> {

    /**
     * The section's path under {@code abuse-guard.}, in kebab-case, such as {@code rate-limit} or
     * {@code store.redis}. Unique among the sections on the class path.
     */
    String name();

    /** A new settings object holding the defaults, for a binder to fill. */
    S newSettings();

    /** The type of {@link #newSettings()}, by which hosts look a section up. */
    Class<S> settingsType();
}
