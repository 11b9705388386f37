package io.github.abuseguard.spring;

import io.github.abuseguard.BodyField;
import io.github.abuseguard.servlet.BodySettings;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageNotReadableException;

/**
 * Stands just before Spring's {@code FormContentFilter}, which reads a PUT, PATCH or DELETE form whole into
 * memory before any guard or controller runs, and answers what that filter would otherwise turn into a heap
 * spent or a {@code 500}:
 *
 * <ul>
 *   <li>a form longer than {@link BodySettings#MAX_FORM_BYTES} (the bound containers put on POST forms) is
 *       refused with {@code 413} problem+json, {@code unreadable-body:too-large}: before a byte is read when
 *       its {@code Content-Length} says so, else (chunked) as soon as the reading passes the bound;
 *   <li>a form that filter cannot decode (a bad {@code %}-escape) throws
 *       {@link HttpMessageNotReadableException}, which no {@code @ExceptionHandler} can see; inside the
 *       {@code DispatcherServlet} Spring MVC answers it with {@code 400} itself, so one that reaches this
 *       filter was thrown by a filter that read the body: {@code 400} problem+json,
 *       {@code unreadable-body:malformed}.
 * </ul>
 *
 * A response already committed is left as it is. Other requests pass untouched.
 */
final class UndecodableFormFilter implements Filter {
    private static final Logger log = LoggerFactory.getLogger(UndecodableFormFilter.class);

    /** The methods whose forms {@code FormContentFilter} parses; it compares them case-sensitively too. */
    private static final Set<String> PARSED_METHODS = Set.of("PUT", "PATCH", "DELETE");

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest http) || !(response instanceof HttpServletResponse answer)) {
            chain.doFilter(request, response);
            return;
        }
        HttpServletRequest passed = http;
        if (isParsedBySpring(http)) {
            if (http.getContentLengthLong() > BodySettings.MAX_FORM_BYTES) {
                log.debug("Answered 413 for a {} form declared longer than the form bound", http.getMethod());
                BodyProblem.write(answer, BodyField.Unreadable.TOO_LARGE, http.getRequestURI());
                return;
            }
            passed = new BoundedFormRequest(http);
        }
        try {
            chain.doFilter(passed, response);
        } catch (HttpMessageNotReadableException unreadable) {
            if (answer.isCommitted()) {
                throw unreadable;
            }
            log.debug("Answered 400 for a body a filter could not read: {}", unreadable.getMessage());
            BodyProblem.write(answer, BodyField.Unreadable.MALFORMED, http.getRequestURI());
        } catch (FormTooLarge tooLarge) {
            if (answer.isCommitted()) {
                throw tooLarge;
            }
            log.debug("Answered 413 for a {} form that grew past the form bound", http.getMethod());
            BodyProblem.write(answer, BodyField.Unreadable.TOO_LARGE, http.getRequestURI());
        }
    }

    /** As {@code FormContentFilter.shouldParse} decides: a PUT, PATCH or DELETE whose type is a form. */
    private static boolean isParsedBySpring(HttpServletRequest request) {
        // The method first: Tomcat finds an absent Content-Type by a pass over the request's header lines on
        // every call, a cost each GET would pay here for nothing.
        if (!PARSED_METHODS.contains(request.getMethod())) {
            return false;
        }
        String contentType = request.getContentType();
        if (contentType == null || contentType.isEmpty()) {
            return false;
        }
        try {
            return MediaType.APPLICATION_FORM_URLENCODED.includes(MediaType.parseMediaType(contentType));
        } catch (IllegalArgumentException unparseable) {
            return false; // FormContentFilter leaves it alone too
        }
    }

    /** Thrown by the bounded stream once a form passes the bound; the filter answers it with {@code 413}. */
    static final class FormTooLarge extends IOException {
        FormTooLarge() {
            super("The form body is longer than " + BodySettings.MAX_FORM_BYTES + " bytes");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // an expected refusal, answered by the filter: no stack to record
        }
    }

    /** The request whose body stream ends in {@link FormTooLarge} once more than the form bound is read. */
    private static final class BoundedFormRequest extends HttpServletRequestWrapper {
        private BoundedStream stream;

        BoundedFormRequest(HttpServletRequest request) {
            super(request);
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new BoundedStream(super.getInputStream());
            }
            return stream;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            String encoding = getCharacterEncoding();
            Charset charset;
            try {
                charset = encoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encoding.trim());
            } catch (IllegalArgumentException unknown) {
                throw new UnsupportedEncodingException(encoding);
            }
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }
    }

    private static final class BoundedStream extends ServletInputStream {
        private final ServletInputStream original;
        private long read;

        BoundedStream(ServletInputStream original) {
            this.original = original;
        }

        @Override
        public int read() throws IOException {
            int b = original.read();
            if (b != -1) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] target, int offset, int count) throws IOException {
            int n = original.read(target, offset, count);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        private void counted(int n) throws FormTooLarge {
            read += n;
            if (read > BodySettings.MAX_FORM_BYTES) {
                throw new FormTooLarge();
            }
        }

        @Override
        public boolean isFinished() {
            return original.isFinished();
        }

        @Override
        public boolean isReady() {
            return original.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            original.setReadListener(listener);
        }
    }
}
