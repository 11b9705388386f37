package io.github.abuseguard.client;

import io.github.abuseguard.Guard;
import io.github.abuseguard.config.AbstractGuardFactory;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.PropertyPath;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Builds the {@link IpListGuard} of {@code abuse-guard.ip-lists.*}, first in the engine so an allowed
 * client skips the rest; no guard when no list is configured.
 */
public final class IpListGuardFactory extends AbstractGuardFactory<IpListSettings> {

    /** The section name. */
    public static final String NAME = "ip-lists";

    public IpListGuardFactory() {
        super(NAME, IpListSettings.class, IpListSettings::new, 100);
    }

    @Override
    public @Nullable Guard create(IpListSettings lists, GuardContext context) {
        if (lists.getAllow().isEmpty()
                && lists.getDeny().isEmpty()
                && lists.getAllowFile() == null
                && lists.getDenyFile() == null) {
            return null;
        }
        PropertyPath at = context.path();
        IpListGuard.Builder builder = IpListGuard.builder();
        for (int i = 0; i < lists.getAllow().size(); i++) {
            String cidr = lists.getAllow().get(i);
            at.check("allow[" + i + "]", () -> builder.allow(cidr));
        }
        for (int i = 0; i < lists.getDeny().size(); i++) {
            String cidr = lists.getDeny().get(i);
            at.check("deny[" + i + "]", () -> builder.deny(cidr));
        }
        if (lists.getAllowFile() != null) {
            builder.allowFile(Path.of(lists.getAllowFile()));
        }
        if (lists.getDenyFile() != null) {
            builder.denyFile(Path.of(lists.getDenyFile()));
        }
        at.check(
                "reload-interval",
                () -> builder.reloadInterval(at.required(lists.getReloadInterval(), "reload-interval")));
        return builder.build();
    }
}
