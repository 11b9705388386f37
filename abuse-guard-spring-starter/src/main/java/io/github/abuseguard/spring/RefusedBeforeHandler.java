package io.github.abuseguard.spring;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.ServletRequestBindingException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.resource.NoResourceFoundException;

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

    @Override
    public ModelAndView resolveException(
            HttpServletRequest request, HttpServletResponse response, Object handler, Exception exception) {
        if (refusedBeforeTheHandler(exception)) {
            request.setAttribute(ATTRIBUTE, Boolean.TRUE);
        }
        return null;
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
