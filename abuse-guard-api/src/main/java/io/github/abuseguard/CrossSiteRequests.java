package io.github.abuseguard;

import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What the engine does with requests another site's page makes a visitor's browser send to a route some
 * rule watches: an {@code <img>}, a {@code no-cors} or CORS {@code fetch}, a framed page. They come from
 * the visitor's address, so a guard that counted them would let any web page spend its visitors' limits,
 * ban their addresses (behind a carrier's NAT, thousands of users) and put routes under attack at no cost
 * (an attack probe locked visitors out of every counted route of the demo with a dozen images each).
 *
 * <p>By default such a request is refused with 403 (reason {@code cross-site-request}) before any guard
 * sees it, so nothing is charged, counted or learned from it: after the Fetch Metadata resource isolation
 * policy, a request is cross-site when {@code Sec-Fetch-Site} is {@code cross-site}, which browsers send
 * and no page can change. Top-level navigations pass ({@code Sec-Fetch-Mode: navigate} with
 * {@code Sec-Fetch-Dest: document}, or no destination): a link to your site, or a single sign-on
 * provider's form post, is what its user did. So do requests whose {@code Origin} is one you allow (a
 * partner calling your API with CORS, a payment provider posting into a frame). A client that is no browser
 * gains nothing by claiming to be cross-site: it is refused.
 */
public final class CrossSiteRequests {

    /** The guard name refusals carry. */
    public static final String NAME = "cross-site";

    private static final Decision REFUSAL = Decision.deny(Action.REJECT)
            .guard(NAME)
            .reason("cross-site-request")
            .status(403)
            .detail("Requests made by another site's page are not accepted here.")
            .responseHeaders(Map.of("Vary", "Origin, Sec-Fetch-Site, Sec-Fetch-Mode, Sec-Fetch-Dest"))
            .build();

    private static final CrossSiteRequests ALLOWED = new CrossSiteRequests(null, false);
    private static final CrossSiteRequests REFUSED = new CrossSiteRequests(origin -> false, false);

    /** Origins whose requests pass; {@code null} when every cross-site request does. */
    private final Predicate<String> allowedOrigins;

    /** Whether refusals are only reported ({@code would-deny}) and the request goes on to the guards. */
    private final boolean monitored;

    private CrossSiteRequests(Predicate<String> allowedOrigins, boolean monitored) {
        this.allowedOrigins = allowedOrigins;
        this.monitored = monitored;
    }

    /** Cross-site requests are refused unless they are top-level navigations: the default. */
    public static CrossSiteRequests refused() {
        return REFUSED;
    }

    /**
     * Cross-site requests are refused unless they are top-level navigations or {@code allowedOrigin}
     * accepts their {@code Origin} header's value (trimmed).
     */
    public static CrossSiteRequests refusedUnlessFrom(Predicate<String> allowedOrigin) {
        return new CrossSiteRequests(Objects.requireNonNull(allowedOrigin, "allowedOrigin"), false);
    }

    /**
     * This policy in monitor mode: a request it would refuse is reported to listeners as
     * {@code would-deny} and goes on to the guards, which count it, so you can see what enforcing would
     * refuse (hot-linked files under a {@code /**} rule, a CORS partner not yet listed) first.
     */
    public CrossSiteRequests monitored() {
        return allowedOrigins == null ? this : new CrossSiteRequests(allowedOrigins, true);
    }

    /** Whether refusals are only reported. */
    boolean isMonitored() {
        return monitored;
    }

    /** Cross-site requests are checked and counted like any other (as before this policy). */
    public static CrossSiteRequests allowed() {
        return ALLOWED;
    }

    /** The refusal every refused request gets. */
    static Decision refusal() {
        return REFUSAL;
    }

    /** Whether {@code request} is a cross-site request this policy refuses. */
    boolean refuses(GuardRequest request) {
        if (allowedOrigins == null) {
            return false;
        }
        String site = request.header("Sec-Fetch-Site");
        if (site == null || !site.trim().equalsIgnoreCase("cross-site")) {
            return false;
        }
        String mode = request.header("Sec-Fetch-Mode");
        if (mode != null && mode.trim().equalsIgnoreCase("navigate")) {
            String destination = request.header("Sec-Fetch-Dest");
            if (destination == null || destination.trim().equalsIgnoreCase("document")) {
                return false;
            }
        }
        String origin = request.header("Origin");
        return origin == null || !allowedOrigins.test(origin.trim());
    }
}
