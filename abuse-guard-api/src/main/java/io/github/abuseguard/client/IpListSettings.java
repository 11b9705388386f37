package io.github.abuseguard.client;

import io.github.abuseguard.config.Default;
import io.github.abuseguard.internal.Settings;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code abuse-guard.ip-lists.*}: addresses always allowed or always refused.
 *
 * @param allow CIDR blocks exempt from every guard.
 * @param deny CIDR blocks always refused with 403.
 * @param allowFile A file of allowed CIDR blocks, one per line, read again when it changes.
 * @param denyFile A file of denied CIDR blocks, one per line, read again when it changes.
 * @param reloadInterval How often the files are checked for changes.
 */
public record IpListSettings(
        List<String> allow,
        List<String> deny,
        @Nullable String allowFile,
        @Nullable String denyFile,
        @Default(DEFAULT_RELOAD_INTERVAL) Duration reloadInterval) {

    /** The default of {@code reload-interval}. */
    public static final String DEFAULT_RELOAD_INTERVAL = "10s";

    public IpListSettings {
        allow = Settings.copy(allow);
        deny = Settings.copy(deny);
        allowFile = Settings.optionalPath(allowFile);
        denyFile = Settings.optionalPath(denyFile);
    }
}
