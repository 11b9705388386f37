package io.github.abuseguard.servlet;

import io.github.abuseguard.internal.ContentType;
import io.github.abuseguard.internal.FormFields;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A request whose first body bytes a guard has read. The application gets them back, followed by the
 * rest of the original stream, so it receives every byte unchanged. A read error met while capturing
 * is handed to the application when it reaches that point of the stream.
 *
 * <p>The container parses form parameters from its own stream, which no longer starts at the
 * beginning, so for URL-encoded forms this wrapper parses the parameters itself, from the query
 * string and the whole body (read up to {@link BodySettings#MAX_FORM_BYTES}, as a container would).
 * The body's fields become the application's parameters only for the methods containers parse a form
 * body of: POST (Tomcat, Jetty) and PUT (Jetty). A guard judges them whatever the method
 * ({@link #formValues}): a form parser after this filter, such as Spring's {@code FormContentFilter}
 * for PUT, PATCH and DELETE, binds them too.
 */
final class CachedBodyRequest extends WrappingRequest {

    private byte[] buffer;
    private int length;
    private final IOException captureFailure;
    private ReplayInputStream stream;
    private BufferedReader reader;
    private Map<String, String[]> parameters;
    /** The form's fields in the query string and the body: the parameters of a POST or PUT. */
    private Map<String, String[]> formFields;

    CachedBodyRequest(HttpServletRequest request, byte[] buffer, int length, IOException captureFailure) {
        super(request);
        this.buffer = buffer;
        this.length = length;
        this.captureFailure = captureFailure;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        if (reader != null) {
            throw new IllegalStateException("getReader() has already been called for this request");
        }
        return stream();
    }

    @Override
    public BufferedReader getReader() throws IOException {
        if (reader == null) {
            if (stream != null && stream.used) {
                throw new IllegalStateException("getInputStream() has already been called for this request");
            }
            reader = new BufferedReader(new InputStreamReader(stream(), readerCharset()));
        }
        return reader;
    }

    private ReplayInputStream stream() throws IOException {
        if (stream == null) {
            stream = new ReplayInputStream(super.getInputStream());
        }
        stream.used = true;
        return stream;
    }

    /** The reader decodes as the parameters are decoded: see {@link #requestCharset(HttpServletRequest)}. */
    private Charset charset() throws UnsupportedEncodingException {
        Charset charset = requestCharset(this);
        if (charset == null) {
            throw new UnsupportedEncodingException(String.valueOf(getHeader("Content-Type")));
        }
        return charset;
    }

    /**
     * The charset the reader decodes in, as the container's own reader would: the request's encoding, else the
     * application's default request encoding ({@code request-character-encoding}), else ISO-8859-1, the Servlet
     * default (probe46b F4: {@code café} in a {@code text/plain} body without a charset reached a plain Jetty
     * application as {@code cafÃ©} on an unguarded route and as {@code café} on a guarded one). Spring Boot sets
     * the request's encoding before any guard.
     */
    private Charset readerCharset() throws UnsupportedEncodingException {
        Charset charset = charset();
        if (getCharacterEncoding() != null) {
            return charset;
        }
        ServletContext context = getServletContext();
        try {
            Charset byDefault = applicationDefault(context);
            return byDefault == null ? StandardCharsets.ISO_8859_1 : byDefault;
        } catch (IllegalArgumentException unknownOrIllegal) {
            throw new UnsupportedEncodingException(unknownOrIllegal.getMessage());
        }
    }

    /**
     * The application's default request encoding ({@code request-character-encoding}), {@code null} when it sets
     * none.
     *
     * @throws IllegalArgumentException when it names a charset this JVM does not know
     */
    private static @Nullable Charset applicationDefault(@Nullable ServletContext context) {
        String byDefault = context == null ? null : context.getRequestCharacterEncoding();
        return byDefault == null ? null : Charset.forName(byDefault.trim());
    }

    private boolean isForm() {
        return ContentType.parse(ServletGuardRequest.contentType(this)).isForm();
    }

    @Override
    public String getParameter(String name) {
        String[] values = parameters().get(name);
        return values == null ? null : values[0];
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        return parameters();
    }

    @Override
    public Enumeration<String> getParameterNames() {
        return Collections.enumeration(parameters().keySet());
    }

    @Override
    public String[] getParameterValues(String name) {
        String[] values = parameters().get(name);
        return values == null ? null : values.clone();
    }

    private Map<String, String[]> parameters() {
        if (parameters != null) {
            return parameters;
        }
        if (!isForm()) {
            parameters = super.getParameterMap();
        } else if (bodyFieldsAreParameters(getMethod())) {
            parameters = formFields();
        } else {
            parameters = parse(false);
        }
        return parameters;
    }

    /**
     * The values of a form field in the query string and the body, whatever the method: what a guard
     * judges. {@code null} when there are none.
     */
    String[] formValues(String name) {
        Map<String, String[]> fields = formFields();
        if (formMalformed) {
            // a pair this parser cannot decode may be one the application's decodes: Java's URLDecoder (JAX-RS's
            // @FormParam) reads any Unicode digit in an escape, so `email=x%４０mailinator.com` was a field the guard
            // skipped and the application bound (probe50b F2, as probe48c F2 on Spring's path)
            throw new IllegalArgumentException(
                    "a form pair has a bad % escape, or the form more names than containers take");
        }
        String[] values = fields.get(name);
        return values == null ? null : values.clone();
    }

    /**
     * Every form field in the query string and the body, whatever the method, by name: what a guard judges, as
     * {@link #formValues} does for one name.
     */
    Map<String, String[]> formFieldMap() {
        Map<String, String[]> fields = formFields();
        if (formMalformed) {
            throw new IllegalArgumentException(
                    "a form pair has a bad % escape, or the form more names than containers take");
        }
        return fields;
    }

    /** Whether a pair of the form's fields, in the query string or the body, had a bad {@code %} escape. */
    private boolean formMalformed;

    private Map<String, String[]> formFields() {
        if (formFields == null) {
            Map<String, List<String>> collected = new LinkedHashMap<>();
            formMalformed = !collect(true, collected);
            formFields = unmodifiable(collected);
        }
        return formFields;
    }

    /** Whether containers parse a form body of this method into parameters: POST, and PUT as Jetty does. */
    static boolean bodyFieldsAreParameters(String method) {
        return "POST".equals(method) || "PUT".equals(method);
    }

    private Map<String, String[]> parse(boolean withBody) {
        Map<String, List<String>> collected = new LinkedHashMap<>();
        collect(withBody, collected);
        return unmodifiable(collected);
    }

    /**
     * Collects the query string's pairs and, {@code withBody}, the body's, unless the body was read as a stream.
     *
     * @return whether every pair was well formed
     */
    private boolean collect(boolean withBody, Map<String, List<String>> collected) {
        Charset charset = requestCharset(this);
        if (charset == null) {
            charset = FormFields.DEFAULT_CHARSET;
        }
        // the query string in UTF-8, as Tomcat and Jetty decode it whatever the body's charset (probe47c F2)
        boolean wellFormed = FormFields.parse(getQueryString(), StandardCharsets.UTF_8, collected);
        if (withBody && (stream == null || !stream.used)) {
            byte[] whole = readWholeForm();
            wellFormed &=
                    FormFields.parse(whole, 0, Math.min(whole.length, BodySettings.MAX_FORM_BYTES), charset, collected);
        }
        return wellFormed;
    }

    private static Map<String, String[]> unmodifiable(Map<String, List<String>> collected) {
        Map<String, String[]> result = new LinkedHashMap<>();
        collected.forEach((key, values) -> result.put(key, values.toArray(String[]::new)));
        return Collections.unmodifiableMap(result);
    }

    /**
     * The charset a form body is decoded in: the request's character encoding (which an earlier filter,
     * such as Spring's {@code CharacterEncodingFilter}, may have set), else the container's ({@link
     * #formDefault}); {@code null} when the request names a charset this JVM does not know.
     */
    static @Nullable Charset requestCharset(HttpServletRequest request) {
        String name;
        try {
            name = request.getCharacterEncoding();
        } catch (IllegalArgumentException unknownToTheContainer) {
            return null; // Jetty throws for a charset it does not know
        }
        if (name == null) {
            return formDefault(request);
        }
        try {
            return Charset.forName(name.trim());
        } catch (IllegalArgumentException unknownOrIllegal) {
            return null;
        }
    }

    /**
     * The charset a container decodes a form body in when the request names none: the application's default
     * request encoding ({@code request-character-encoding}), else Jetty's UTF-8, else the Servlet default
     * ISO-8859-1 (Tomcat). probe47c F1: on plain Tomcat a guarded route handed the application {@code café} where
     * Tomcat gives {@code cafÃ©}, so turning a rule on changed the values a stored password was compared with.
     */
    private static @Nullable Charset formDefault(HttpServletRequest request) {
        ServletContext context = request.getServletContext();
        try {
            Charset byDefault = applicationDefault(context);
            if (byDefault != null) {
                return byDefault;
            }
        } catch (IllegalArgumentException unknownOrIllegal) {
            return null;
        }
        String server = context == null ? null : context.getServerInfo();
        return server != null && server.regionMatches(true, 0, "jetty", 0, 5)
                ? StandardCharsets.UTF_8
                : StandardCharsets.ISO_8859_1;
    }

    /** Reads the rest of the body behind the captured prefix, so the stream and the parameters see the same bytes. */
    private byte[] readWholeForm() {
        ByteArrayOutputStream whole = new ByteArrayOutputStream(Math.max(length, 256));
        whole.write(buffer, 0, length);
        if (captureFailure == null) {
            try {
                ServletInputStream original = super.getInputStream();
                byte[] chunk = new byte[8192];
                int read;
                while (whole.size() < BodySettings.MAX_FORM_BYTES && (read = original.read(chunk)) != -1) {
                    whole.write(chunk, 0, read);
                }
            } catch (IOException e) {
                // The parameters are those of the bytes that arrived; the stream reports the error.
            }
        }
        buffer = whole.toByteArray();
        length = buffer.length;
        return buffer;
    }

    /** The captured prefix, then the original stream. */
    private final class ReplayInputStream extends ServletInputStream {
        private final ServletInputStream original;
        private int position;
        private boolean used;

        ReplayInputStream(ServletInputStream original) {
            this.original = original;
        }

        @Override
        public int read() throws IOException {
            if (position < length) {
                return buffer[position++] & 0xff;
            }
            if (captureFailure != null) {
                throw captureFailure;
            }
            return original.read();
        }

        @Override
        public int read(byte[] target, int offset, int count) throws IOException {
            if (count == 0) {
                return 0;
            }
            if (position < length) {
                int n = Math.min(count, length - position);
                System.arraycopy(buffer, position, target, offset, n);
                position += n;
                return n;
            }
            if (captureFailure != null) {
                throw captureFailure;
            }
            return original.read(target, offset, count);
        }

        @Override
        public int available() throws IOException {
            return (length - position) + (position >= length ? original.available() : 0);
        }

        @Override
        public boolean isFinished() {
            return position >= length && (captureFailure != null || original.isFinished());
        }

        @Override
        public boolean isReady() {
            return position < length || original.isReady();
        }

        /**
         * The container calls the listener for its own stream, which the capture has read: when it read
         * the whole body, the container finds no data and calls {@code onAllDataRead} at once. So the
         * listener hears of the captured bytes first: {@code onDataAvailable} (this stream is ready while
         * they last) before the container's end of data, then {@code onAllDataRead}, or {@code onError}
         * with the error the capture met.
         */
        @Override
        public void setReadListener(ReadListener listener) {
            if (listener == null) {
                throw new NullPointerException("listener");
            }
            original.setReadListener(new ReadListener() {
                @Override
                public void onDataAvailable() throws IOException {
                    listener.onDataAvailable();
                }

                @Override
                public void onAllDataRead() throws IOException {
                    if (position < length) {
                        listener.onDataAvailable();
                    }
                    if (position < length) {
                        return; // the listener stopped while this stream was ready: nothing is called again
                    }
                    if (captureFailure != null) {
                        listener.onError(captureFailure);
                    } else {
                        listener.onAllDataRead();
                    }
                }

                @Override
                public void onError(Throwable failure) {
                    listener.onError(failure);
                }
            });
        }
    }
}
