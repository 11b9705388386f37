package io.github.abuseguard.config;

import io.github.abuseguard.Guard;
import io.github.abuseguard.Mode;
import org.jspecify.annotations.Nullable;

/**
 * Builds one guard from its {@code abuse-guard.<name>.*} settings. Every guard, the bundled ones and an
 * application's own, is found through this one SPI: register an implementation in
 * {@code META-INF/services/io.github.abuseguard.config.GuardFactory}, and its settings bind under
 * {@code abuse-guard.<name>} in a YAML or properties file and in Spring Boot application properties
 * alike (unknown keys fail start-up there as everywhere).
 *
 * <p>Factories are called once, at start-up, never per request.
 *
 * @param <S> the settings type, see {@link SettingsSection}
 */
public interface GuardFactory<S> extends SettingsSection<S> {

    /**
     * Where the guard stands in the engine: guards are asked in ascending order. The bundled guards use
     * 100 (IP lists) to 800 (rate limits, last so refused requests spend no tokens).
     */
    int order();

    /** The guard's mode as the settings give it. Default: {@link Mode#ENFORCE}. */
    default Mode mode(S settings) {
        return settings instanceof GuardSettings guard ? guard.mode() : Mode.ENFORCE;
    }

    /**
     * The guard, or {@code null} when the settings switch it off or give it nothing to check.
     *
     * @throws InvalidSettingException naming the property ({@link GuardContext#path()}) of a bad value
     */
    @Nullable
    Guard create(S settings, GuardContext context);
}
