package io.github.abuseguard.spring;

import io.github.abuseguard.config.SettingsBinder;
import io.github.abuseguard.email.EmailRule;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.origin.OriginRule;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.sequence.PrecedenceRule;
import io.github.abuseguard.spring.annotation.AbuseGuardExempt;
import io.github.abuseguard.spring.annotation.AbuseGuardMonitor;
import io.github.abuseguard.spring.annotation.FailureLimit;
import io.github.abuseguard.spring.annotation.RateLimit;
import io.github.abuseguard.spring.annotation.RateLimits;
import io.github.abuseguard.spring.annotation.RejectDisposableEmail;
import io.github.abuseguard.spring.annotation.RequireOrigin;
import io.github.abuseguard.spring.annotation.RequiresPrior;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.stereotype.Controller;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;

/**
 * What the application's controllers declare, read once at start-up: every handler route template
 * (for route-level metrics), and the rules of {@link RateLimit}, {@link AbuseGuardExempt} and
 * {@link AbuseGuardMonitor} annotations. A route is the mapping's template, such as
 * {@code /api/scores/{game}}, never a concrete path; class-level and method-level mappings combine as
 * Spring MVC combines them.
 */
public final class ControllerAnnotations {
    private static final int MAX_NAME = 64;

    private final List<String> routes;
    private final List<RateLimitRule> rateLimitRules;
    private final List<String> exemptRoutes;
    private final List<String> monitoredRoutes;
    private final List<OriginRule> originRules;
    private final List<EmailRule> emailRules;
    private final List<PrecedenceRule> precedenceRules;
    private final List<FailureRule> failureRules;

    private ControllerAnnotations(
            List<String> routes,
            List<RateLimitRule> rules,
            List<String> exempt,
            List<String> monitored,
            List<OriginRule> originRules,
            List<EmailRule> emailRules,
            List<PrecedenceRule> precedenceRules,
            List<FailureRule> failureRules) {
        this.routes = List.copyOf(routes);
        this.rateLimitRules = List.copyOf(rules);
        this.exemptRoutes = List.copyOf(exempt);
        this.monitoredRoutes = List.copyOf(monitored);
        this.originRules = List.copyOf(originRules);
        this.emailRules = List.copyOf(emailRules);
        this.precedenceRules = List.copyOf(precedenceRules);
        this.failureRules = List.copyOf(failureRules);
    }

    /** The rules of {@link FailureLimit} annotations. */
    public List<FailureRule> failureRules() {
        return failureRules;
    }

    /** The rules of {@link RequiresPrior} annotations. */
    public List<PrecedenceRule> precedenceRules() {
        return precedenceRules;
    }

    /** The rules of {@link RejectDisposableEmail} annotations. */
    public List<EmailRule> emailRules() {
        return emailRules;
    }

