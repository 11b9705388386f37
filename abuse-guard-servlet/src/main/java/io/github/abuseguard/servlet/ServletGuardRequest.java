package io.github.abuseguard.servlet;

import io.github.abuseguard.ClientIdentity;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.RequestBody;
import io.github.abuseguard.RouteTable;
import io.github.abuseguard.identity.ClientResolver;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/**
 * A servlet request seen as a {@link GuardRequest}. Nothing is copied up front: headers are read from
 * the servlet request when asked, the client is resolved once, and the body is captured only when a
 * guard asks for it, up to the configured cap. Not thread-safe: it lives for one request.
 */
final class ServletGuardRequest implements GuardRequest {
    private final HttpServletRequest request;
    private final ClientResolver clientResolver;
    private final RouteTable routes;
    private final int maxBodyBytes;
    private String path;
    private String route;
    private boolean routeResolved;
    private ClientIdentity client;
    private RequestBody body;
    private CachedBodyRequest cachedBody;

    ServletGuardRequest(
            HttpServletRequest request, ClientResolver clientResolver, RouteTable routes, int maxBodyBytes) {
        this.request = request;
        this.clientResolver = clientResolver;
        this.routes = routes;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** The request the application must receive: the original, or a wrapper replaying the captured body. */
    HttpServletRequest downstream() {
        return cachedBody != null ? cachedBody : request;
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String path() {
        if (path == null) {
            String servletPath = request.getServletPath();
            String pathInfo = request.getPathInfo();
            String joined = pathInfo == null ? servletPath : servletPath + pathInfo;
            path = joined == null || joined.isEmpty() ? "/" : joined;
        }
        return path;
    }

    @Override
    public String route() {
        if (!routeResolved) {
            route = routes.resolve(path());
            routeResolved = true;
        }
        return route;
    }

    @Override
    public String targetOrigin() {
        String scheme = request.getScheme();
        int port = request.getServerPort();
        boolean defaultPort = port <= 0
                || ("http".equalsIgnoreCase(scheme) && port == 80)
                || ("https".equalsIgnoreCase(scheme) && port == 443);
        String origin = scheme + "://" + request.getServerName();
        return defaultPort ? origin : origin + ":" + port;
    }

    @Override
    public String header(String name) {
        return request.getHeader(name);
    }

    @Override
    public List<String> headers(String name) {
        Enumeration<String> values = request.getHeaders(name);
        if (values == null || !values.hasMoreElements()) {
            return List.of();
        }
        List<String> list = new ArrayList<>(2);
        while (values.hasMoreElements()) {
            list.add(values.nextElement());
        }
        return list;
    }

    /** Read from the query string itself: {@code getParameter} would make the container consume a form body. */
    @Override
    public String queryParameter(String name) {
        String query = request.getQueryString();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            try {
                if (URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
                    return equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                }
            } catch (IllegalArgumentException badEncoding) {
                // skip the pair
            }
        }
        return null;
    }

    @Override
    public ClientIdentity client() {
        if (client == null) {
            client = clientResolver.resolve(request.getRemoteAddr(), this::headers);
        }
        return client;
    }

    @Override
    public String sessionId() {
        return request.getRequestedSessionId();
    }

    @Override
    public String principal() {
        Principal principal = request.getUserPrincipal();
        return principal == null ? null : principal.getName();
    }

    @Override
    public RequestBody body() {
        if (body == null) {
            body = capture();
        }
        return body;
    }

    private RequestBody capture() {
        long declared = request.getContentLengthLong();
        String contentType = request.getContentType();
        if (maxBodyBytes == 0 || declared == 0) {
            return RequestBody.empty();
        }
        if (contentType != null && contentType.regionMatches(true, 0, "multipart/", 0, 10)) {
            // The container parses parts from its own stream; guards do not read multipart bodies.
            return RequestBody.of(new byte[0], 0, false, contentType);
        }
        int cap = declared > 0 ? (int) Math.min(maxBodyBytes, declared) : maxBodyBytes;
        byte[] buffer = new byte[cap];
        int length = 0;
        boolean complete = false;
        IOException failure = null;
        try {
            ServletInputStream in = request.getInputStream();
            while (length < cap) {
                int read = in.read(buffer, length, cap - length);
                if (read == -1) {
                    complete = true;
                    break;
                }
                length += read;
            }
            if (!complete && declared >= 0 && length == declared) {
                complete = true;
            }
        } catch (IOException e) {
            failure = e;
        } catch (IllegalStateException readerInUse) {
            return RequestBody.empty();
        }
        if (length > 0 || failure != null) {
            // Nothing read means an earlier filter consumed the body: the application keeps its view of it.
            cachedBody = new CachedBodyRequest(request, buffer, length, failure);
        }
        return RequestBody.of(buffer, length, complete, contentType);
    }
}
