package io.github.abuseguard;

import io.github.abuseguard.internal.SiteNames;
import io.github.abuseguard.internal.WebOrigin;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

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
 *
 * <p>A navigation that states a purpose is no user's doing: speculation rules on another site's page
 * ({@code <script type="speculationrules">}) make its visitors' browsers prefetch or prerender the URLs it
 * lists with the headers of a top-level navigation, without a click and showing nothing (probe16: twelve
 * such prefetches banned a visitor from the demo's gift cards). Browsers mark them with
 * {@code Sec-Purpose} (Fetch and the prefetch specification: the request "serves one or more purposes
 * other than requesting the resource for immediate use by the user"; {@code prefetch}, with parameters
 * such as {@code prerender} or {@code anonymous-client-ip}), which no page can set, and some also with
 * the older {@code Purpose: prefetch} (Chromium), {@code X-Moz: prefetch} (Firefox) or
 * {@code X-Purpose: preview} (WebKit), which no page can put on a navigation either. Such a cross-site
 * navigation is refused like the requests above (reason {@code cross-site-prefetch}). Nothing the user
 * wanted is lost: a browser keeps only a prefetch answered with a 2xx and otherwise navigates normally
 * when the user does click, which the specification names as the way for a server to refuse prefetches.
 * Your own pages' speculation rules ({@code Sec-Fetch-Site} {@code same-origin} or {@code same-site}) and
 * the browser's own, such as a prerender of a URL being typed ({@code none}), are not another site's and
 * pass as before.
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

    private static final Decision PREFETCH_REFUSAL = Decision.deny(Action.REJECT)
            .guard(NAME)
            .reason("cross-site-prefetch")
            .status(403)
            .detail("Pages another site's page makes a browser load ahead of a click are not served here.")
            .responseHeaders(Map.of(
                    "Vary",
                    "Origin, Sec-Fetch-Site, Sec-Fetch-Mode, Sec-Fetch-Dest, Sec-Purpose, Purpose, X-Moz, X-Purpose"))
            .build();

    private static final CrossSiteRequests ALLOWED = new CrossSiteRequests(null, false, null);
    private static final CrossSiteRequests REFUSED = new CrossSiteRequests(origin -> false, false, null);

    /** Origins whose requests pass; {@code null} when every cross-site request does. */
    private final Predicate<String> allowedOrigins;

    /** Whether refusals are only reported ({@code would-deny}) and the request goes on to the guards. */
    private final boolean monitored;

    /** The application's own origins, where they are named ({@code abuse-guard.origin.own-origins}); else {@code null}. */
    private final @Nullable Predicate<String> ownOrigins;

    private CrossSiteRequests(
            Predicate<String> allowedOrigins, boolean monitored, @Nullable Predicate<String> ownOrigins) {
        this.allowedOrigins = allowedOrigins;
        this.monitored = monitored;
        this.ownOrigins = ownOrigins;
    }

    /**
     * This policy with the application's own origins named: a same-origin request whose {@code Origin} is none of
     * them is refused as a proxied one ({@code proxied-cross-site-request}); without them the request's target is
     * the own origin, unless a trusted proxy forwarded it.
     */
    public CrossSiteRequests ownOrigins(Predicate<String> ownOrigins) {
        Objects.requireNonNull(ownOrigins, "ownOrigins");
        return allowedOrigins == null ? this : new CrossSiteRequests(allowedOrigins, monitored, ownOrigins);
    }

    /** Cross-site requests are refused unless they are top-level navigations their users made: the default. */
    public static CrossSiteRequests refused() {
        return REFUSED;
    }

    /**
     * Cross-site requests are refused unless they are top-level navigations their users made or
     * {@code allowedOrigin} accepts their {@code Origin} header's value (trimmed).
     */
    public static CrossSiteRequests refusedUnlessFrom(Predicate<String> allowedOrigin) {
        return new CrossSiteRequests(Objects.requireNonNull(allowedOrigin, "allowedOrigin"), false, null);
    }

    /**
     * This policy in monitor mode: a request it would refuse is reported to listeners as
     * {@code would-deny} and goes on to the guards, which count it, so you can see what enforcing would
     * refuse (hot-linked files under a {@code /**} rule, a CORS partner not yet listed) first.
     */
    public CrossSiteRequests monitored() {
        return allowedOrigins == null ? this : new CrossSiteRequests(allowedOrigins, true, ownOrigins);
    }

    /** Whether any request is refused (or, monitored, reported): all but {@link #allowed()}. */
    boolean checks() {
        return allowedOrigins != null;
    }

    /** Whether refusals are only reported. */
    boolean isMonitored() {
        return monitored;
    }

    /** Cross-site requests are checked and counted like any other (as before this policy). */
    public static CrossSiteRequests allowed() {
        return ALLOWED;
    }

    /**
     * The refusal of {@code request} when it is a cross-site request this policy refuses, else
     * {@code null}: {@code cross-site-prefetch} for a navigation made with a purpose, {@code
     * cross-site-request} for the rest.
     */
    @Nullable
    Decision refusalOf(GuardRequest request) {
        return refusalOf(request, false);
    }

    /**
     * {@link #refusalOf(GuardRequest)}, where {@code sameOriginOnly}: for an endpoint only the site's own pages call
     * (the browser proof's {@code POST}, which answers no CORS), a request without Fetch Metadata is judged as a
     * same-origin one, by its {@code Origin} or {@code Referer} (probe80b F1: browsers send no {@code Sec-Fetch-*}
     * to a plain-http page's relay, and a clone at {@code http://clone.example} relayed its visitors' proofs, earning
     * its own address their history), and an {@code Origin} of {@code null} is refused, as the site's own script never
     * sends one (review143 F4). Without either header (a native app's solver) it passes.
     */
    @Nullable
    Decision refusalOf(GuardRequest request, boolean sameOriginOnly) {
        if (allowedOrigins == null) {
            return null;
        }
        if (sameOriginOnly) {
            // the site's own script names its page's origin (referrerPolicy strict-origin): a null one is another
            // page's, posting with no-referrer through a relay (review143 F4)
            String origin = request.header("Origin");
            if (origin != null && origin.trim().equals("null")) {
                return PROXIED_REFUSAL;
            }
        }
        String site = request.header("Sec-Fetch-Site");
        if (site == null) {
            return sameOriginOnly ? proxiedRefusal(request, false) : null;
        }
        if (site.trim().equalsIgnoreCase("same-origin")) {
            return proxiedRefusal(request, false);
        }
        if (site.trim().equalsIgnoreCase("same-site")) {
            // a browser sends same-site only with an origin of the target's site (probe75a F1: a clone's page on
            // www.clone.example and its stock relay on api.clone.example passed with the clone's Origin); a link the
            // user followed from a sibling site is a navigation, which passes as a cross-site one does (review135 F2)
            return userNavigation(request) ? null : proxiedRefusal(request, true);
        }
        if (!site.trim().equalsIgnoreCase("cross-site")) {
            return null;
        }
        Decision refusal = REFUSAL;
        String mode = request.header("Sec-Fetch-Mode");
        if (mode != null && mode.trim().equalsIgnoreCase("navigate")) {
            String destination = request.header("Sec-Fetch-Dest");
            if (destination == null || destination.trim().equalsIgnoreCase("document")) {
                if (!speculative(request)) {
                    return null;
                }
                refusal = PREFETCH_REFUSAL;
            }
        }
        String origin = request.header("Origin");
        return origin == null || !allowedOrigins.test(origin.trim()) ? refusal : null;
    }

    /** Whether the request is a top-level navigation its user made: a document, not speculative. */
    private boolean userNavigation(GuardRequest request) {
        String mode = request.header("Sec-Fetch-Mode");
        if (mode == null || !mode.trim().equalsIgnoreCase("navigate")) {
            return false;
        }
        String destination = request.header("Sec-Fetch-Dest");
        return (destination == null || destination.trim().equalsIgnoreCase("document")) && !speculative(request);
    }

    /**
     * The refusal of a request a browser made from a page of another origin that came here through that origin's
     * proxy, else {@code null} (probe61a F1): a browser sends {@code Sec-Fetch-Site: same-origin} only with the
     * request's own origin in {@code Origin}, so a same-origin request naming another origin was made on another
     * site's page and forwarded by its server (a clone behind a stock reverse proxy relaying its visitors' sign-ups
     * and logins). The own origin is each of {@link #ownOrigins} where they are named; else the request's target host
     * ({@code Host}), unless a proxy of the site's own may stand between (a trusted one; or, where the request cannot
     * tell a trusted proxy's forwarding from another's ({@link GuardRequest#proxiesNamed()}), a request with forwarding
     * headers: review86 F1); a proxy on this machine that rewrites {@code Host} and adds no forwarding header is refused too
     * (review84 F3: a loopback peer is not exempt, as a clone's relay on the loopback of a test machine would be). An
     * {@code Origin} of {@code null} (a page under {@code Referrer-Policy: no-referrer} posting a form) and an allowed
     * origin pass. A request without {@code Origin} (a browser's same-origin read) is judged by its {@code Referer}'s
     * origin the same way (probe67e F1). With {@code sameSite}, for {@code Sec-Fetch-Site: same-site}, an origin of the
     * target's site passes ({@link SiteNames}: another subdomain of its registrable domain); with own origins named,
     * only one of them, as for a same-origin request.
     */
    private @Nullable Decision proxiedRefusal(GuardRequest request, boolean sameSite) {
        String header = request.header("Origin");
        if (header == null) {
            // A browser's same-origin GET or HEAD sends no Origin, but names the page that made it in Referer: the
            // clone's, when its server relayed it (probe67e F1: 20 of 20 score reads through a stock relay passed)
            String referer = request.header("Referer");
            if (referer == null
                    || (ownOrigins == null
                            && !(request.proxiesNamed() && !request.client().viaTrustedProxy())
                            && request.isTargetOriginPage(referer))) {
                return null; // none, or the site's own page as the Origin path below compares it, read in place
            }
            header = refererOrigin(referer);
            if (header == null) {
                return null;
            }
        }
        String value = header.trim();
        if (value.isEmpty() || value.equals("null") || allowedOrigins.test(value)) {
            return null;
        }
        if (ownOrigins != null) {
            // named, the own origins are the site's pages, its siblings' too: a same-site request from any other is a
            // relay's, wherever a proxy may have rewritten the target (review134 F1: a trusted balancer, a relay's
            // X-Forwarded-* or its kept Host let a sibling-host relay through)
            return ownOrigins.test(value) ? null : PROXIED_REFUSAL;
        }
        String target = null;
        boolean proxiesNamed = request.proxiesNamed();
        if (proxiesNamed && !request.client().viaTrustedProxy()) {
            // no proxy of the site's forwarded it: the target is the Host the peer sent, not what a forwarding header
            // made of it (review90 F1: Spring's ForwardedHeaderFilter and Jetty's ForwardedRequestCustomizer believe
            // X-Forwarded-Host from any peer, and Caddy's relay sends the clone's own host there; Jetty's rewrites the
            // Host field too). A host forwarded by a peer that is none of the site's named proxies is another site's
            // proxy naming its own host: refused. Otherwise hosts are compared.
            if (forwardsHost(request)) {
                return PROXIED_REFUSAL;
            }
            String host = request.header("Host");
            if (host != null && !host.isBlank()) {
                target = "http://" + host.trim();
            }
        } else if (request.isTargetOriginPage(value) && isOriginOnly(value)) {
            return null; // the site's own page, spelt as the target: no parsing, no text made, no more headers read
        }
        if (request.client().viaTrustedProxy() || (!proxiesNamed && forwarded(request))) {
            // a proxy of the site's own may rewrite Host, scheme and port: a trusted one, or, where none is named, one
            // that says it forwarded. A clone that edits headers can as well drop Origin; this stops a stock relay.
            return null;
        }
        WebOrigin origin = WebOrigin.ofOriginHeader(value);
        WebOrigin own = WebOrigin.ofOriginHeader(target == null ? request.targetOrigin() : target);
        // the host alone: a TLS-terminating or port-mapping front keeps it (review83 F4); a development server's page
        // on localhost proxying to 127.0.0.1 is one machine (review83 F3)
        return origin == null
                        || own == null
                        || origin.host().equals(own.host())
                        || (sameSite && SiteNames.sameSite(origin.host(), own.host()))
                        || (loopback(origin.host()) && loopback(own.host()))
                ? null
                : PROXIED_REFUSAL;
    }

    /** Whether {@code value} ends at its authority: no path, query or fragment follows {@code scheme://}. */
    private static boolean isOriginOnly(String value) {
        int authority = value.indexOf("://");
        for (int i = authority < 0 ? 0 : authority + 3; i < value.length(); i++) {
            if ("/?#".indexOf(value.charAt(i)) >= 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The origin of an absolute {@code http} or {@code https} {@code Referer} ({@code scheme://authority}), or {@code
     * null} for none, another scheme or a value that is no such URL (then nothing is read from it).
     */
    static @Nullable String refererOrigin(@Nullable String referer) {
        if (referer == null) {
            return null;
        }
        String value = referer.trim();
        int start = value.regionMatches(true, 0, "https://", 0, 8)
                ? 8
                : value.regionMatches(true, 0, "http://", 0, 7) ? 7 : -1;
        if (start < 0) {
            return null;
        }
        int end = start;
        while (end < value.length() && "/?#".indexOf(value.charAt(end)) < 0) {
            end++;
        }
        return end == start ? null : value.substring(0, end);
    }

    private static boolean loopback(String host) {
        String lower = host.toLowerCase(java.util.Locale.ROOT);
        return lower.equals("localhost")
                || lower.endsWith(".localhost")
                || (lower.startsWith("127.") && SiteNames.isDottedQuad(lower)) // not 127.clone.example (review86 F3)
                || lower.equals("[::1]")
                || lower.equals("::1")
                || lower.startsWith("[127.") // an IPv4-mapped loopback, as WebOrigin writes it (review84 F3)
                || lower.startsWith("[::ffff:127.")
                || lower.startsWith("[::ffff:7f");
    }

    /**
     * Whether the request names a host a proxy forwarded it for, which a container may make its target: {@code
     * X-Forwarded-Host}, {@code X-Forwarded-Server} (Jetty's customizer reads it: review91 F3), a {@code Forwarded}
     * element with {@code host=} (one with {@code for=} alone changes no host: review91 F4).
     */
    private static boolean forwardsHost(GuardRequest request) {
        if (request.header("X-Forwarded-Host") != null || request.header("X-Forwarded-Server") != null) {
            return true;
        }
        for (String forwarded : request.headers("Forwarded")) {
            if (namesHost(forwarded)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a {@code Forwarded} value holds {@code host=} as any parser may read it: Jetty's customizer unquotes a
     * parameter's name and drops its escapes ({@code "host"=}, {@code "ho\st"=}: review92 F2, review93 F1), white
     * space around the {@code =} is no part of it, and Spring's {@code framework} strategy finds {@code host=} anywhere
     * in the value ({@code vhost=}, inside a quoted {@code for}), so any such text counts.
     */
    private static boolean namesHost(String forwarded) {
        StringBuilder kept = new StringBuilder(forwarded.length());
        for (int i = 0; i < forwarded.length(); i++) {
            char c = forwarded.charAt(i);
            if (c != '"' && c != '\\' && c != ' ' && c != '\t') {
                kept.append(Character.toLowerCase(c));
            }
        }
        return kept.indexOf("host=") >= 0;
    }

    /** Whether the request says a proxy forwarded it ({@code Forwarded}, {@code X-Forwarded-*}). */
    private static boolean forwarded(GuardRequest request) {
        return request.header("Forwarded") != null
                || request.header("X-Forwarded-For") != null
                || request.header("X-Forwarded-Host") != null
                || request.header("X-Forwarded-Proto") != null;
    }

    /** The reason of a refusal of a request another site's proxy relayed ({@link #proxiedRefusal}). */
    public static final String PROXIED_REASON = "proxied-cross-site-request";

    private static final Decision PROXIED_REFUSAL = Decision.deny(Action.REJECT)
            .guard(NAME)
            .reason(PROXIED_REASON)
            .status(403)
            .detail("This request names another site's page as its origin and came through that site's server. If"
                    + " this site is served through a proxy of its own, name it in abuse-guard.client.trusted-proxies"
                    + " or name the site's origins in abuse-guard.origin.own-origins.")
            .responseHeaders(Map.of("Vary", "Origin, Sec-Fetch-Site, Sec-Fetch-Mode, Sec-Fetch-Dest"))
            .build();

    /**
     * Whether a navigation is a browser's speculative load rather than the user's: any purpose stated in
     * {@code Sec-Purpose} (a structured list, {@code prefetch} its one token defined so far), or one of the
     * older headers with the value its browser sends.
     */
    private static boolean speculative(GuardRequest request) {
        String purpose = request.header("Sec-Purpose");
        return (purpose != null && !purpose.isBlank())
                || names(request.header("Purpose"), "prefetch")
                || names(request.header("X-Moz"), "prefetch")
                || names(request.header("X-Purpose"), "preview");
    }

    /** Whether a header's value is {@code token}, alone or first with parameters ({@code prefetch;prerender}). */
    private static boolean names(@Nullable String value, String token) {
        if (value == null) {
            return false;
        }
        int end = value.length();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ';' || c == ',') {
                end = i;
                break;
            }
        }
        return value.substring(0, end).trim().equalsIgnoreCase(token);
    }
}
