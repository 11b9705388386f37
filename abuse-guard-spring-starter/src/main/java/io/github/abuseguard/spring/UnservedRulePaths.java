package io.github.abuseguard.spring;

import io.github.abuseguard.PathPattern;
import io.github.abuseguard.RequestBody;
import io.github.abuseguard.client.ClientSignalsSettings;
import io.github.abuseguard.config.RuleScopeSettings;
import io.github.abuseguard.internal.WeakenedProtection;
import io.github.abuseguard.servlet.ProofSettings;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.util.ClassUtils;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.function.support.RouterFunctionMapping;
import org.springframework.web.servlet.handler.AbstractUrlHandlerMapping;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;
import org.springframework.web.servlet.resource.ResourceHttpRequestHandler;

/**
 * Warns at start-up, once per path, when a configured rule's path matches no route that Spring MVC
 * serves: a typo such as {@code /api/logn} makes a rule that never applies, and the application would
 * look protected while it is not. A warning, not an error: a path may be served by another servlet or a
 * filter that Spring MVC does not know. The routes are those of every handler mapping: controllers and
 * Actuator endpoints, URL mappings, and static resources (a literal path under a catch-all resource
 * mapping counts as served when a resource exists there). With functional routes, which cannot be
 * listed, or without Spring MVC's request mappings, nothing is checked. Paths under the Actuator's base path
 * are not checked when a management server of its own serves the Actuator ({@code management.server.port}):
 * its routes are in a context that does not exist yet, and the filter guards it there too.
 */
