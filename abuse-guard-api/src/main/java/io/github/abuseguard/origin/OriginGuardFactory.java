package io.github.abuseguard.origin;

import io.github.abuseguard.Guard;
import io.github.abuseguard.config.AbstractGuardFactory;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.PropertyPath;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Builds the {@link OriginGuard} of {@code abuse-guard.origin.*} and the {@link OriginRule}s annotations contribute. */
public final class OriginGuardFactory extends AbstractGuardFactory<OriginSettings> {

    /** The section name. */
    public static final String NAME = "origin";

    public OriginGuardFactory() {
        super(NAME, OriginSettings.class, OriginSettings::new, 300);
    }

    @Override
    public @Nullable Guard create(OriginSettings settings, GuardContext context) {
        if (!settings.isEnabled()) {
            return null;
        }
        List<OriginRule> rules = rules(settings.getRules(), OriginRule.class, context, OriginGuardFactory::rule);
        return rules.isEmpty() ? null : OriginGuard.of(rules);
    }

    private static OriginRule rule(String name, OriginSettings.Rule settings, PropertyPath at) {
        OriginRule.Builder builder = settings.scope(name, at, OriginRule::builder);
        List<String> origins = settings.getAllowedOrigins();
        for (int i = 0; i < origins.size(); i++) {
            String origin = origins.get(i);
            at.check("allowed-origins[" + i + "]", () -> builder.allowOrigin(origin));
        }
        builder.allowSameOrigin(settings.isAllowSameOrigin())
                .allowNull(settings.isAllowNull())
                .allowSameSite(settings.isAllowSameSite());
        at.check(
                "missing-score",
                () -> builder.missing(at.required(settings.getMissing(), "missing"), settings.getMissingScore()));
        builder.action(at.required(settings.getAction(), "action"));
        builder.decoy(settings.getDecoy());
        builder.apiKeyHeader(at.required(settings.getApiKeyHeader(), "api-key-header"));
        settings.getApiKeys()
                .forEach((key, keyOrigins) -> at.check("api-keys." + key, () -> builder.bindApiKey(key, keyOrigins)));
        return at.get("", builder::build);
    }
}
