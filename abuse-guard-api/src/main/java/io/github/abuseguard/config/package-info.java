/**
 * The configuration SPI: the engine's settings, the {@link io.github.abuseguard.config.GuardFactory} and
 * {@link io.github.abuseguard.config.SettingsSection} a module registers with {@link java.util.ServiceLoader},
 * the context a factory builds with, and the property paths its errors name.
 *
 * <p>Every type here is null-marked: a parameter or return value may be {@code null} only where it is
 * annotated {@link org.jspecify.annotations.Nullable}. A settings property that has a default is never
 * {@code null} unless a binder was given an explicit null, which the factories refuse naming the
 * property ({@link io.github.abuseguard.config.PropertyPath#required}).
 */
@NullMarked
package io.github.abuseguard.config;

import org.jspecify.annotations.NullMarked;