final class UnservedRulePaths implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(UnservedRulePaths.class);

    /** Spring Boot's {@code server.port} when it is not set. */
    private static final int DEFAULT_SERVER_PORT = 8080;

    private final ListableBeanFactory beans;
    private final AbuseGuardProperties properties;
    private final @Nullable String managementPath;
    /** {@code server.servlet.context-path} without a trailing slash; empty for the root. */
    private final String contextPath;
    /** The DispatcherServlet's prefix ({@code spring.mvc.servlet.path}), before every route it serves. */
    private final String servletPrefix;

    /**
     * @param managementPath the Actuator's base path when a management server of its own serves it, {@code null}
     *     when the application's server does
     */
    UnservedRulePaths(
            ListableBeanFactory beans,
            AbuseGuardProperties properties,
            @Nullable String managementPath,
            @Nullable String contextPath,
            @Nullable String servletPath) {
        this.beans = beans;
        this.servletPrefix = HandlerRoutes.servletPrefix(servletPath);
        this.properties = properties;
        this.managementPath = managementPath;
        String context = contextPath == null ? "" : contextPath.strip();
        this.contextPath = context.endsWith("/") ? context.substring(0, context.length() - 1) : context;
    }

    /**
     * What the warning adds for a rule path that starts with the servlet context path: rule paths are relative
     * to it, as Spring MVC's routes are, so {@code /app/api/**} under context path {@code /app} never matches
     * (cfg24 F16).
     */
    private String contextHint(String path) {
        if (contextPath.isEmpty() || !(path.equals(contextPath) || path.startsWith(contextPath + "/"))) {
            return "";
        }
        String relative = path.substring(contextPath.length());
        return " Rule paths are relative to server.servlet.context-path '" + contextPath + "': write '"
                + (relative.isEmpty() ? "/" : relative) + "'.";
    }

    /**
     * What the warning adds for a rule path without the DispatcherServlet's prefix: rule paths are the paths the
     * container sees, so under {@code spring.mvc.servlet.path=/v1} a rule for {@code /api/**} must say {@code
     * /v1/api/**}.
     */
    private String servletHint(String path) {
        if (servletPrefix.isEmpty() || path.equals(servletPrefix) || path.startsWith(servletPrefix + "/")) {
            return "";
        }
        return " The DispatcherServlet serves paths under '" + servletPrefix + "': write '" + servletPrefix + path
                + "'.";
    }

    /**
     * The Actuator's base path ({@code management.endpoints.web.base-path}) when a management server of its own
     * serves it: {@code management.server.port} set, not negative (the Actuator is off) and not the application's
     * port (Spring Boot's {@code ManagementPortType.DIFFERENT}); {@code null} otherwise.
     */
    static @Nullable String separateManagementPath(Environment environment) {
        Integer managementPort = environment.getProperty("management.server.port", Integer.class);
        if (managementPort == null || managementPort < 0) {
            return null;
        }
        Integer serverPort = environment.getProperty("server.port", Integer.class, DEFAULT_SERVER_PORT);
        if (managementPort != 0 && managementPort.equals(serverPort)) {
            return null;
        }
        return environment.getProperty("management.endpoints.web.base-path", "/actuator");
    }

    /** Whether the separate management server may serve this rule path. */
    private boolean managementServes(String path) {
        return underManagementPath(managementPath, path);
    }

    /**
     * Whether a separate management server with this base path serves the path or template; {@code false}
     * when there is none ({@code managementPath} {@code null}).
     */
    static boolean underManagementPath(@Nullable String managementPath, String path) {
        if (managementPath == null) {
            return false;
        }
        String base = managementPath.endsWith("/")
                ? managementPath.substring(0, managementPath.length() - 1)
                : managementPath;
        return base.isEmpty() || path.equals(base) || path.startsWith(base + "/");
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (properties.engine().enabled()) {
            configuredRules(properties)
                    .forEach((section, rules) -> rules.forEach((name, rule) ->
                            warnIfNotTheSignInFormsFields("abuse-guard." + section + ".rules." + name, rule)));
        }
        Routes routes = Routes.of(
                beans.getBeansOfType(HandlerMapping.class, false, false).values(), servletPrefix);
        if (routes == null || !properties.engine().enabled()) {
            return;
        }
        List<ControllerHandlers> controllers = MvcHandlerRoutes.of(beans, servletPrefix);
        configuredRules(properties)
                .forEach((section, rules) -> rules.forEach((name, rule) -> {
                    String property = "abuse-guard." + section + ".rules." + name;
                    warnIfUnserved(routes, property + ".paths", rule.paths());
                    if (controllers != null) {
                        warnIfUnbound(controllers, property, rule);
                    }
                }));
        // Path lists outside the rules: each fails open as silently when it names no route (probe38a F2).
        ProofSettings proof = properties.section(ProofSettings.class);
        if (proof.enabled()) {
            warnIfUnserved(routes, "abuse-guard.proof.required-paths", proof.requiredPaths());
        }
        ClientSignalsSettings signals = properties.section(ClientSignalsSettings.class);
        if (signals.enabled()) {
            signals.expectedClients()
                    .forEach((name, client) -> warnIfUnserved(
                            routes, "abuse-guard.client-signals.expected-clients." + name + ".paths", client.paths()));
        }
    }

    /** The sign-in filters, looked up once on the first asking; see {@link SignInFilterPaths}. */
    private @Nullable SignInFilterPaths signInPaths;

    private boolean signInPathsRead;

    private @Nullable SignInFilterPaths signInPaths() {
        if (!signInPathsRead) {
            signInPathsRead = true;
            ClassLoader loader = getClass().getClassLoader();
            signInPaths =
                    ClassUtils.isPresent(SIGN_IN_FILTER, loader) && ClassUtils.isPresent(FILTER_INVOCATION, loader)
                            ? SignInFilterPaths.of(beans)
                            : null;
        }
        return signInPaths;
    }

    private boolean signInFilterServes(String path) {
        SignInFilterPaths paths = signInPaths();
        return paths != null && paths.serves(path);
    }

    /**
     * Warns where a rule on a form login's path reads the user name or password under Spring Security's default names
     * ({@code body:/username}, {@code body:/password}, as README's form-login rules do) and the form login reads them
     * under others ({@code usernameParameter("email")}): no request carries the field, and the rule counts no failure
     * or no distinct name (user73 F1: 30 of 30 guesses at one account went through, without a word).
     */
    private void warnIfNotTheSignInFormsFields(String property, RuleScopeSettings rule) {
        Map<String, String> fields = fieldSettings(rule);
        if (rule.paths() == null || fields.isEmpty()) {
            return;
        }
        SignInFilterPaths signIn = null;
        for (String path : rule.paths()) {
            signIn = signIn == null ? signInPaths() : signIn;
            SignInFilterPaths.FormLogin form = signIn == null || path == null ? null : signIn.formLoginServing(path);
            if (form == null) {
                continue;
            }
            for (Map.Entry<String, String> setting : fields.entrySet()) {
                String value = setting.getValue();
                for (String pointer : UnboundBodyFields.pointers(value)) {
                    String field = RequestBody.formName(pointer);
                    String read = field.equals("username")
                            ? form.usernameParameter()
                            : field.equals("password") ? form.passwordParameter() : null;
                    if (read != null
                            && !read.equals(field)
                            && !field.equals(form.usernameParameter())
                            && !field.equals(form.passwordParameter())) {
                        log.warn(
                                "{}.{} = '{}' reads the field '{}', but the form login that serves POST {} reads the user"
                                        + " name from '{}' and the password from '{}' (usernameParameter,"
                                        + " passwordParameter): the rule will find no such field. Name /{} instead.",
                                property,
                                setting.getKey(),
                                value,
                                field,
                                path,
                                form.usernameParameter(),
                                form.passwordParameter(),
                                read);
                    }
                }
            }
            return; // one form login's fields are enough
        }
    }

    private static final String SIGN_IN_FILTER =
            "org.springframework.security.web.authentication.AbstractAuthenticationProcessingFilter";
    private static final String FILTER_INVOCATION = "org.springframework.security.web.FilterInvocation";

    /** Warns about each path of the list {@code property} that may match no route. */
    private void warnIfUnserved(Routes routes, String property, @Nullable List<String> paths) {
        for (int i = 0; paths != null && i < paths.size(); i++) {
            String path = paths.get(i);
            if (path != null && !managementServes(path) && !routes.mayServe(path) && !signInFilterServes(path)) {
                // the application's own sign-in filters, where it has some (user73 F4: "form login, POST /login" read
                // as
                // "fine" where the form login served /api/login)
                SignInFilterPaths signIn = signInPaths();
                String filters = signIn == null
                        ? "a filter (Spring Security's form login, POST /login)"
                        : "a filter (the application's sign-in filters serve " + String.join(", ", signIn.described())
                                + ")";
                log.warn(
                        "{}[{}]: '{}' matches no route of the application: it applies only where {} or another servlet"
                                + " serves it; is it misspelt?{}",
                        property,
                        i,
                        path,
                        filters,
                        contextHint(path) + servletHint(path));
            }
        }
    }

    /** A rule's settings that may name body fields: keys, and the e-mail guard's field. */
    private static final Set<String> FIELD_SETTINGS = Set.of("key", "distinct", "credential", "resource", "field");

    /**
     * Warns about each body field a configured rule reads (its key's {@code body:} parts, its e-mail field) that no
     * handler its paths and methods reach can be given, as {@link UnboundBodyFields} does for an annotation's: such a
     * rule starts and finds no such field (user65 F2: {@code key: body:/usrname} beside a body record holding {@code
     * username}). Nothing is said when the paths reach no handler (that is {@link #warnIfUnserved}'s), when one of
     * the handlers may be given the field, or when none takes a body or fields at all.
     */
    private void warnIfUnbound(List<ControllerHandlers> controllers, String property, RuleScopeSettings rule) {
        List<HandlerRoute> reached = new ArrayList<>();
        for (ControllerHandlers controller : controllers) {
            for (HandlerRoute handler : controller.handlers()) {
                if (sharesAMethod(rule.methods(), handler.httpMethods()) && reaches(rule.paths(), handler.routes())) {
                    reached.add(handler);
                }
            }
        }
        if (reached.isEmpty()) {
            return;
        }
        for (Map.Entry<String, String> setting : fieldSettings(rule).entrySet()) {
            String value = setting.getValue();
            // Handlers that take nothing a field could be (a login page beside Spring Security's POST /login,
            // review104 F2) tell nothing when the rule may apply to a method no handler serves, which a filter may;
            // when they serve every method the rule names, the field can come from none (user67 F4)
            boolean handledEverywhere = everyMethodHandled(rule.methods(), reached);
            for (String pointer : UnboundBodyFields.pointers(value)) {
                List<String> problems = UnboundBodyFields.problems(reached, pointer);
                if (problems == null) {
                    continue; // a handler may be given the field
                }
                boolean bodied = problems.stream().anyMatch(problem -> !problem.equals(UnboundBodyFields.NO_BODY));
                if (bodied || handledEverywhere) {
                    log.warn(
                            "{}.{} = '{}' reads {} from the request body, but no handler the rule's paths reach can"
                                    + " be given it ({}): the rule will find no such field. Name a field the handlers"
                                    + " bind.",
                            property,
                            setting.getKey(),
                            value,
                            pointer,
                            UnboundBodyFields.named(reached, problems));
                }
            }
        }
    }

    /** The rule's settings that may name body fields ({@link #FIELD_SETTINGS}) and are set, by property name. */
    private static Map<String, String> fieldSettings(RuleScopeSettings rule) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (rule instanceof Record record) {
            for (RecordComponent component : record.getClass().getRecordComponents()) {
                if (FIELD_SETTINGS.contains(component.getName())
                        && WeakenedProtection.read(component, record) instanceof String value) {
                    fields.put(HandlerRoute.kebab(component.getName()), value);
                }
            }
        }
        return fields;
    }

    /**
     * Whether the rule names its methods and a handler names each of them: {@code HEAD} as Spring MVC serves it, by a
     * {@code GET} handler (review113 F5); {@code OPTIONS} and {@code TRACE}, which carry no form, aside. A handler of
     * any method says nothing of one: a login page's {@code @RequestMapping("/login")} beside Spring Security's {@code
     * POST /login} filter is not what serves the rule's {@code POST} (review113 F4).
     */
    private static boolean everyMethodHandled(@Nullable List<String> ruleMethods, List<HandlerRoute> handlers) {
        if (ruleMethods == null || ruleMethods.isEmpty()) {
            return false;
        }
        boolean any = false;
        for (String named : ruleMethods) {
            String method = named == null ? "" : named.strip().toUpperCase(Locale.ROOT);
            if (method.isEmpty() || method.equals("OPTIONS") || method.equals("TRACE")) {
                continue;
            }
            boolean handled = false;
            for (HandlerRoute handler : handlers) {
                Set<String> served = handler.httpMethods();
                handled |= served.contains(method) || (method.equals("HEAD") && served.contains("GET"));
            }
            if (!handled) {
                return false;
            }
            any = true;
        }
        return any;
    }

    /** Whether the rule's methods (none: any) and a handler's (none: any) share one. */
    private static boolean sharesAMethod(@Nullable List<String> ruleMethods, Set<String> handlerMethods) {
        if (ruleMethods == null || ruleMethods.isEmpty() || handlerMethods.isEmpty()) {
            return true;
        }
        for (String method : ruleMethods) {
            if (method != null && handlerMethods.contains(method.strip().toUpperCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /** Whether some rule path may match some path of a handler's route templates. */
    private static boolean reaches(@Nullable List<String> paths, List<String> routes) {
        for (int i = 0; paths != null && i < paths.size(); i++) {
            String path = paths.get(i);
            if (path == null) {
                continue;
            }
            PathPattern rule = PathPattern.parse(path);
            for (String route : routes) {
                if (Routes.mayMatch(rule, path, Routes.template(route))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The configured rules of every enabled guard whose rules have paths, by section. */
    static Map<String, Map<String, ? extends RuleScopeSettings>> configuredRules(AbuseGuardProperties properties) {
        return WeakenedProtection.configuredRules(properties);
    }

    /** The route templates of the handler mappings, and the static-resource mappings. */
    private record Routes(
            List<PathPattern> templates, Map<PathPattern, ResourceHttpRequestHandler> resources, String servletPrefix) {

        /** {@code null} when the routes cannot be known: no request mappings, or functional routes. */
        static @Nullable Routes of(Iterable<HandlerMapping> mappings, String servletPrefix) {
            List<PathPattern> templates = new ArrayList<>();
            Map<PathPattern, ResourceHttpRequestHandler> resources = new LinkedHashMap<>();
            boolean requestMappings = false;
            for (HandlerMapping mapping : mappings) {
                if (mapping instanceof RouterFunctionMapping functions && functions.getRouterFunction() != null) {
                    return null;
                }
                if (mapping instanceof RequestMappingInfoHandlerMapping info) {
                    requestMappings = true;
                    for (RequestMappingInfo key : info.getHandlerMethods().keySet()) {
                        if (key.getPatternValues().isEmpty()) {
                            templates.add(template(servletPrefix + "/"));
                        }
                        key.getPatternValues().forEach(pattern -> templates.add(template(servletPrefix + pattern)));
                    }
                } else if (mapping instanceof AbstractUrlHandlerMapping urls) {
                    if (urls.getRootHandler() != null) {
                        templates.add(template(servletPrefix + "/"));
                    }
                    urls.getHandlerMap().forEach((pattern, handler) -> {
                        if (handler instanceof ResourceHttpRequestHandler files) {
                            resources.put(template(servletPrefix + pattern), files);
                        } else {
                            templates.add(template(servletPrefix + pattern));
                        }
                    });
                }
            }
            return requestMappings ? new Routes(templates, resources, servletPrefix) : null;
        }

        /** A Spring MVC pattern as a template; one this library cannot read stands for any path. */
        private static PathPattern template(String pattern) {
            try {
                return PathPattern.parse(HandlerRoutes.template(pattern));
            } catch (IllegalArgumentException unreadable) {
                return PathPattern.parse("/**");
            }
        }

        boolean mayServe(String path) {
            PathPattern rule = PathPattern.parse(path);
            for (PathPattern template : templates) {
                if (mayMatch(rule, path, template)) {
                    return true;
                }
            }
            for (Map.Entry<PathPattern, ResourceHttpRequestHandler> entry : resources.entrySet()) {
                if (entry.getKey().toString().equals(servletPrefix + "/**")
                        ? servedFile(entry.getValue(), literalPrefix(path))
                        : mayMatch(rule, path, entry.getKey())) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Whether some path of the rule may be one of {@code route}'s. {@link PathPattern#mayMatchPathOf} takes
         * any pattern with {@code **} on either side as a match (conservative, for route plans); here the literal
         * prefix of the side with {@code **} must fit the other, or a capture-all such as the health endpoint's,
         * or Spring Boot's {@code /webjars/**} resource mapping, would make every misspelt path look served
         * (cfg24 F1: {@code /apii/**}).
         */
        private static boolean mayMatch(PathPattern rule, String path, PathPattern route) {
            String text = route.toString();
            return text.contains("**") ? underPrefix(path, text) : rule.mayMatchPathOf(route);
        }

        /**
         * The rule path up to its first wildcard or variable: {@code /css} of {@code /css/**}, the whole path of a
         * literal one. A catch-all resource mapping may serve the rule when a resource exists there, a file for a
         * literal path, a folder for a pattern.
         */
        private static String literalPrefix(String path) {
            StringBuilder prefix = new StringBuilder();
            for (String segment : segments(path)) {
                if (isWildcard(segment)) {
                    break;
                }
                prefix.append('/').append(segment);
            }
            return prefix.toString();
        }

        /** Whether some path of the rule pattern {@code path} lies under the template's part before its {@code **}. */
        private static boolean underPrefix(String path, String template) {
            String[] prefix = segments(template.substring(0, template.indexOf("**")));
            String[] rule = segments(path);
            for (int i = 0; i < prefix.length; i++) {
                if (i >= rule.length) {
                    return false;
                }
                if (rule[i].equals("**")) {
                    return true;
                }
                if (!isWildcard(rule[i]) && !isWildcard(prefix[i]) && !rule[i].equals(prefix[i])) {
                    return false;
                }
            }
            return true;
        }

        private static String[] segments(String path) {
            return java.util.Arrays.stream(path.split("/"))
                    .filter(s -> !s.isEmpty())
                    .toArray(String[]::new);
        }

        private static boolean isWildcard(String segment) {
            return segment.indexOf('*') >= 0 || segment.indexOf('{') >= 0;
        }

        /** Whether a catch-all resource mapping under the servlet prefix has a file or folder at the path. */
        private boolean servedFile(ResourceHttpRequestHandler files, String path) {
            if (!path.startsWith(servletPrefix + "/")) {
                return false;
            }
            return exists(files, path.substring(servletPrefix.length()));
        }

        private static boolean exists(ResourceHttpRequestHandler files, String path) {
            String relative = path.startsWith("/") ? path.substring(1) : path;
            if (relative.isEmpty()) {
                return false;
            }
            for (Resource location : files.getLocations()) {
                try {
                    if (location.createRelative(relative).exists()) {
                        return true;
                    }
                } catch (IOException unreadable) {
                    // a location that cannot resolve the path does not serve it
                }
            }
            return false;
        }
    }
}
