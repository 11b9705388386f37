package io.github.abuseguard.spring;

import io.github.abuseguard.servlet.AbuseGuardFilter;
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
import org.springframework.web.method.support.InvocableHandlerMethod;
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

    /** The request attribute that marks a request whose handler method returned a view or other value. */
    static final String RETURNED_ATTRIBUTE = RefusedBeforeHandler.class.getName() + ".returned";

    /**
     * Whether a handler of the application may have run for the request, once its exchange is over: not for a
     * request the DispatcherServlet served whose handler mappings answered it without one ({@code 405}, {@code
     * 415}), or with the static resources' handler only ({@code 404} of a path no controller takes, such as {@code
     * /api/accounts/}), or that it refused before the handler method's body ran (marked here); such a request
     * used none of the values it named (probe46b F2). A handler method that returned a view ran, whatever handler
     * served the forward to it ({@link HandlerStatusReporting.Returned}: probe48e F1, a mail sent, then {@code
     * forward:/index.html}, was given back six times of six). What the filter's {@code handlerRan} asks.
     */
    static boolean ranAHandler(HttpServletRequest request) {
        if (request.getAttribute(DispatcherServlet.WEB_APPLICATION_CONTEXT_ATTRIBUTE) == null) {
            // the DispatcherServlet never saw it: a filter after the guards answered. Its 401 (Spring Security's
            // log-in) checked a password the request named (review46b F6); its 403 (a missing CSRF token, an
            // authorization rule) checked nothing the request named, and a stranger's three such requests must
            // not spend an inbox (review47 F8, probe48e F2)
            return !Integer.valueOf(403).equals(request.getAttribute(AbuseGuardFilter.ANSWERED_STATUS_ATTRIBUTE));
        }
        if (request.getAttribute(RETURNED_ATTRIBUTE) != null) {
            return true; // its handler method returned (a view that forwarded elsewhere)
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
     * Whether the handler's body ran when the exception was thrown: Spring's invocation of a handler method is in the
     * stack trace ({@code InvocableHandlerMethod.doInvoke}, under whatever proxy), or the handler method's own frame
     * (a binding exception the body threw itself, Spring's {@code ServletRequestUtils.getRequiredIntParameter}
     * included: review47 F3, five mailbox sign-ups "sent" and all refunded); or the handler's return value failed its
     * validation, which Spring checks after the body returned (review48 F1); or the handler is not a method whose
     * arguments Spring resolves first (a functional endpoint's function binds in its own body: probe48e F3).
     * Arguments are resolved and validated before the method is invoked, so their exceptions have none of these.
     * An exception without a stack trace cannot tell, and counts as thrown by the body: no refund. A forward or
     * error dispatch (its handler ran in the dispatch before) marks nothing.
     */
    private static boolean thrownByTheHandlersBody(Object handler, Exception exception) {
        if (handler == null || handler instanceof ResourceHttpRequestHandler) {
            return false; // a method or path no handler takes: no body ran
        }
        if (!(handler instanceof HandlerMethod method)) {
            return true;
        }
        if (exception instanceof HandlerMethodValidationException validation && validation.isForReturnValue()) {
            return true;
        }
        StackTraceElement[] trace = exception.getStackTrace();
        if (trace.length == 0) {
            return true;
        }
        String type = method.getMethod().getDeclaringClass().getName();
        String name = method.getMethod().getName();
        for (StackTraceElement frame : trace) {
            if ((frame.getMethodName().equals(name) && frame.getClassName().equals(type))
                    || (frame.getMethodName().equals("doInvoke")
                            && frame.getClassName().equals(INVOCATION))) {
                return true;
            }
        }
        return false;
    }

    /** The class whose {@code doInvoke} calls a handler method's body, after its arguments were resolved. */
    private static final String INVOCATION = InvocableHandlerMethod.class.getName();

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
