package io.github.abuseguard.spring;

import io.github.abuseguard.servlet.HandlerStatus;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodParameter;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.mvc.method.annotation.AbstractMessageConverterMethodProcessor;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * Reports to the guards the status a Spring MVC handler meant ({@link HandlerStatus}) when it returned
 * normally, before its return value is written: Spring invokes a {@code @ResponseBody} or {@code
 * ResponseEntity} handler first and only then finds that no converter writes a type the client's {@code
 * Accept} names ({@code 406}), that the value cannot be serialised ({@code 500}), or that the client's ETag
 * still holds ({@code 304}). Without this, a once-only step answered {@code 406} would settle as failed and
 * could be repeated at will, and a right password answered {@code 406} would not be a success.
 *
 * <p>Wraps the return value handlers of each {@link RequestMappingHandlerAdapter} that write with message
 * converters ({@link AbstractMessageConverterMethodProcessor}: {@code RequestResponseBodyMethodProcessor},
 * {@code HttpEntityMethodProcessor}) and Spring 7's {@code ResponseEntityReturnValueHandler}, in place, once it
 * is initialised. Views, redirects and asynchronous
 * values ({@code DeferredResult}, {@code Callable}: their result comes back through the same handlers)
 * are left alone: their status is written later by design. The status is the {@code ResponseEntity}'s
 * (the {@code ProblemDetail}'s, the {@code ErrorResponse}'s), else the response's as the handler left it
 * ({@code @ResponseStatus} is set by then). A request no guard asked it for costs one attribute look-up; the
 * error dispatch (Spring Boot's {@code /error} controller) reports nothing.
 */
final class HandlerStatusReporting implements BeanPostProcessor {
    /**
     * Spring Framework 7's handler of {@code ResponseEntity} return values: it writes through an
     * {@code HttpEntityMethodProcessor} of its own (or an emitter's handler), so it is no {@link
     * AbstractMessageConverterMethodProcessor} itself.
     */
    private static final String RESPONSE_ENTITY_HANDLER =
            "org.springframework.web.servlet.mvc.method.annotation.ResponseEntityReturnValueHandler";

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof RequestMappingHandlerAdapter adapter) {
            List<HandlerMethodReturnValueHandler> handlers = adapter.getReturnValueHandlers();
            if (handlers != null) {
                List<HandlerMethodReturnValueHandler> reporting = new ArrayList<>(handlers.size());
                boolean wrapped = false;
                for (HandlerMethodReturnValueHandler handler : handlers) {
                    if (handler instanceof AbstractMessageConverterMethodProcessor
                            || RESPONSE_ENTITY_HANDLER.equals(handler.getClass().getName())) {
                        reporting.add(new Reporting(handler));
                    } else {
                        reporting.add(new Returned(handler));
                    }
                    wrapped = true;
                }
                if (wrapped) {
                    adapter.setReturnValueHandlers(reporting);
                }
            }
        }
        return bean;
    }

    /**
     * A return value handler of views, model and other values that marks, for a request a guard may refund, that its
     * handler method returned ({@link RefusedBeforeHandler#RETURNED_ATTRIBUTE}): a view that forwards to a page, or
     * to a path nobody serves, is served by another handler (or none) in its own dispatch, which is what the request
     * shows once the exchange is over (probe48e F1: a mail sent, then {@code forward:/index.html}, was given back six
     * times of six). Costs a request no guard asked one attribute look-up.
     */
    static final class Returned extends Wrapping {
        Returned(HandlerMethodReturnValueHandler delegate) {
            super(delegate);
        }

        @Override
        public void handleReturnValue(
                @Nullable Object returnValue,
                MethodParameter returnType,
                ModelAndViewContainer mavContainer,
                NativeWebRequest webRequest)
                throws Exception {
            HttpServletRequest request = webRequest.getNativeRequest(HttpServletRequest.class);
            if (request != null
                    && request.getDispatcherType() == DispatcherType.REQUEST
                    && HandlerStatus.of(request) != null) {
                request.setAttribute(RefusedBeforeHandler.RETURNED_ATTRIBUTE, Boolean.TRUE);
            }
            delegate.handleReturnValue(returnValue, returnType, mavContainer, webRequest);
        }
    }

    /** A return value handler of Spring's that this one wraps, supporting the same return types. */
    abstract static class Wrapping implements HandlerMethodReturnValueHandler {
        final HandlerMethodReturnValueHandler delegate;

        Wrapping(HandlerMethodReturnValueHandler delegate) {
            this.delegate = delegate;
        }

        /** The handler it wraps. */
        HandlerMethodReturnValueHandler delegate() {
            return delegate;
        }

        @Override
        public boolean supportsReturnType(MethodParameter returnType) {
            return delegate.supportsReturnType(returnType);
        }
    }

    /** A return value handler that reports the handler's status, then writes the value as before. */
    static final class Reporting extends Wrapping {
        Reporting(HandlerMethodReturnValueHandler delegate) {
            super(delegate);
        }

        @Override
        public void handleReturnValue(
                @Nullable Object returnValue,
                MethodParameter returnType,
                ModelAndViewContainer mavContainer,
                NativeWebRequest webRequest)
                throws Exception {
            HttpServletRequest request = webRequest.getNativeRequest(HttpServletRequest.class);
            HandlerStatus awaiting = request == null ? null : HandlerStatus.of(request);
            if (awaiting != null && request.getDispatcherType() != DispatcherType.ERROR) {
                // before writing: writing is what may fail (406, 500) after the handler's work is done
                awaiting.returned(status(returnValue, webRequest));
            }
            try {
                delegate.handleReturnValue(returnValue, returnType, mavContainer, webRequest);
            } catch (Exception failure) {
                if (awaiting != null) {
                    awaiting.unwritten(); // whoever answers it (a catch-all advice's 400), the handler's work is done
                }
                throw failure;
            }
        }

        private static int status(@Nullable Object returnValue, NativeWebRequest webRequest) {
            if (returnValue instanceof ResponseEntity<?> entity) {
                return entity.getStatusCode().value();
            }
            if (returnValue instanceof ErrorResponse error) {
                return error.getStatusCode().value();
            }
            if (returnValue instanceof ProblemDetail problem) {
                return problem.getStatus();
            }
            HttpServletResponse response = webRequest.getNativeResponse(HttpServletResponse.class);
            return response == null ? 0 : response.getStatus();
        }
    }
}
