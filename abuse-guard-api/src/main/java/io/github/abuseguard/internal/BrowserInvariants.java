package io.github.abuseguard.internal;

import io.github.abuseguard.GuardRequest;

/**
 * What every current browser does, so that a request claiming to be a browser and not doing it is a
 * forged one: a copied user agent and Fetch Metadata over a client library that does not know the rest.
 *
 * <p>A request claims a browser when its user agent starts with {@code Mozilla/} (every browser's does)
 * or it carries Fetch Metadata ({@code Sec-Fetch-Mode} or {@code Sec-Fetch-Site}, which only browsers
 * send). The invariants, from the Fetch Standard's "append a request {@code Origin} header" (Chrome,
 * Edge since 79, Safari, Firefox since 70; the retired EdgeHTML Edge and older Firefox left it out of a
 * POST, but sent no Fetch Metadata either, so they break these only by their user agent):
 * <ul>
 *   <li>a request whose method is neither GET nor HEAD carries {@code Origin} (its value may be
 *       {@code null}, under a strict referrer policy, but the header is there);
 *   <li>a CORS request to another origin ({@code Sec-Fetch-Mode: cors} with {@code Sec-Fetch-Site}
 *       {@code same-site} or {@code cross-site}) carries {@code Origin}, whatever its method.
 * </ul>
 * A same-origin GET or HEAD carries no {@code Origin} and breaks nothing. A client that does not claim
 * a browser is not {@linkplain #credible credible} as one either: native apps and integrations are told
 * apart by an app header instead.
 *
 * <p>Two guards ask: the failure guard, while a route is under attack, whether a client is credible as
 * a browser; the origin guard whether a {@code Sec-Fetch-Site} without {@code Origin} may vouch for a
 * request (not on a method a browser sends {@code Origin} with).
 */
public final class BrowserInvariants {

    private static final String BROWSER_AGENT_PREFIX = "Mozilla/";

    private BrowserInvariants() {}

    /**
     * Whether the request shows what a browser sends: a {@code Mozilla/} user agent, an
     * {@code Accept-Language}, and the {@code Origin} the invariants ask for. A client that claims no
     * browser (a made-up or an app's own user agent) shows none of it, whatever else it sends: while a
     * route is under attack only an app header, which the operator names, vouches for it.
     */
    public static boolean credible(GuardRequest request) {
        return claimsBrowserAgent(request.header("User-Agent"))
                && request.header("Accept-Language") != null
                && !broken(request);
    }

    /** Whether the request claims to be a browser and lacks the {@code Origin} a browser would send. */
    public static boolean broken(GuardRequest request) {
        if (request.header("Origin") != null) {
            return false;
        }
        String mode = request.header("Sec-Fetch-Mode");
        String site = request.header("Sec-Fetch-Site");
        String method = request.method();
        boolean unsafe = !"GET".equals(method) && !"HEAD".equals(method);
        if (unsafe) {
            return mode != null || site != null || claimsBrowserAgent(request.header("User-Agent"));
        }
        return "cors".equalsIgnoreCase(mode)
                && ("cross-site".equalsIgnoreCase(site) || "same-site".equalsIgnoreCase(site));
    }

    private static boolean claimsBrowserAgent(String agent) {
        return agent != null && agent.regionMatches(true, 0, BROWSER_AGENT_PREFIX, 0, BROWSER_AGENT_PREFIX.length());
    }
}
