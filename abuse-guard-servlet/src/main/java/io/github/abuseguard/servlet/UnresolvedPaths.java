package io.github.abuseguard.servlet;

import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import org.jspecify.annotations.Nullable;

/**
 * A request path that the container resolves before the guards read it while Spring MVC matches it as sent, so
 * that the rules of the route the guards see (an exemption, a required step, a proof, a limit) would not be
 * those of the handler the application runs:
 *
 * <ul>
 *   <li>a {@code .} or {@code ..} segment, written out ({@code /a/../b}) or encoded ({@code /a/%2e%2e/b},
 *       {@code /a/.%2E;x/b}): the guards read {@code /b}, Spring MVC matches {@code ..} as the value of {@code
 *       /a/{id}/b} (probe45a F3);
 *   <li>an empty segment ({@code /a//b}, or {@code /a/;x/b} once its path parameters are dropped): Tomcat merges
 *       it, so the guards read {@code /a/b} (an exempt route), while Spring MVC serves it with {@code /a/**}
 *       (review46 F2). A trailing slash is not one: the guards match it strictly where it matters (an exemption).
 * </ul>
 *
 * No browser or HTTP library sends the first, and only a URL joined wrongly the second; both are refused
 * {@code 400}, as Spring Security's firewall refuses them.
 */
final class UnresolvedPaths {

    static final Decision DOT_SEGMENT =
            refusal("dot-segment", "The path has a '.' or '..' segment; send the path it stands for.");

    static final Decision EMPTY_SEGMENT =
            refusal("empty-segment", "The path has an empty segment ('//'); send it without.");

    private UnresolvedPaths() {}

    private static Decision refusal(String reason, String detail) {
        return Decision.deny(Action.REJECT)
                .guard("filter")
                .reason(reason)
                .status(400)
                .detail(detail)
                .build();
    }

    /**
     * The refusal of a request URI as sent ({@link #DOT_SEGMENT}, {@link #EMPTY_SEGMENT}), or {@code null} when the
     * guards and the application read its path alike.
     */
    static @Nullable Decision refusal(@Nullable String requestUri) {
        if (requestUri == null) {
            return null;
        }
        int length = requestUri.length();
        int start = requestUri.startsWith("/") ? 1 : 0; // the path's root is no empty segment
        while (start <= length) {
            int end = requestUri.indexOf('/', start);
            if (end < 0) {
                return isDots(requestUri, start, length)
                        ? DOT_SEGMENT
                        : null; // the last may be empty: a trailing slash
            }
            if (isDots(requestUri, start, end)) {
                return DOT_SEGMENT;
            }
            if (start == end || requestUri.charAt(start) == ';') {
                return EMPTY_SEGMENT;
            }
            start = end + 1;
        }
        return null;
    }

    /**
     * Whether the container's decoding of {@code requestUri} can make a separator of what the URI shows as part of a
     * segment (an encoded character, or a backslash Tomcat may read as a slash): only then can the decoded path hold a
     * segment the URI's own check did not see, so that no other request pays a second scan.
     */
    static boolean mayDecodeToSeparator(@Nullable String requestUri) {
        return requestUri != null && (requestUri.indexOf('%') >= 0 || requestUri.indexOf('\\') >= 0);
    }

    /**
     * The refusal of a path as the container decoded it (servlet path and path info), or {@code null}: a container that
     * decodes an encoded slash ({@code %2F}: Jetty's {@code UriCompliance.LEGACY} with ambiguous URIs decoded, Tomcat's
     * {@code encodedSolidusHandling="decode"}) makes a {@code ..} or an empty segment of what the request URI shows as one
     * segment, {@code /api/x/..%2Flogin}, which an application resolving its own path serves as {@code /api/login}
     * while the guards match it as written (probe85b F1: 6 of 6 such logins passed its limit). A {@code .} or {@code ..}
     * segment, or an empty one before the last, is refused as in the request URI.
     */
    static @Nullable Decision refusalOfDecoded(String path) {
        int length = path.length();
        int start = path.startsWith("/") ? 1 : 0;
        while (start < length) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = length;
            }
            int size = end - start;
            if (size == 0 && end < length) {
                return EMPTY_SEGMENT;
            }
            if ((size == 1 || size == 2) && path.charAt(start) == '.' && path.charAt(end - 1) == '.') {
                return DOT_SEGMENT;
            }
            start = end + 1;
        }
        return null;
    }

    /** Whether the segment, up to its path parameters ({@code ;...}), is one or two dots, each sent or encoded. */
    private static boolean isDots(String uri, int from, int to) {
        int dots = 0;
        int i = from;
        while (i < to && uri.charAt(i) != ';') {
            if (uri.charAt(i) == '.') {
                i++;
            } else if (i + 2 < to
                    && uri.charAt(i) == '%'
                    && uri.charAt(i + 1) == '2'
                    && (uri.charAt(i + 2) == 'e' || uri.charAt(i + 2) == 'E')) {
                i += 3;
            } else {
                return false;
            }
            dots++;
        }
        return dots == 1 || dots == 2;
    }
}
