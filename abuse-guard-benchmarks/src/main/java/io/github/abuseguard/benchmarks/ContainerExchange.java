package io.github.abuseguard.benchmarks;

import jakarta.servlet.http.HttpServletResponseWrapper;
import java.util.Collections;
import java.util.Enumeration;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * A request and a response that answer the calls of the filter's allow path the way a servlet container
 * does, and not the way Spring's mocks do. The mocks keep headers in a case-insensitive map that lower-
 * cases the name on every look-up, and a response header costs a list, a holder and map nodes; together
 * that is about 600 bytes and hundreds of nanoseconds per request that no container spends (Tomcat's
 * {@code MimeHeaders} and Jetty's {@code HttpFields} compare names in place and reuse their header
 * slots), which would hide what the library itself costs. Here a header look-up walks a fixed array,
 * and setting a response header overwrites a slot. Everything else is the mock's.
 *
 * <p>Like the containers, {@code getHeaderNames()} returns a new enumeration per call. Not thread-safe:
 * one per benchmark thread.
 */
final class ContainerExchange {
    private ContainerExchange() {}

    /** A browser's {@code GET} of {@code path} from {@code 203.0.113.7}. */
    static Request browserGet(String path) {
        return new Request(
                "GET",
                path,
                "203.0.113.7",
                new String[] {"User-Agent", "Accept", "Accept-Language", "Sec-Fetch-Site"},
                new String[] {
                    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
                    "application/json",
                    "en-GB,en;q=0.8",
                    "same-origin"
                });
    }

    /**
     * A request whose headers are fixed arrays, looked up without allocating. It is the container's request
     * itself, not a wrapper: the filter reads headers and the address from the request under any wrappers
     * (a wrapper's headers would be unseen, and the browser's request taken for one without a user agent).
     */
    static final class Request extends MockHttpServletRequest {
        private final String[] names;
        private final String[] values;
        private final String method;
        private final String servletPath;
        private final String remoteAddr;

        Request(String method, String path, String remoteAddr, String[] names, String[] values) {
            super(method, path);
            this.names = names.clone();
            this.values = values.clone();
            this.method = method;
            this.servletPath = path;
            this.remoteAddr = remoteAddr;
        }

        @Override
        public String getMethod() {
            return method;
        }

        @Override
        public String getServletPath() {
            return servletPath;
        }

        @Override
        public String getPathInfo() {
            return null;
        }

        @Override
        public String getRemoteAddr() {
            return remoteAddr;
        }

        @Override
        public String getHeader(String name) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equalsIgnoreCase(name)) {
                    return values[i];
                }
            }
            return null;
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            return new Enumeration<>() {
                private int next;

                @Override
                public boolean hasMoreElements() {
                    return next < names.length;
                }

                @Override
                public String nextElement() {
                    return names[next++];
                }
            };
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            String value = getHeader(name);
            return value == null ? Collections.emptyEnumeration() : Collections.enumeration(java.util.List.of(value));
        }

        @Override
        public String getRequestedSessionId() {
            return null;
        }

        @Override
        public java.security.Principal getUserPrincipal() {
            return null;
        }
    }

    /** A response whose headers live in a fixed number of reused slots, as a container's do. */
    static final class Response extends HttpServletResponseWrapper {
        static final int SLOTS = 16;
        private final String[] names = new String[SLOTS];
        private final String[] values = new String[SLOTS];
        private int size;
        private int status = 200;

        Response() {
            super(new MockHttpServletResponse());
        }

        /** Forgets the headers and status of the previous exchange, as a container recycles a response. */
        @Override
        public void reset() {
            size = 0;
            status = 200;
        }

        @Override
        public void setHeader(String name, String value) {
            for (int i = 0; i < size; i++) {
                if (names[i].equalsIgnoreCase(name)) {
                    values[i] = value;
                    return;
                }
            }
            addHeader(name, value);
        }

        @Override
        public void addHeader(String name, String value) {
            if (size == SLOTS) {
                throw new IllegalStateException("more than " + SLOTS + " response headers");
            }
            names[size] = name;
            values[size] = value;
            size++;
        }

        @Override
        public String getHeader(String name) {
            for (int i = 0; i < size; i++) {
                if (names[i].equalsIgnoreCase(name)) {
                    return values[i];
                }
            }
            return null;
        }

        @Override
        public void setStatus(int status) {
            this.status = status;
        }

        @Override
        public int getStatus() {
            return status;
        }
    }
}
