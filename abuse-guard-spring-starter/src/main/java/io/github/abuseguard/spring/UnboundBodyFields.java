package io.github.abuseguard.spring;

import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;

/**
 * Warns at start-up of an annotation that reads a body field its handler can never be given: a JSON pointer on a
 * handler that takes no request body, form or parameters at all, or whose {@code @RequestBody} type has no property
 * by the pointer's first name. Such a rule starts and checks nothing (user59 F4: {@code @RejectDisposableEmail(field =
 * "/mail")} on a handler whose body record holds {@code email} let {@code a@mailinator.com} sign up). A warning, not a
 * failure: a custom message converter or Jackson naming strategy may bind what this cannot see.
 */
final class UnboundBodyFields {
    private static final Logger log = LoggerFactory.getLogger(UnboundBodyFields.class);

    private UnboundBodyFields() {}

    /** Warns about each {@linkplain #pointers body field} of an annotation's key or field the handler cannot be given. */
    static void check(HandlerRoute handler, String annotation, String attribute, @Nullable String keyOrField) {
        check(List.of(handler), handler.where(), annotation, attribute, keyOrField);
    }

    /**
     * Warns about each {@linkplain #pointers body field} of an annotation's key or field that none of the handlers it
     * applies to can be given: on a class, a field one handler binds is read there, and the others count as README
     * says of a request without the field (review103 F5: each handler without a body was warned about).
     */
    static void check(
            List<HandlerRoute> handlers,
            String where,
            String annotation,
            String attribute,
            @Nullable String keyOrField) {
        for (String pointer : pointers(keyOrField)) {
            List<String> problems = problems(handlers, pointer);
            if (problems != null && !problems.isEmpty()) {
                log.warn(
                        "@{}({} = \"{}\") on {} reads {} from the request body, but {}: the rule will find no"
                                + " such field and check nothing. Name a field the handler binds.",
                        annotation,
                        attribute,
                        keyOrField,
                        where,
                        pointer,
                        handlers.size() == 1 ? problems.get(0) : named(handlers, problems));
            }
        }
    }

    /** Why each of the handlers cannot be given {@code pointer}, in their order; {@code null} when one may be. */
    static @Nullable List<String> problems(List<HandlerRoute> handlers, String pointer) {
        List<String> problems = new ArrayList<>(handlers.size());
        for (HandlerRoute handler : handlers) {
            String problem = problem(handler, pointer);
            if (problem == null) {
                return null;
            }
            problems.add(problem);
        }
        return problems;
    }

    /** {@link #problems} as a warning names them: each after its handler's place, {@code ; } between. */
    static String named(List<HandlerRoute> handlers, List<String> problems) {
        List<String> named = new ArrayList<>(problems.size());
        for (int i = 0; i < problems.size(); i++) {
            named.add(handlers.get(i).where() + ": " + problems.get(i));
        }
        return String.join("; ", named);
    }

    /**
     * The JSON pointers a key or field reads from the body: each {@code body:}, {@code body-exact:} and {@code mailbox:}
     * part of a key (parts joined by {@code +}), or the field itself when it is a pointer; none for {@code query:} and
     * other keys.
     */
    static List<String> pointers(@Nullable String keyOrField) {
        List<String> pointers = new ArrayList<>();
        if (keyOrField == null || keyOrField.isBlank()) {
            return pointers;
        }
        for (String part : keyOrField.split("\\+")) {
            String trimmed = part.trim();
            String pointer = trimmed.startsWith("/") ? trimmed : pointerOf(trimmed);
            if (pointer != null) {
                pointers.add(pointer);
            }
        }
        return pointers;
    }

    private static @Nullable String pointerOf(String keyPart) {
        for (String prefix : new String[] {"body:", "body-exact:", "mailbox:"}) {
            if (keyPart.startsWith(prefix) && keyPart.length() > prefix.length() + 1) {
                String pointer = keyPart.substring(prefix.length());
                return pointer.startsWith("/") ? pointer : null;
            }
        }
        return null;
    }

