package io.github.abuseguard.spring;

import io.github.abuseguard.origin.OriginRule;
import io.github.abuseguard.spring.annotation.RequireOrigin;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads {@link RequireOrigin}: one origin rule per handler that carries it, or whose controller
 * does; the method's annotation wins over the class's. The rule applies to the handler's unsafe
 * methods (POST, PUT, PATCH, DELETE), or to every method the rule's defaults cover when the mapping
 * names none of them.
 */
final class RequireOriginReader implements AnnotationReader<OriginRule> {
    private static final int MAX_NAME = 64;
    private static final Set<String> UNSAFE = Set.of("POST", "PUT", "PATCH", "DELETE");

    @Override
    public List<OriginRule> read(ControllerHandlers controller) {
        return AnnotationReader.perHandler(controller, RequireOrigin.class, RequireOriginReader::rule);
    }

    private static OriginRule rule(RequireOrigin annotation, HandlerRoute handler) {
        return AnnotationReader.building("RequireOrigin", handler.where(), () -> {
            String name = handler.baseName();
            OriginRule.Builder builder = handler.scope(
                            OriginRule.builder(name.length() > MAX_NAME ? name.substring(0, MAX_NAME) : name),
                            "RequireOrigin")
                    .allowSameOrigin(annotation.allowSameOrigin())
                    .allowNull(annotation.allowNull())
                    .allowSameSite(annotation.allowSameSite());
            AnnotationReader.attribute(
                    "missingScore", () -> builder.missing(annotation.missing(), annotation.missingScore()));
            builder.action(annotation.action());
            Set<String> unsafe = new LinkedHashSet<>(handler.httpMethods());
            unsafe.retainAll(UNSAFE);
            if (!unsafe.isEmpty()) {
                builder.methods(unsafe.toArray(String[]::new));
            }
            for (String origin : annotation.value()) {
                AnnotationReader.attribute("value", () -> builder.allowOrigin(origin));
            }
            return builder.build();
        });
    }
}
