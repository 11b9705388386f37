package io.github.abuseguard.spring;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.ServletRequestBindingException;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import org.springframework.web.servlet.resource.ResourceHttpRequestHandler;

/**
 * Marks a request Spring MVC refused before its handler method's body ran: a body type no converter of the
 * handler reads ({@code 415}, for a handler without {@code consumes} too), an unreadable or invalid body, a
 * missing or mistyped parameter, a method or path no handler takes. Such a request used none of the values it
 * named, so a rule keyed by a value others may send (a mailbox) gives back what it charged (review46b F3: three
 * strangers' {@code text/plain} sign-ups, each {@code 415} from a handler without {@code consumes}, spent an
 * inbox's day). Ordered first; it resolves nothing, so every resolver after it answers as before.
 */
final class RefusedBeforeHandler implements HandlerExceptionResolver, Ordered {

    /** The request attribute that marks such a request. */
    static final String ATTRIBUTE = RefusedBeforeHandler.class.getName();

    /**
     * Whether a handler of the application may have run for the request, once its exchange is over: not for a
     * request the DispatcherServlet served whose handler mappings answered it without one ({@code 405}, {@code
     * 415}), or with the static resources' handler only ({@code 404} of a path no controller takes, such as {@code
     * /api/accounts/}), or that it refused before the handler method's body ran (marked here); such a request
     * used none of the values it named (probe46b F2). What the filter's {@code handlerRan} asks.
     */
    static boolean ranAHandler(HttpServletRequest request) {
        if (request.getAttribute(DispatcherServlet.WEB_APPLICATION_CONTEXT_ATTRIBUTE) == null) {
            // the DispatcherServlet never saw it: a filter after the guards answered (Spring Security's login, its
            // 401), or another servlet, which may well have used the values it named (review46b F6)
            return true;
        }
        if (request.getAttribute(ATTRIBUTE) != null) {
            return false; // matched, but refused before its method's body ran (a 415 without consumes)
        }
        Object handler = request.getAttribute(HandlerMapping.BEST_MATCHING_HANDLER_ATTRIBUTE);
        return handler != null && !(handler instanceof ResourceHttpRequestHandler);
    }

    @Override
    public ModelAndView resolveException(
            HttpServletRequest request, HttpServletResponse response, Object handler, Exception exception) {
        if (request.getDispatcherType() == DispatcherType.REQUEST
                && refusedBeforeTheHandler(exception)
                && !thrownByTheHandlersBody(handler, exception)) {
            request.setAttribute(ATTRIBUTE, Boolean.TRUE);
        }
        return null;
    }

    /**
     * Whether the handler method's body ran when the exception was thrown: its frame is in the stack trace (a
     * binding exception the body threw itself, Spring's {@code ServletRequestUtils.getRequiredIntParameter}
     * included: review47 F3, five mailbox sign-ups "sent" and all refunded). Arguments are resolved and validated
     * before the method is invoked, so their exceptions have no such frame. An exception without a stack trace
     * cannot tell, and counts as thrown by the body: no refund. A forward or error dispatch (its handler ran in
     * the dispatch before) marks nothing.
     */
    private static boolean thrownByTheHandlersBody(Object handler, Exception exception) {
        if (!(handler instanceof HandlerMethod method)) {
            return false; // a method or path no handler takes: no body ran
        }
        StackTraceElement[] trace = exception.getStackTrace();
        if (trace.length == 0) {
            return true;
        }
        String type = method.getMethod().getDeclaringClass().getName();
        String name = method.getMethod().getName();
        for (StackTraceElement frame : trace) {
            if (frame.getMethodName().equals(name) && frame.getClassName().equals(type)) {
                return true;
            }
        }
        return false;
    }

    private static boolean refusedBeforeTheHandler(Exception exception) {
        return exception instanceof HttpMediaTypeNotSupportedException
                || exception instanceof HttpMessageNotReadableException
                || exception instanceof HttpRequestMethodNotSupportedException
                || exception instanceof MethodArgumentNotValidException
                || exception instanceof HandlerMethodValidationException
                || exception instanceof MethodArgumentTypeMismatchException
                || exception instanceof ServletRequestBindingException
                || exception instanceof MissingServletRequestPartException
                || exception instanceof NoResourceFoundException;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
