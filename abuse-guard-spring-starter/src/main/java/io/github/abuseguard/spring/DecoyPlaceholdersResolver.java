package io.github.abuseguard.spring;

import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.core.env.Environment;

/**
 * Resolves placeholders in the {@code abuse-guard.decoys.*} values as Spring does, except the decoy's own
 * {@code ${uuid}} and {@code ${path}}, which {@link io.github.abuseguard.servlet.DecoyResponse} fills in per
 * request. Spring would resolve them against the environment at start-up: {@code ${path}} is the
 * {@code PATH} environment variable by relaxed binding, so every decoy would disclose the server's
 * {@code PATH} and none would show the request path. Only these exact names are kept; {@code ${PATH}},
 * {@code ${other}} and defaults such as {@code ${name:text}} resolve as anywhere else, and so do the
 * placeholders of a value that a placeholder brings in, whose {@code ${uuid}} and {@code ${path}} are kept
 * in turn.
 */
final class DecoyPlaceholdersResolver extends PropertySourcesPlaceholdersResolver {

    /** The decoy's placeholder names, each with the text that stands for it while Spring resolves the rest. */
    private static final Map<String, String> KEPT =
            Map.of("uuid", "\u0000decoy-uuid\u0000", "path", "\u0000decoy-path\u0000");

    DecoyPlaceholdersResolver(Environment environment) {
        super(environment);
    }

    @Override
    public @Nullable Object resolvePlaceholders(@Nullable Object value) {
        Object resolved = super.resolvePlaceholders(value);
        if (!(resolved instanceof String text)) {
            return resolved;
        }
        for (Map.Entry<String, String> kept : KEPT.entrySet()) {
            text = text.replace(kept.getValue(), "${" + kept.getKey() + "}");
        }
        return text;
    }

    @Override
    protected @Nullable String resolvePlaceholder(String placeholder) {
        String kept = KEPT.get(placeholder);
        return kept != null ? kept : super.resolvePlaceholder(placeholder);
    }
}
