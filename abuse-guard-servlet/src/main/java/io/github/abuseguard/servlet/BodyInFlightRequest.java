package io.github.abuseguard.servlet;

import io.github.abuseguard.internal.ContentType;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.Part;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.Collection;
import java.util.Enumeration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request the application gets while it holds its share of its client's bodies in flight ({@link
 * ServletGuardRequest#takeBodyShare}): the share is given back as soon as the body is in, when its stream or
 * reader is read to its end (or to as many bytes as its {@code Content-Length} says), or when the container
 * parsed it (a form's parameters, multipart parts). A client may so have many requests at work at once, but
 * only its share of them waiting for their bodies. What the application left unread when it answers is read
 * here on Tomcat, within the share, before the answer ends ({@link #readWhatIsLeft}), as Tomcat would read it
 * after the filters returned, outside any bound.
 */
final class BodyInFlightRequest extends HttpServletRequestWrapper {
    private static final Logger log = LoggerFactory.getLogger(BodyInFlightRequest.class);

    /**
     * The most bytes left unread that are read before the answer ends, as Tomcat's {@code maxSwallowSize} (2 MiB by
     * default) reads them; a longer rest is dropped and the connection closed, as Tomcat does past its bound.
     */
    static final long MAX_LEFT_READ = 2L * 1024 * 1024;

    private final ServletGuardRequest guarded;
    private final long declared;
    private @Nullable ServletInputStream stream;
    private @Nullable BufferedReader reader;

    BodyInFlightRequest(HttpServletRequest request, ServletGuardRequest guarded) {
        super(request);
        this.guarded = guarded;
        this.declared = request.getContentLengthLong();
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        if (stream == null) {
            stream = new Counted(super.getInputStream());
        }
        return stream;
    }

    @Override
    public BufferedReader getReader() throws IOException {
        if (reader == null) {
            reader = new BufferedReader(new EndSeen(super.getReader()));
        }
        return reader;
    }

    @Override
    public String getParameter(String name) {
        String value = super.getParameter(name);
        parsed();
        return value;
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        Map<String, String[]> map = super.getParameterMap();
        parsed();
        return map;
    }

    @Override
    public Enumeration<String> getParameterNames() {
        Enumeration<String> names = super.getParameterNames();
        parsed();
        return names;
    }

    @Override
    public String[] getParameterValues(String name) {
        String[] values = super.getParameterValues(name);
        parsed();
        return values;
    }

    @Override
    public Collection<Part> getParts() throws IOException, ServletException {
        Collection<Part> parts = super.getParts();
        guarded.giveBackBodyShare(); // parsed whole
        return parts;
    }

    @Override
    public Part getPart(String name) throws IOException, ServletException {
        Part part = super.getPart(name);
        guarded.giveBackBodyShare();
        return part;
    }

    /** A form's body is read whole by the container for its parameters; any other body is left as it is. */
    private void parsed() {
        if (guarded.holdsBodyShare() && ContentType.parse(getContentType()).isForm()) {
            guarded.giveBackBodyShare();
        }
    }

    /**
     * Reads what the application left of the body, within the request's share, up to {@link #MAX_LEFT_READ}
     * bytes; past that, or for a client that waits for {@code 100 Continue} before it sends its body (the
     * container would not ask for it), the container is told to drop the rest and close the connection.
     */
    void readWhatIsLeft(HttpServletRequest container) {
        if (!guarded.holdsBodyShare() || !TomcatUnreadBody.drainsUnreadBodies(container)) {
            return; // another container drops what is left without waiting for it
        }
        if (container.getHeader("Expect") != null) {
            TomcatUnreadBody.drop(container);
            return;
        }
        try {
            boolean ended = reader != null ? skipChars(reader) : skipBytes(getInputStream());
            if (!ended) {
                TomcatUnreadBody.drop(container);
            }
        } catch (IOException | IllegalStateException unread) {
            // the client went away or stalled past the connector's timeout, or the body was taken another way:
            // the container ends the exchange as it would have
            log.debug("The rest of a request's body could not be read: {}", unread.toString());
        }
    }

    private static boolean skipBytes(ServletInputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        long read = 0;
        while (read <= MAX_LEFT_READ) {
            int n = in.read(buffer);
            if (n < 0) {
                return true;
            }
            read += n;
        }
        return false;
    }

    private static boolean skipChars(Reader in) throws IOException {
        char[] buffer = new char[4096];
        long read = 0;
        while (read <= MAX_LEFT_READ) {
            int n = in.read(buffer);
            if (n < 0) {
                return true;
            }
            read += n;
        }
        return false;
    }

    /** The body's stream, which gives back the share once it ends or its declared length is read. */
    private final class Counted extends ServletInputStream {
        private final ServletInputStream in;
        private long count;

        Counted(ServletInputStream in) {
            this.in = in;
        }

        private void counted(int read) {
            if (read < 0) {
                guarded.giveBackBodyShare();
                return;
            }
            count += read;
            // a chunked body may be in before the reader asks for its end (a JSON parser stops at the value's)
            if (declared > 0 ? count >= declared : in.isFinished()) {
                guarded.giveBackBodyShare();
            }
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            counted(b < 0 ? -1 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n != 0) {
                counted(n);
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }

    /** The body's reader, which gives back the share once it ends. */
    private final class EndSeen extends Reader {
        private final Reader in;

        EndSeen(Reader in) {
            this.in = in;
        }

        @Override
        public int read(char[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n < 0) {
                guarded.giveBackBodyShare();
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
