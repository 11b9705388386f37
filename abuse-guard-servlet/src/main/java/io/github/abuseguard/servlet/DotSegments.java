package io.github.abuseguard.servlet;

import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;

/**
 * A request path with a {@code .} or {@code ..} segment as sent, written out ({@code /a/../b}) or encoded
 * ({@code /a/%2e%2e/b}, {@code /a/.%2E;x/b}): the container resolves it before the guards read the path
 * ({@code /b}), while Spring MVC matches the segment as sent, {@code ..} as the value of {@code /a/{id}/b}, so
 * the route's rules (a required step, a proof, a limit) would not apply to the request the application serves
 * (probe45a F3). No browser or HTTP library sends one (they resolve dot segments first), so such a request is
 * refused {@code 400}, as Spring Security's firewall refuses it.
 */
final class DotSegments {

    static final Decision REFUSAL = Decision.deny(Action.REJECT)
            .guard("filter")
            .reason("dot-segment")
            .status(400)
            .detail("The path has a '.' or '..' segment; send the path it stands for.")
            .build();

    private DotSegments() {}

    /** Whether the request URI, as sent, has a segment that is {@code .} or {@code ..}, encoded or not. */
    static boolean in(String requestUri) {
        if (requestUri == null || requestUri.indexOf('.') < 0 && requestUri.indexOf('%') < 0) {
            return false; // the common path: nothing to look at
        }
        int length = requestUri.length();
        int start = 0;
        while (start <= length) {
            int end = requestUri.indexOf('/', start);
            if (end < 0) {
                end = length;
            }
            if (isDots(requestUri, start, end)) {
                return true;
            }
            start = end + 1;
        }
        return false;
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
