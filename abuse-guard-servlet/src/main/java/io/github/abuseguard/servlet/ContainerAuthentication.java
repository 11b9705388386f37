package io.github.abuseguard.servlet;

import jakarta.servlet.ServletContext;
import java.lang.reflect.Field;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container's own authentication of a context ({@code <login-config>}, Jetty's {@code ConstraintSecurityHandler}
 * with an authenticator, Tomcat's authenticator valves), which checks a password before any filter runs: a wrong
 * one is answered {@code 401} (or a redirect to the form's error page) by the container, and no rate limit, failure
 * rule or ban of the filter ever sees it (probe85b F2: 12 of 12 wrong BASIC and FORM passwords from one address
 * passed a limit of 5 a minute and a ban after 3 failures, on Jetty 12 and Tomcat 11). Said once at start-up, as a
 * WARN naming the way out. Read by reflection through Jetty's public API ({@code
 * ServletContextHandler.getServletContextHandler(context).getSecurityHandler()}) and Tomcat's context ({@code
 * StandardContext.getLoginConfig()}); any other container, or classes that differ, tell nothing.
 */
final class ContainerAuthentication {
    private static final Logger log = LoggerFactory.getLogger(ContainerAuthentication.class);

    private ContainerAuthentication() {}

    /** Logs the WARN when the container authenticates requests of {@code context} itself. */
    static void warn(ServletContext context) {
        String method = method(context);
        if (method != null) {
            log.warn(
                    "The container checks passwords itself ({} authentication) before any filter runs: a wrong password"
                            + " it answers is never seen by abuse-guard's rate limits, failure rules or bans. Check"
                            + " passwords in the application (a servlet calling request.login(user, password) runs"
                            + " after the filter) and count its failures with a failure rule, or limit sign-ins in"
                            + " front of the container",
                    method);
        }
    }

    /** The authentication method the container applies to the context ({@code BASIC}, {@code FORM}, ...), or null. */
    static @Nullable String method(ServletContext context) {
        try {
            String jetty = jetty(context);
            return jetty != null ? jetty : tomcat(context);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError unknown) {
            log.debug("the container's authentication could not be read", unknown);
            return null;
        }
    }

    private static @Nullable String jetty(ServletContext context) throws ReflectiveOperationException {
        Class<?> handlers =
                TomcatClasses.facade("org.eclipse.jetty.ee10.servlet.ServletContextHandler", context.getClass());
        if (handlers == null) {
            return null;
        }
        Object handler = handlers.getMethod("getServletContextHandler", ServletContext.class)
                .invoke(null, context);
        Object security = handler == null
                ? null
                : handlers.getMethod("getSecurityHandler").invoke(handler);
        if (security == null) {
            return null;
        }
        Class<?> securityHandlers = TomcatClasses.facade("org.eclipse.jetty.security.SecurityHandler", handlers);
        Class<?> authenticators = TomcatClasses.facade("org.eclipse.jetty.security.Authenticator", handlers);
        if (securityHandlers == null || authenticators == null) {
            return null;
        }
        Object type = securityHandlers.getMethod("getAuthenticationType").invoke(security);
        Object authenticator = securityHandlers.getMethod("getAuthenticator").invoke(security);
        if (type == null && authenticator != null) {
            type = authenticators.getMethod("getAuthenticationType").invoke(authenticator);
        }
        // a security handler with no authentication (a web application's default one, forbidding rules only) checks
        // no password (review158 F5)
        return type == null || type.toString().isBlank() || type.toString().equalsIgnoreCase("NONE")
                ? null
                : type.toString();
    }

    private static @Nullable String tomcat(ServletContext context) throws ReflectiveOperationException {
        if (!context.getClass().getName().equals("org.apache.catalina.core.ApplicationContextFacade")) {
            return null;
        }
        Object application = field(context, "context");
        Object standard = application == null ? null : field(application, "context");
        if (standard == null) {
            return null;
        }
        Object login = standard.getClass().getMethod("getLoginConfig").invoke(standard);
        if (login == null) {
            return null;
        }
        Object type = login.getClass().getMethod("getAuthMethod").invoke(login);
        // Tomcat's own stand-in where a web application names none
        return type == null || type.toString().toUpperCase(Locale.ROOT).equals("NONE") ? null : type.toString();
    }

    private static @Nullable Object field(Object owner, String name) throws ReflectiveOperationException {
        Field field = owner.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return field.get(owner);
    }
}
