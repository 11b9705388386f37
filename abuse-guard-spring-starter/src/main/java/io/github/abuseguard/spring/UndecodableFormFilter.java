package io.github.abuseguard.spring;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.converter.HttpMessageNotReadableException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Answers {@code 400} with an {@code application/problem+json} body, instead of the container's
 * {@code 500}, when a request body cannot be read by a filter: Spring's {@code FormContentFilter} parses a
 * PUT, PATCH or DELETE form before any controller and throws {@link HttpMessageNotReadableException} for a
 * malformed one (a bad {@code %}-escape), which no {@code @ExceptionHandler} can see. Registered just before
 * that filter. Inside the {@code DispatcherServlet} Spring MVC answers the same exception with {@code 400}
 * itself, so one that reaches this filter was thrown by a filter that read the body: the client's fault
 * either way. A response already committed is left as it is.
 */
final class UndecodableFormFilter implements Filter {
    private static final Logger log = LoggerFactory.getLogger(UndecodableFormFilter.class);
    private static final JsonFactory JSON = new JsonFactory();

    /** The reason code, as the guards name an unreadable body. */
    static final String REASON = "unreadable-body:malformed";

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        try {
            chain.doFilter(request, response);
        } catch (HttpMessageNotReadableException unreadable) {
            if (response.isCommitted()
                    || !(request instanceof HttpServletRequest http)
                    || !(response instanceof HttpServletResponse answer)) {
                throw unreadable;
            }
            log.debug("Answered 400 for a body a filter could not read: {}", unreadable.getMessage());
            answer.resetBuffer();
            answer.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            answer.setHeader("Cache-Control", "no-store");
            byte[] body = problem(http.getRequestURI());
            answer.setContentType("application/problem+json");
            answer.setContentLength(body.length);
            answer.getOutputStream().write(body);
        }
    }

    private static byte[] problem(String instance) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(200);
        try (JsonGenerator json = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
            json.writeStartObject();
            json.writeStringProperty("type", "about:blank");
            json.writeStringProperty("title", "Bad Request");
            json.writeNumberProperty("status", HttpServletResponse.SC_BAD_REQUEST);
            json.writeStringProperty("detail", "The request body is not well-formed.");
            if (instance != null) {
                json.writeStringProperty("instance", instance);
            }
            json.writeStringProperty("reason", REASON);
            json.writeEndObject();
        }
        return out.toByteArray();
    }
}
