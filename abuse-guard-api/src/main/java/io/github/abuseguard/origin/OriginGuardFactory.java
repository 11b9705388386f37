package io.github.abuseguard.origin;

import io.github.abuseguard.Guard;
import io.github.abuseguard.config.AbstractGuardFactory;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.PropertyPath;
import io.github.abuseguard.internal.OriginPattern;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the {@link OriginGuard} of {@code abuse-guard.origin.*} and the {@link OriginRule}s annotations contribute. */
public final class OriginGuardFactory extends AbstractGuardFactory<OriginSettings> {

    private static final Logger log = LoggerFactory.getLogger(OriginGuardFactory.class);

    /** The section name. */
    public static final String NAME = "origin";

    public OriginGuardFactory() {
        super(NAME, 300);
    }

    @Override
    protected @Nullable Guard build(OriginSettings settings, GuardContext context) {
        PropertyPath at = context.path();
        List<String> ownOrigins = at.required(settings.ownOrigins(), "own-origins");
        for (int i = 0; i < ownOrigins.size(); i++) {
            String origin = at.required(ownOrigins.get(i), "own-origins[" + i + "]");
            at.check("own-origins[" + i + "]", () -> OriginPattern.parse(origin));
        }
        List<OriginRule> rules = rules(settings.rules(), OriginRule.class, context, OriginGuardFactory::rule);
        if (rules.isEmpty()) {
            // no rule, but named own origins: the engine's check of proxied requests reads them (review83 F1)
            return ownOrigins.isEmpty() ? null : OriginGuard.of(List.of(), ownOrigins);
        }
        warnIfTheOwnOriginIsReadFromHost(rules, ownOrigins, at);
        return OriginGuard.of(rules, ownOrigins);
    }

    /**
     * One WARN at start-up when a rule lets the application's own origin through and
     * {@code own-origins} does not name it: the own origin is then each request's {@code Host}, which the
     * client chooses, so a clone's proxy that forwards its own {@code Host} and {@code Origin} passes as
     * same-origin.
     *
     * @return whether it warned
     */
    static boolean warnIfTheOwnOriginIsReadFromHost(List<OriginRule> rules, List<String> ownOrigins, PropertyPath at) {
        if (!ownOrigins.isEmpty() || rules.stream().noneMatch(OriginRule::allowSameOrigin)) {
            return false;
        }
        log.warn(
                "{} is not set: the application's own origin, which the origin rules {} let through, is read from"
                        + " each request's Host header (or a forwarded host, where the container or a filter before"
                        + " abuse-guard believes one), which the client chooses: a clone site's proxy that forwards its"
                        + " own Host and Origin passes as same-origin. Name your public origins there, such as"
                        + " [https://shop.example].",
                at.child("own-origins"),
                rules.stream()
                        .filter(OriginRule::allowSameOrigin)
                        .map(OriginRule::name)
                        .toList());
        return true;
    }

    private static OriginRule rule(String name, OriginSettings.Rule settings, PropertyPath at) {
        OriginRule.Builder builder = settings.scope(name, at, OriginRule::builder);
        List<String> origins = settings.allowedOrigins();
        for (int i = 0; i < origins.size(); i++) {
            String origin = origins.get(i);
            at.check("allowed-origins[" + i + "]", () -> builder.allowOrigin(origin));
        }
        builder.allowSameOrigin(settings.allowSameOrigin())
                .allowNull(settings.allowNull())
                .allowSameSite(settings.allowSameSite());
        at.check(
                "missing-score",
                () -> builder.missing(at.required(settings.missing(), "missing"), settings.missingScore()));
        builder.action(at.required(settings.action(), "action"));
        builder.decoy(settings.decoy());
        at.check("api-key-header", () -> builder.apiKeyHeader(at.required(settings.apiKeyHeader(), "api-key-header")));
        settings.apiKeys()
                .forEach((key, keyOrigins) -> at.check("api-keys." + key, () -> builder.bindApiKey(key, keyOrigins)));
        return at.get("", builder::build);
    }
}
