package io.github.abuseguard.examples.demo;

import io.github.abuseguard.Guard;
import io.github.abuseguard.Mode;
import io.github.abuseguard.PathPattern;
import io.github.abuseguard.config.AbstractGuardFactory;
import io.github.abuseguard.config.Default;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.GuardSettings;
import io.github.abuseguard.config.PropertyPath;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@link HoneypotGuard} from {@code abuse-guard.honeypot.*}. Registered in
 * {@code META-INF/services/io.github.abuseguard.config.GuardFactory}; that line is all the wiring a
 * custom guard needs, in Spring Boot and in a plain servlet application alike.
 */
public final class HoneypotGuardFactory extends AbstractGuardFactory<HoneypotGuardFactory.Settings> {

    public HoneypotGuardFactory() {
        super("honeypot", 150); // after the IP lists, before costlier guards
    }

    /**
     * {@code abuse-guard.honeypot.*}; {@code enabled} and {@code mode} come with {@link GuardSettings}.
     *
     * @param enabled Whether the guard runs; abuse-guard.enabled=false switches the whole library off.
     * @param mode Enforce carries out denials, monitor only reports them; the engine-wide abuse-guard.mode=monitor overrides every guard's.
     * @param paths Path patterns no real client asks for, such as /wp-login.php; none by default (no guard).
     * @param status The status a trapped request is answered with: 4xx.
     */
    public record Settings(
            @Default("" + DEFAULT_ENABLED) boolean enabled,
            @Default(DEFAULT_MODE) Mode mode,
            List<String> paths,
            @Default("" + DEFAULT_STATUS) int status)
            implements GuardSettings {

        /** The default of {@code status}. */
        public static final int DEFAULT_STATUS = 404;

        public Settings {
            paths = paths == null ? List.of() : List.copyOf(paths); // immutable, as settings are
        }
    }

    /** Called for enabled settings only: {@code create} answers no guard for {@code enabled: false}. */
    @Override
    protected Guard build(Settings settings, GuardContext context) {
        if (settings.paths().isEmpty()) {
            return null; // nothing to check: no guard
        }
        PropertyPath at = context.path();
        if (settings.status() < 400 || settings.status() > 499) {
            throw at.child("status").invalid("must be a 4xx status, was " + settings.status());
        }
        List<PathPattern> traps = new ArrayList<>();
        for (int i = 0; i < settings.paths().size(); i++) {
            String path = settings.paths().get(i);
            traps.add(at.get("paths[" + i + "]", () -> PathPattern.parse(path)));
        }
        return new HoneypotGuard(traps, settings.status());
    }
}