    /** What {@link #problem} says of a handler that takes nothing a body field could be. */
    static final String NO_BODY = "the handler takes no request body, form or parameter";

    /** Why {@code handler} cannot be given {@code pointer}, or {@code null} when it may be. */
    static @Nullable String problem(HandlerRoute handler, String pointer) {
        Method method = handler.method();
        Parameter body = null;
        int bodyIndex = -1;
        boolean bindsFields = false;
        Parameter[] parameters = method.getParameters();
        for (int i = 0; i < parameters.length; i++) {
            Parameter parameter = parameters[i];
            if (has(parameter, "org.springframework.web.bind.annotation.RequestBody")) {
                body = parameter;
                bodyIndex = i;
            } else if (!takesNoField(parameter)) {
                bindsFields = true; // a form's fields, a part, or the request read by the handler itself
            }
        }
        if (body == null) {
            return bindsFields ? null : NO_BODY;
        }
        String first = firstName(pointer);
        if (first == null || first.chars().allMatch(Character::isDigit)) {
            return null; // the whole body, or an array element
        }
        // the type Spring MVC binds: a type variable resolved against the controller (review104 F3: a generic
        // FormController<T extends BaseForm> was read as BaseForm)
        Class<?> type = ResolvableType.forMethodParameter(
                        new MethodParameter(method, bodyIndex).withContainingClass(handler.controller()))
                .resolve(body.getType());
        if (!isOwnType(type)) {
            return null; // a map, a JSON tree, a string, a collection: any name may be there
        }
        return hasProperty(type, first)
                ? null
                : type.getSimpleName() + ", its @RequestBody type, has no property '" + first + "'";
    }

    private static @Nullable String firstName(String pointer) {
        if (pointer.length() < 2) {
            return null;
        }
        int slash = pointer.indexOf('/', 1);
        String name = slash < 0 ? pointer.substring(1) : pointer.substring(1, slash);
        return name.replace("~1", "/").replace("~0", "~");
    }

    private static boolean isOwnType(Class<?> type) {
        return !type.isPrimitive()
                && !type.isArray()
                && !type.isInterface()
                && !Modifier.isAbstract(type.getModifiers()) // a polymorphic base: its subtypes hold the properties
                && !hasAnnotationNamed(type, "JsonTypeInfo")
                && !hasAnnotationNamed(type, "JsonNaming") // a naming strategy this does not apply
                && !Map.class.isAssignableFrom(type)
                && !Collection.class.isAssignableFrom(type)
                && type != Object.class
                && !type.getName().startsWith("java.")
                && !type.getName().startsWith("tools.jackson.")
                && !type.getName().startsWith("com.fasterxml.jackson.")
                && !type.getName().startsWith("org.springframework.")
                && !hasAnnotationNamed(type, "JsonAnySetter");
    }