    /** Nothing declared. */
    public static ControllerAnnotations none() {
        return new ControllerAnnotations(
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    }

    /** The rules of {@link RequireOrigin} annotations. */
    public List<OriginRule> originRules() {
        return originRules;
    }

    /**
     * Reads the controllers of a bean factory.
     *
     * @param readAnnotations whether to read the abuse-guard annotations, or only the routes
     * @throws IllegalStateException naming the controller method of an annotation that cannot work
     */
    public static ControllerAnnotations scan(
            ListableBeanFactory beans, UnaryOperator<String> placeholders, boolean readAnnotations) {
        List<Class<?>> controllers = new ArrayList<>();
        for (String name : beans.getBeanNamesForAnnotation(Controller.class)) {
            Class<?> type = beans.getType(name, false);
            if (type != null) {
                controllers.add(ClassUtils.getUserClass(type));
            }
        }
        return of(controllers, placeholders, readAnnotations);
    }

    /**
     * Reads the given controller classes.
     *
     * @param placeholders resolves {@code ${...}} placeholders in mapping paths, as Spring MVC does
     */
    public static ControllerAnnotations of(
            List<Class<?>> controllers, UnaryOperator<String> placeholders, boolean readAnnotations) {
        Set<String> routes = new LinkedHashSet<>();
        List<RateLimitRule> rules = new ArrayList<>();
        Set<String> exempt = new LinkedHashSet<>();
        Set<String> monitored = new LinkedHashSet<>();
        Set<String> names = new LinkedHashSet<>();
        List<OriginRule> originRules = new ArrayList<>();
        List<EmailRule> emailRules = new ArrayList<>();
        List<PrecedenceRule> precedenceRules = new ArrayList<>();
        List<FailureRule> failureRules = new ArrayList<>();
        for (Class<?> controller : controllers) {
            RejectDisposableEmail classEmail =
                    AnnotatedElementUtils.findMergedAnnotation(controller, RejectDisposableEmail.class);
            RequireOrigin classOrigin = AnnotatedElementUtils.findMergedAnnotation(controller, RequireOrigin.class);
            RequestMapping classMapping = AnnotatedElementUtils.findMergedAnnotation(controller, RequestMapping.class);
            List<String> classPaths = paths(classMapping, placeholders);
            List<String> controllerRoutes = new ArrayList<>();
            Set<String> controllerMethods = new LinkedHashSet<>();
            boolean everyHandlerHasMethods = true;
            for (Method method :
                    ReflectionUtils.getUniqueDeclaredMethods(controller, ReflectionUtils.USER_DECLARED_METHODS)) {
                RequestMapping mapping = AnnotatedElementUtils.findMergedAnnotation(method, RequestMapping.class);
                if (mapping == null) {
                    continue;
                }
                List<String> handlerRoutes = new ArrayList<>();
                for (String classPath : classPaths) {
                    for (String methodPath : paths(mapping, placeholders)) {
                        handlerRoutes.add(combine(classPath, methodPath));
                    }
                }
                Set<String> httpMethods = methods(mapping);
                everyHandlerHasMethods &= !httpMethods.isEmpty();
                controllerMethods.addAll(httpMethods);
                controllerRoutes.addAll(handlerRoutes);
                routes.addAll(handlerRoutes);
                if (!readAnnotations) {
                    continue;
                }
                String where = controller.getSimpleName() + "." + method.getName();
                String baseName = kebab(controller.getSimpleName()) + "." + method.getName();
                rules.addAll(rules(method, where, baseName, handlerRoutes, httpMethods, names));
                if (AnnotatedElementUtils.hasAnnotation(method, AbuseGuardExempt.class)) {
                    exempt.addAll(handlerRoutes);
                }
                if (AnnotatedElementUtils.hasAnnotation(method, AbuseGuardMonitor.class)) {
                    monitored.addAll(handlerRoutes);
                }
                RequireOrigin origin = AnnotatedElementUtils.findMergedAnnotation(method, RequireOrigin.class);
                if (origin == null) {
                    origin = classOrigin;
                }
                if (origin != null) {
                    originRules.add(originRule(origin, where, baseName, handlerRoutes, httpMethods));
                }
                RejectDisposableEmail email =
                        AnnotatedElementUtils.findMergedAnnotation(method, RejectDisposableEmail.class);
                if (email == null) {
                    email = classEmail;
                }
                if (email != null) {
                    emailRules.add(emailRule(email, where, baseName, handlerRoutes, httpMethods));
                }
                RequiresPrior prior = AnnotatedElementUtils.findMergedAnnotation(method, RequiresPrior.class);
                if (prior != null) {
                    precedenceRules.addAll(precedenceRules(prior, where, baseName, handlerRoutes, httpMethods));
                }
                failureRules.addAll(FailureLimitRules.of(method, where, baseName, handlerRoutes, httpMethods));
            }
            if (!readAnnotations || controllerRoutes.isEmpty()) {
                continue;
            }
            Set<String> sharedMethods = everyHandlerHasMethods ? controllerMethods : Set.of();
            rules.addAll(rules(
                    controller,
                    controller.getSimpleName(),
                    kebab(controller.getSimpleName()),
                    controllerRoutes,
                    sharedMethods,
                    names));
            if (AnnotatedElementUtils.hasAnnotation(controller, AbuseGuardExempt.class)) {
                exempt.addAll(controllerRoutes);
            }
            if (AnnotatedElementUtils.hasAnnotation(controller, AbuseGuardMonitor.class)) {
                monitored.addAll(controllerRoutes);
            }
        }
        return new ControllerAnnotations(
                new ArrayList<>(routes),
                rules,
                new ArrayList<>(exempt),
                new ArrayList<>(monitored),
                originRules,
                emailRules,
                precedenceRules,
                failureRules);
    }

    private static List<PrecedenceRule> precedenceRules(
            RequiresPrior annotation, String where, String name, List<String> routes, Set<String> httpMethods) {
        try {
            String status = annotation.status().trim().toLowerCase(Locale.ROOT);
            int statusClass = status.equals("any") ? 0 : status.matches("[1-5]xx") ? status.charAt(0) - '0' : -1;
            if (statusClass < 0) {
                throw new IllegalArgumentException(
                        "status '" + annotation.status() + "' is not 2xx, 3xx, 4xx, 5xx or any");
            }
            Duration within = SettingsBinder.duration("within", annotation.within());
            Duration delay = SettingsBinder.duration("minimumDelay", annotation.minimumDelay());
            List<PrecedenceRule> rules = new ArrayList<>();
            Set<String> methods = httpMethods.isEmpty() ? Set.of("GET", "POST", "PUT", "PATCH", "DELETE") : httpMethods;
            for (String route : routes) {
                for (String method : methods) {
                    rules.add(new PrecedenceRule(
                            name,
                            PrecedenceRule.Kind.REQUIRES,
                            method + " " + route,
                            annotation.value(),
                            statusClass,
                            within,
                            delay,
                            "@RequiresPrior on " + where));
                }
            }
            return rules;
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("@RequiresPrior on " + where + " cannot work: " + e.getMessage(), e);
        }
    }

    private static EmailRule emailRule(
            RejectDisposableEmail annotation, String where, String name, List<String> routes, Set<String> httpMethods) {
        try {
            EmailRule.Builder builder = EmailRule.builder(name)
                    .source("@RejectDisposableEmail on " + where)
                    .field(annotation.field())
                    .response(annotation.response(), annotation.score());
            // A handler mapped without a method binds a body on any method, GET and DELETE included.
            builder.methods(
                    httpMethods.isEmpty()
                            ? Arrays.stream(RequestMethod.values())
                                    .map(Enum::name)
                                    .toArray(String[]::new)
                            : httpMethods.toArray(String[]::new));
            routes.forEach(builder::path);
            return builder.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalStateException(
                    "@RejectDisposableEmail on " + where + " cannot work: " + e.getMessage(), e);
        }
    }

    private static OriginRule originRule(
            RequireOrigin annotation, String where, String name, List<String> routes, Set<String> httpMethods) {
        try {
            OriginRule.Builder builder = OriginRule.builder(
                            name.length() > MAX_NAME ? name.substring(0, MAX_NAME) : name)
                    .source("@RequireOrigin on " + where)
                    .allowSameOrigin(annotation.allowSameOrigin())
                    .allowNull(annotation.allowNull())
                    .allowSameSite(annotation.allowSameSite())
                    .missing(annotation.missing(), annotation.missingScore())
                    .action(annotation.action());
            Set<String> unsafe = new LinkedHashSet<>(httpMethods);
            unsafe.retainAll(Set.of("POST", "PUT", "PATCH", "DELETE"));
            if (!unsafe.isEmpty()) {
                builder.methods(unsafe.toArray(String[]::new));
            }
            for (String origin : annotation.value()) {
                builder.allowOrigin(origin);
            }
            routes.forEach(builder::path);
            return builder.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalStateException("@RequireOrigin on " + where + " cannot work: " + e.getMessage(), e);
        }
    }

    /** Every handler route template. */
    public List<String> routes() {
        return routes;
    }

    /** The rules of {@link RateLimit} annotations, with the annotated element as their source. */
    public List<RateLimitRule> rateLimitRules() {
        return rateLimitRules;
    }

    /** Routes of {@link AbuseGuardExempt} handlers. */
    public List<String> exemptRoutes() {
        return exemptRoutes;
    }

    /** Routes of {@link AbuseGuardMonitor} handlers. */
    public List<String> monitoredRoutes() {
        return monitoredRoutes;
    }

    private static List<RateLimitRule> rules(
            AnnotatedElement element,
            String where,
            String baseName,
            List<String> routes,
            Set<String> httpMethods,
            Set<String> names) {
        Set<RateLimit> annotations =
                AnnotatedElementUtils.findMergedRepeatableAnnotations(element, RateLimit.class, RateLimits.class);
        List<RateLimitRule> rules = new ArrayList<>();
        int index = 0;
        for (RateLimit annotation : annotations) {
            index++;
            String name = annotation.name().isEmpty() ? derivedName(baseName, index, names) : annotation.name();
            if (!names.add(name)) {
                throw new IllegalStateException(
                        "@RateLimit on " + where + ": a rule named '" + name + "' exists already");
            }
            try {
                RateLimitRule.Builder builder = RateLimitRule.builder(name)
                        .source("@RateLimit on " + where)
                        .methods(httpMethods.toArray(String[]::new))
                        .key(annotation.key())
                        .cost(annotation.cost())
                        .action(annotation.action());
                routes.forEach(builder::path);
                Duration period = SettingsBinder.duration("period", annotation.period());
                long refill = annotation.refillTokens() < 0 ? annotation.capacity() : annotation.refillTokens();
                if (refill > period.toNanos()) {
                    // Bucket4j refuses it only when the guard is built, without naming the method
                    throw new IllegalArgumentException(
                            refill + " tokens per " + period + " is more than one token a nanosecond");
                }
                builder.limit(new Limit(annotation.capacity(), refill, period, annotation.refill()));
                rules.add(builder.build());
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new IllegalStateException("@RateLimit on " + where + " cannot work: " + e.getMessage(), e);
            }
        }
        return rules;
    }

    private static String derivedName(String baseName, int index, Set<String> taken) {
        String name = baseName.length() > MAX_NAME - 4 ? baseName.substring(0, MAX_NAME - 4) : baseName;
        String candidate = index == 1 ? name : name + "-" + index;
        int extra = 2;
        while (taken.contains(candidate)) {
            candidate = name + "-" + index + "-" + extra++;
        }
        return candidate;
    }

    private static List<String> paths(RequestMapping mapping, UnaryOperator<String> placeholders) {
        if (mapping == null || mapping.path().length == 0) {
            return List.of("");
        }
        List<String> paths = new ArrayList<>();
        for (String path : mapping.path()) {
            paths.add(placeholders.apply(path));
        }
        return paths;
    }

    private static Set<String> methods(RequestMapping mapping) {
        Set<String> methods = new LinkedHashSet<>();
        for (RequestMethod method : mapping.method()) {
            methods.add(method.name());
        }
        return methods;
    }

    /**
     * Joins a class-level and a method-level path as Spring MVC does. {@code {*rest}} becomes {@code **},
     * and a segment that mixes text with a wildcard or variable ({@code *.json}, {@code v{n}}) becomes
     * {@code *}: whole-segment patterns are what {@link io.github.abuseguard.PathPattern} matches.
     */
    static String combine(String classPath, String methodPath) {
        StringBuilder route = new StringBuilder();
        for (String part : (classPath + "/" + methodPath).split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            String segment = part;
            if (part.startsWith("{*")) {
                segment = "**";
            } else if ((part.contains("{") || part.contains("*"))
                    && !part.equals("*")
                    && !part.equals("**")
                    && !(part.startsWith("{") && part.endsWith("}") && part.indexOf('{', 1) < 0)) {
                segment = "*";
            }
            route.append('/').append(segment);
        }
        return route.length() == 0 ? "/" : route.toString();
    }

    private static String kebab(String camel) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                out.append('-');
            }
            out.append(Character.toLowerCase(c));
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
