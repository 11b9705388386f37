package io.github.abuseguard.spring;

import io.github.abuseguard.BodyField;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Answers a multipart body the {@code DispatcherServlet} cannot parse (no boundary, an empty one, cut short)
 * with {@code 400} problem+json, {@code unreadable-body:malformed}, instead of the {@code 500} Spring leaves
 * it: the {@code DispatcherServlet} parses multipart before it looks for a handler, so the client's mistake
 * reached every route. Ordered last, so an application's own {@code @ExceptionHandler} for
 * {@link MultipartException}, and Spring's {@code 413} for {@link MaxUploadSizeExceededException}, answer
 * first; a response already committed is left as it is.
 */
final class MalformedMultipartResolver implements HandlerExceptionResolver, Ordered {
    private static final Logger log = LoggerFactory.getLogger(MalformedMultipartResolver.class);

    @Override
    public ModelAndView resolveException(
            HttpServletRequest request, HttpServletResponse response, Object handler, Exception exception) {
        if (!(exception instanceof MultipartException) || response.isCommitted()) {
            return null;
        }
        BodyField.Unreadable reason = exception instanceof MaxUploadSizeExceededException
                ? BodyField.Unreadable.TOO_LARGE
                : BodyField.Unreadable.MALFORMED;
        try {
            BodyProblem.write(response, reason, request.getRequestURI());
        } catch (IOException clientGone) {
            log.debug("Could not answer a malformed multipart body: {}", clientGone.getMessage());
        }
        log.debug(
                "Answered {} for a multipart body Spring could not parse: {}", reason.status(), exception.getMessage());
        return new ModelAndView();
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