    /**
     * A record component, a field or a setter by that name (any case, and without {@code _} and {@code -}, as a naming
     * strategy such as snake case may write it: review78 F4), a Jackson rename of one, or anything that takes unknown
     * or nested names ({@code @JsonAnySetter}, {@code @JsonUnwrapped}, a {@code @JsonCreator} factory).
     */
    private static boolean hasProperty(Class<?> type, String name) {
        String lower = plain(name);
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                if (plain(component.getName()).equals(lower) || renames(component.getAnnotations(), name)) {
                    return true;
                }
            }
        }
        for (Class<?> current = type; current != null && current != Object.class; current = current.getSuperclass()) {
            for (Field field : current.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers())
                        && (plain(field.getName()).equals(lower)
                                || renames(field.getAnnotations(), name)
                                || hasAnnotationNamed(field, "JsonAnySetter")
                                || hasAnnotationNamed(field, "JsonUnwrapped"))) {
                    return true;
                }
            }
            for (Method method : current.getDeclaredMethods()) {
                String property = method.getName().startsWith("set") && method.getParameterCount() == 1
                        ? method.getName().substring(3)
                        : null;
                if ((property != null && plain(property).equals(lower))
                        || hasAnnotationNamed(method, "JsonCreator")
                        || renames(method.getAnnotations(), name)
                        || hasAnnotationNamed(method, "JsonAnySetter")) {
                    return true;
                }
            }
        }
        for (var constructor : type.getDeclaredConstructors()) {
            for (Parameter parameter : constructor.getParameters()) {
                if (renames(parameter.getAnnotations(), name)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code name} in lower case, without {@code _} and {@code -}: how naming strategies may differ. */
    private static String plain(String name) {
        return name.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
    }

    /** Whether a {@code @JsonProperty}, {@code @JsonAlias} or {@code @JsonSetter} (Jackson 2 or 3) names {@code name}. */
    private static boolean renames(Annotation[] annotations, String name) {
        for (Annotation annotation : annotations) {
            String simple = annotation.annotationType().getSimpleName();
            if (!simple.equals("JsonProperty") && !simple.equals("JsonAlias") && !simple.equals("JsonSetter")) {
                continue;
            }
            try {
                Object value = annotation.annotationType().getMethod("value").invoke(annotation);
                if (value instanceof String text && text.equals(name)) {
                    return true;
                }
                if (value instanceof String[] texts) {
                    for (String text : texts) {
                        if (text.equals(name)) {
                            return true;
                        }
                    }
                }
            } catch (ReflectiveOperationException unreadable) {
                log.debug("@{} on a body property could not be read; taken for a rename", simple, unreadable);
                return true; // a rename this cannot read: assume it names the field, and do not warn
            }
        }
        return false;
    }

    private static boolean has(Parameter parameter, String annotation) {
        for (Annotation present : parameter.getAnnotations()) {
            if (present.annotationType().getName().equals(annotation)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasAnnotationNamed(java.lang.reflect.AnnotatedElement element, String simpleName) {
        for (Annotation present : element.getAnnotations()) {
            if (present.annotationType().getSimpleName().equals(simpleName)) {
                return true;
            }
        }
        return false;
    }

    /** Annotations whose parameter is bound from the path, a header, a cookie or the server: never a body field. */
    private static final java.util.Set<String> NOT_FROM_FIELDS = java.util.Set.of(
            "PathVariable",
            "RequestHeader",
            "CookieValue",
            "RequestAttribute",
            "SessionAttribute",
            "MatrixVariable",
            "AuthenticationPrincipal",
            "CurrentSecurityContext",
            "Value");

    /** Types Spring MVC resolves from the server or the response, never from the request's fields. */
    private static final java.util.Set<String> NOT_FROM_REQUEST = java.util.Set.of(
            "jakarta.servlet.http.HttpServletResponse",
            "jakarta.servlet.ServletResponse",
            "java.security.Principal",
            "java.util.Locale",
            "java.util.TimeZone",
            "java.time.ZoneId",
            "org.springframework.ui.Model",
            "org.springframework.ui.ModelMap",
            "org.springframework.validation.BindingResult",
            "org.springframework.validation.Errors",
            "org.springframework.web.util.UriComponentsBuilder",
            "org.springframework.web.servlet.support.ServletUriComponentsBuilder",
            "org.springframework.web.bind.support.SessionStatus",
            "org.springframework.web.servlet.mvc.support.RedirectAttributes",
            "org.springframework.http.HttpMethod");

    /** Whether the parameter is bound from something other than the request's body, form or parameters. */
    private static boolean takesNoField(Parameter parameter) {
        for (Annotation present : parameter.getAnnotations()) {
            if (NOT_FROM_FIELDS.contains(present.annotationType().getSimpleName())) {
                return true;
            }
        }
        return NOT_FROM_REQUEST.contains(parameter.getType().getName());
    }
}
