package io.github.abuseguard.examples.demo;

import io.github.abuseguard.Guard;
import io.github.abuseguard.PathPattern;
import io.github.abuseguard.config.AbstractGuardFactory;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.GuardSettingsBean;
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
        super("honeypot", Settings.class, Settings::new, 150); // after the IP lists, before costlier guards
    }

    /** {@code abuse-guard.honeypot.*}; {@code enabled} and {@code mode} come with {@link GuardSettings}. */
    public static class Settings extends GuardSettingsBean {

        /** The default of {@code status}. */
        public static final int DEFAULT_STATUS = 404;

        /** Path patterns no real client asks for, such as /wp-login.php; none by default (no guard). */
        private List<String> paths = new ArrayList<>();

        /** The status a trapped request is answered with: 4xx. */
        private int status = DEFAULT_STATUS;

        public List<String> getPaths() {
            return paths;
        }

        public void setPaths(List<String> paths) {
            this.paths = paths;
        }

        public int getStatus() {
            return status;
        }

        public void setStatus(int status) {
            this.status = status;
        }
    }

    @Override
    public Guard create(Settings settings, GuardContext context) {
        if (!settings.isEnabled() || settings.getPaths().isEmpty()) {
            return null;
        }
        PropertyPath at = context.path();
        if (settings.getStatus() < 400 || settings.getStatus() > 499) {
            throw at.child("status").invalid("must be a 4xx status, was " + settings.getStatus());
        }
        List<PathPattern> traps = new ArrayList<>();
        for (int i = 0; i < settings.getPaths().size(); i++) {
            String path = settings.getPaths().get(i);
            traps.add(at.get("paths[" + i + "]", () -> PathPattern.parse(path)));
        }
        return new HoneypotGuard(traps, settings.getStatus());
    }
}
