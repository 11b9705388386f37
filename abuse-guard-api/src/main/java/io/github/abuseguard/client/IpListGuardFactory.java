package io.github.abuseguard.client;

import io.github.abuseguard.Guard;
import io.github.abuseguard.config.AbstractGuardFactory;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.PropertyPath;
import io.github.abuseguard.identity.ClientResolver;
import io.github.abuseguard.internal.IpRange;
import io.github.abuseguard.internal.Nat64Prefix;
import io.github.abuseguard.internal.SettingsAssembler;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@link IpListGuard} of {@code abuse-guard.ip-lists.*}, first in the engine so an allowed
 * client skips the rest; no guard when no list is configured. An allowed block that holds a broad stretch of
 * public address space ({@link IpRange#holdsBroadPublicSpace()}) is a start-up warning naming its property.
 */
public final class IpListGuardFactory extends AbstractGuardFactory<IpListSettings> {

    /** The section name. */
    public static final String NAME = "ip-lists";

    private static final Logger log = LoggerFactory.getLogger(IpListGuardFactory.class);

    public IpListGuardFactory() {
        super(NAME, 100);
    }

    @Override
    protected @Nullable Guard build(IpListSettings lists, GuardContext context) {
        if (lists.allow().isEmpty()
                && lists.deny().isEmpty()
                && lists.allowFile() == null
                && lists.denyFile() == null) {
            return null;
        }
        PropertyPath at = context.path();
        IpListGuard.Builder builder = IpListGuard.builder();
        // the resolver makes a client in one of the operator's own translation prefixes its IPv4 address, and so
        // does an entry in one (review120 F1)
        List<String> prefixes = context.component(ClientResolver.class)
                .map(ClientResolver::nat64Prefixes)
                .orElse(List.of());
        builder.translationPrefixes(prefixes);
        List<Nat64Prefix> translating =
                prefixes.stream().map(Nat64Prefix::parse).toList();
        for (int i = 0; i < lists.allow().size(); i++) {
            String cidr = lists.allow().get(i);
            at.check("allow[" + i + "]", () -> builder.allow(cidr));
            List<IpRange> named = IpRange.listEntry(cidr, translating);
            SettingsAssembler.warnIfWidened(at.child("allow[" + i + "]").toString(), cidr, named.get(0));
            if (named.stream().anyMatch(IpRange::holdsBroadPublicSpace)) {
                // the IPv4 block an IPv4-compatible entry names too (review119 F3: ::203.0.0.0/104 is 203.0.0.0/8), or
                // an entry in the operator's own translation prefix
                // a warning, as routes.exempt=/** is: the same protection off, yet a rollout may mean it (cfg24 F2)
                log.warn(
                        "{}: '{}' spans public address space: every client in it is exempt from every guard",
                        at.child("allow[" + i + "]"),
                        cidr);
            }
        }
        for (int i = 0; i < lists.deny().size(); i++) {
            String cidr = lists.deny().get(i);
            at.check("deny[" + i + "]", () -> builder.deny(cidr));
            SettingsAssembler.warnIfWidened(
                    at.child("deny[" + i + "]").toString(),
                    cidr,
                    IpRange.listEntry(cidr, translating).get(0));
        }
        if (lists.allowFile() != null) {
            at.check("allow-file", () -> builder.allowFile(Path.of(lists.allowFile())));
        }
        if (lists.denyFile() != null) {
            at.check("deny-file", () -> builder.denyFile(Path.of(lists.denyFile())));
        }
        at.check(
                "reload-interval",
                () -> builder.reloadInterval(at.required(lists.reloadInterval(), "reload-interval")));
        return builder.build();
    }
}
