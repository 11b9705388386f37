package io.github.abuseguard.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells Tomcat not to read the rest of a request body that nobody will read. Once a request is answered,
 * Tomcat writes the whole answer, then reads and discards what is left of the body (up to its {@code
 * maxSwallowSize}, 2 MiB) on the request thread before that thread or the connection serves anything else: a
 * body that arrives slowly would hold the thread, and the connection's next request, as long as reading it
 * would. Tomcat itself skips that for a {@code 413}; a refusal
 * of a client for its body reads in flight asks it to do the same, and the connection is closed after the
 * answer. Any other container, or a Tomcat whose types differ, is left as it is (Jetty drops an unread body
 * without waiting for it).
 */
final class TomcatUnreadBody {
    private static final Logger log = LoggerFactory.getLogger(TomcatUnreadBody.class);

    private static final @Nullable Handles TOMCAT =
            Handles.find(TomcatClasses.facade(TomcatHeaders.FACADE, TomcatUnreadBody.class));

    /** Whether a failure to drop a body was logged at WARN: once per class loader. */
    private static final java.util.concurrent.atomic.AtomicBoolean WARNED =
            new java.util.concurrent.atomic.AtomicBoolean();

    private TomcatUnreadBody() {}

    /**
     * Asks Tomcat to drop the rest of {@code request}'s body, once its answer's status is set; does nothing for
     * another container's request. Tomcat takes the dropped body for an error of the exchange and would then
     * run the application's error page (Spring Boot's {@code /error}) over the answer, so the error is marked
     * as reported: the answer written stays the answer.
     */
    static void drop(HttpServletRequest request) {
        HttpServletRequest container = ServletGuardRequest.container(request);
        Handles tomcat = TOMCAT;
        if (tomcat == null || container.getClass() != tomcat.facade) {
            return;
        }
        try {
            Object coyote = tomcat.coyoteRequest.invoke(tomcat.connectorRequest.get(container));
            tomcat.action.invoke(coyote, tomcat.disableSwallowInput, null);
            tomcat.errorReported.invoke(tomcat.coyoteResponse.invoke(coyote));
        } catch (ReflectiveOperationException | RuntimeException e) {
            // the answer still says Connection: close, but Tomcat drains the body again, as slowly as it comes:
            // worth an operator's notice, once (review38 F4)
            if (WARNED.compareAndSet(false, true)) {
                log.warn(
                        "Tomcat could not be told to drop an unread body ({}); refused requests' bodies are drained"
                                + " again. Further failures are logged at DEBUG",
                        e.toString());
            } else {
                log.debug("Tomcat could not be told to drop an unread body: {}", e.toString());
            }
        }
    }

    /**
     * Whether the rest of a refused request's body is to be dropped: on Tomcat, when no guard read it to its end or
     * the read was refused for the client's share (else Tomcat reads it, as slowly as the client sends it, before
     * the refusal ends, and a refused client could hold request threads with bodies it never finishes); call
     * {@link #drop} once the answer is written. On any container such an answer is marked {@code Connection: close}
     * before it is written, so that a client does not send its next request on a connection the container closes
     * after this one.
     */
    static boolean closing(HttpServletRequest request, HttpServletResponse response, ServletGuardRequest refused) {
        if (!(refused.refusedForReads() || refused.bodyLeftUnread())) {
            return false;
        }
        // Every container: Jetty, too, closes a connection whose unread body has not all arrived when the exchange
        // ends, and a refusal written in full by the filter has gone out by then without saying so, so the client's
        // next request on it was lost (probe81a F1: 12 of 40 on the servlet demo; Probe72aTest's closed connection).
        response.setHeader("Connection", "close");
        Handles tomcat = TOMCAT;
        return tomcat != null && ServletGuardRequest.container(request).getClass() == tomcat.facade;
    }

    /** Tomcat's request internals on the facade class; only used on the refusal path, so plain reflection. */
    private record Handles(
            Class<?> facade,
            Field connectorRequest,
            Method coyoteRequest,
            Method action,
            Object disableSwallowInput,
            Method coyoteResponse,
            Method errorReported) {

        static @Nullable Handles find(@Nullable Class<?> facade) {
            if (facade == null) {
                return null;
            }
            try {
                Field request = facade.getDeclaredField("request");
                if (Modifier.isStatic(request.getModifiers())) {
                    return null;
                }
                request.setAccessible(true);
                Method coyote = request.getType().getMethod("getCoyoteRequest");
                Method action = null;
                for (Method method : coyote.getReturnType().getMethods()) {
                    if (method.getName().equals("action")
                            && method.getParameterCount() == 2
                            && method.getParameterTypes()[0].isEnum()) {
                        action = method;
                    }
                }
                if (action == null) {
                    return null;
                }
                Object disable = enumConstant(action.getParameterTypes()[0], "DISABLE_SWALLOW_INPUT");
                Method response = coyote.getReturnType().getMethod("getResponse");
                Method reported = response.getReturnType().getMethod("setErrorReported");
                return new Handles(facade, request, coyote, action, disable, response, reported);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                log.debug("Tomcat's request has another layout; unread bodies are left to it: {}", e.toString());
                return null;
            }
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private static Object enumConstant(Class<?> type, String name) {
            return Enum.valueOf((Class) type, name);
        }
    }
}
