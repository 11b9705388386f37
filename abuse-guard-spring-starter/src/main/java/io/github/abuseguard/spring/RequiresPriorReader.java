package io.github.abuseguard.spring;

import io.github.abuseguard.internal.HttpMethods;
import io.github.abuseguard.internal.ServedOperations;
import io.github.abuseguard.sequence.PrecedenceRule;
import io.github.abuseguard.spring.annotation.RequiresPrior;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Reads {@link RequiresPrior} on handler methods: one precedence rule per route and HTTP method of the
 * handler ({@code METHOD /route}), or per route and each method Spring MVC sends such a handler when the
 * mapping names none ({@link HttpMethods#routedToAHandlerOfEveryMethod()}: every registered method but
 * {@code OPTIONS}, and {@code OTHER} for a made-up one).
 */
final class RequiresPriorReader implements AnnotationReader<PrecedenceRule> {
    /** What a handler mapped without a method is sent: every method the guard records (probe45a F5). */
    private static final List<String> ANY_METHOD = HttpMethods.routedToAHandlerOfEveryMethod();

    private final String servletPrefix;
    /** {@code abuse-guard.sequence.external-operations}, canonical: steps recorded outside the DispatcherServlet. */
    private final List<String> externalOperations;

    RequiresPriorReader() {
        this("", List.of());
    }

    /**
     * @param servletPrefix the DispatcherServlet's prefix ({@link HandlerRoutes#servletPrefix}): the prior operation
     *     is written as the handler's mapping is, without it, and recorded by the guard with it
     * @param externalOperations {@code abuse-guard.sequence.external-operations}: a prior listed there as written is
     *     recorded outside the DispatcherServlet (another servlet, another service), so it takes no prefix
     */
    RequiresPriorReader(String servletPrefix, List<String> externalOperations) {
        this.servletPrefix = servletPrefix;
        this.externalOperations = ServedOperations.canonical(externalOperations);
    }

    @Override
    public List<PrecedenceRule> read(ControllerHandlers controller) {
        List<PrecedenceRule> rules = new ArrayList<>();
        for (HandlerRoute handler : controller.handlers()) {
            RequiresPrior prior = AnnotatedElementUtils.findMergedAnnotation(handler.method(), RequiresPrior.class);
            if (prior != null) {
                rules.addAll(rules(prior, handler));
            }
        }
        return rules;
    }

    private List<PrecedenceRule> rules(RequiresPrior annotation, HandlerRoute handler) {
        return AnnotationReader.building("RequiresPrior", handler.where(), () -> {
            String status = annotation.status().trim().toLowerCase(Locale.ROOT);
            int statusClass = status.equals("any") ? 0 : status.matches("[1-5]xx") ? status.charAt(0) - '0' : -1;
            if (statusClass < 0) {
                throw new InvalidAnnotationException.RefusedAttribute(
                        "status",
                        new IllegalArgumentException(
                                "status '" + annotation.status() + "' is not 2xx, 3xx, 4xx, 5xx or any"));
            }
            Duration within = AnnotationReader.attribute(
                    "within", () -> AnnotationReader.duration("within", annotation.within()));
            Duration delay = AnnotationReader.attribute(
                    "minimumDelay", () -> AnnotationReader.duration("minimumDelay", annotation.minimumDelay()));
            Collection<String> methods = handler.httpMethods().isEmpty() ? ANY_METHOD : handler.httpMethods();
            List<PrecedenceRule> rules = new ArrayList<>();
            for (String route : handler.routes()) {
                for (String method : methods) {
                    rules.add(new PrecedenceRule(
                            handler.baseName(),
                            PrecedenceRule.Kind.REQUIRES,
                            method + " " + route,
                            underServletPrefix(annotation.value()),
                            statusClass,
                            within,
                            delay,
                            "@RequiresPrior on " + handler.where()));
                }
            }
            return rules;
        });
    }

    /**
     * The prior operation {@code METHOD /template} as the guard records it under the DispatcherServlet's prefix:
     * {@code POST /v1/api/verify} for {@code POST /api/verify} under {@code spring.mvc.servlet.path=/v1}. A value
     * that is not of that shape is left for the precedence rule to refuse, as at the root; one listed in {@code
     * abuse-guard.sequence.external-operations} as written is left as it is (review38 F3).
     */
    private String underServletPrefix(String operation) {
        String trimmed = operation.strip();
        int space = trimmed.indexOf(' ');
        if (servletPrefix.isEmpty() || space < 0) {
            return operation;
        }
        String path = trimmed.substring(space + 1).strip();
        if (!path.startsWith("/")
                || externalOperations.contains(
                        ServedOperations.canonical(List.of(trimmed)).get(0))) {
            return operation;
        }
        // the root handler's route is the prefix itself, as the guard records it (review38 F1: GET /v1/ never matched)
        return trimmed.substring(0, space) + " " + (path.equals("/") ? servletPrefix : servletPrefix + path);
    }
}
