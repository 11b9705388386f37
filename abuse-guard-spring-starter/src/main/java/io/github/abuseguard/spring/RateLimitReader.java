package io.github.abuseguard.spring;

import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.spring.annotation.RateLimit;
import io.github.abuseguard.spring.annotation.RateLimits;
import java.lang.reflect.AnnotatedElement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Reads {@link RateLimit} (repeatable): on a handler method, rules for that handler's routes and
 * methods; on a controller class, rules for every route of the controller. An unnamed rule is named
 * after where it sits ({@code kebab-controller.method}, numbered when repeated); rule names are unique
 * across the application, so one reader reads all controllers.
 */
final class RateLimitReader implements AnnotationReader<RateLimitRule> {

    private final Set<String> names = new HashSet<>();

    @Override
    public List<RateLimitRule> read(ControllerHandlers controller) {
        List<RateLimitRule> rules = new ArrayList<>();
        for (HandlerRoute handler : controller.handlers()) {
            rules.addAll(rules(
                    handler.method(),
                    handler.where(),
                    handler.baseName(),
                    handler.routes(),
                    handler.httpMethods(),
                    List.of(handler)));
        }
        if (!controller.handlers().isEmpty()) {
            rules.addAll(rules(
                    controller.type(),
                    controller.where(),
                    controller.baseName(),
                    controller.routes(),
                    controller.sharedMethods(),
                    controller.handlers()));
        }
        return rules;
    }

    private List<RateLimitRule> rules(
            AnnotatedElement element,
            String where,
            String baseName,
            List<String> routes,
            Set<String> httpMethods,
            List<HandlerRoute> handlers) {
        Set<RateLimit> annotations =
                AnnotatedElementUtils.findMergedRepeatableAnnotations(element, RateLimit.class, RateLimits.class);
        List<RateLimitRule> rules = new ArrayList<>();
        int index = 0;
        for (RateLimit annotation : annotations) {
            index++;
            String name = annotation.name().isEmpty() ? derivedName(baseName, index) : annotation.name();
            rules.add(AnnotationReader.building("RateLimit", where, () -> {
                if (!names.add(name)) {
                    throw new InvalidAnnotationException.RefusedAttribute(
                            "name", new IllegalArgumentException("a rule named '" + name + "' exists already"));
                }
                RateLimitRule.Builder builder = AnnotationReader.attribute("name", () -> RateLimitRule.builder(name))
                        .source("@RateLimit on " + where)
                        .methods(httpMethods.toArray(String[]::new));
                AnnotationReader.attribute("key", annotation.key(), () -> builder.key(annotation.key()));
                // a misspelt body field keys every request by the address alone (user65 F2)
                UnboundBodyFields.check(handlers, where, "RateLimit", "key", annotation.key());
                AnnotationReader.attribute("cost", () -> builder.cost(annotation.cost()));
                builder.action(annotation.action());
                AnnotationReader.attribute("refundStatuses", () -> builder.refundStatuses(annotation.refundStatuses()));
                routes.forEach(builder::path);
                builder.byHandlerRoute(); // the handler's requests, not a more specific sibling's (probe46b F1)
                Duration period = AnnotationReader.attribute(
                        "period", () -> AnnotationReader.duration("period", annotation.period()));
                long refill = annotation.refillTokens() < 0 ? annotation.capacity() : annotation.refillTokens();
                builder.limit(AnnotationReader.attribute(limitAttribute(annotation, refill), () -> {
                    if (refill > period.toNanos()) {
                        // Bucket4j refuses it only when the guard is built, without naming the method
                        throw new IllegalArgumentException(
                                refill + " tokens per " + period + " is more than one token a nanosecond");
                    }
                    return new Limit(annotation.capacity(), refill, period, annotation.refill());
                }));
                return builder.build();
            }));
        }
        return rules;
    }

    /** The attribute at fault when the limit is refused: a value that is not positive, else the period. */
    private static String limitAttribute(RateLimit annotation, long refill) {
        if (annotation.capacity() <= 0) {
            return "capacity";
        }
        return refill <= 0 ? "refillTokens" : "period";
    }

    private String derivedName(String baseName, int index) {
        // the base name is already a valid rule name, short enough (HandlerRoute.MAX_BASE_NAME) for a suffix
        String candidate = index == 1 ? baseName : baseName + "-" + index;
        int extra = 2;
        while (names.contains(candidate)) {
            candidate = baseName + "-" + index + "-" + extra++;
        }
        return candidate;
    }
}
