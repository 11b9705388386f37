package io.github.abuseguard.origin;

import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardDescription;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.RuleGuard;
import io.github.abuseguard.internal.BrowserInvariants;
import io.github.abuseguard.internal.OriginPattern;
import io.github.abuseguard.internal.SiteNames;
import io.github.abuseguard.internal.WebOrigin;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Origin and referrer validation, after the OWASP CSRF Prevention Cheat Sheet and the Fetch Metadata
 * resource isolation policy. Browsers cannot forge {@code Origin}; a clone site's pages calling your
 * API from its own origin are refused here.
 *
 * <ol>
 *   <li>Several {@code Origin} headers are refused: a browser sends one.
 *   <li>{@code Origin: null} is refused unless the rule allows it.
 *   <li>The origin is {@code Origin}, or else the origin of {@code Referer} parsed as a URI (never a
 *       string prefix). A value that is not an origin is refused.
 *   <li>The origin must be the application's own (when allowed: one of the
 *       {@linkplain #of(List, List) own origins} when they are named, else the request's target origin,
 *       which comes from its {@code Host}), a listed one, or, for a request with a bound API key, one of
 *       that key's origins.
 *   <li>{@code Sec-Fetch-Site: cross-site} is refused unless the origin is listed; {@code same-site}
 *       passes only when configured or listed; {@code same-origin} and {@code none} pass.
 *   <li>Without {@code Origin}, a request whose method is neither GET nor HEAD and whose
 *       {@code Sec-Fetch-Site} is {@code cross-site} or {@code same-site} is refused, whatever its
 *       {@code Referer}: a browser sends {@code Origin} with it.
 *   <li>With neither header, the rule's missing-origin policy applies, unless {@code Sec-Fetch-Site} is
 *       {@code same-origin} or {@code none} on a GET or HEAD: on any other method a browser sends
 *       {@code Origin}, so Fetch Metadata without it vouches for nothing.
 * </ol>
 *
 * <p>Responses of protected routes carry {@code Vary: Origin, Sec-Fetch-Site}, so caches do not
 * serve one origin's answer to another.
 */
public final class OriginGuard extends RuleGuard<OriginRule> {

    /** The guard's name. */
    public static final String NAME = "origin";

    private static final Map<String, String> VARY = Map.of("Vary", "Origin, Sec-Fetch-Site");
    private static final Decision ALLOW_VARY = Decision.allowWithHeaders(VARY);

    /** The application's public origins; empty: the request's target origin (its {@code Host}). */
    private final List<OriginPattern> ownOrigins;

    /** Whether a rule binds API keys: the guard is then asked on every route ({@link #keyBinding}). */
    private final boolean bindsKeys;

    private OriginGuard(List<OriginRule> rules, List<OriginPattern> ownOrigins) {
        super(NAME, rules, bindsKeys(rules) ? Asked.ON_EVERY_ROUTE : Asked.WHERE_RULES_APPLY);
        this.ownOrigins = List.copyOf(ownOrigins);
        this.bindsKeys = bindsKeys(rules);
    }

    private static boolean bindsKeys(List<OriginRule> rules) {
        return rules.stream().anyMatch(OriginRule::bindsKeys);
    }

    /**
     * A guard of the given rules; every rule that matches a request applies, and each must let it through. The application's own
     * origin is each request's {@linkplain GuardRequest#targetOrigin target origin}, which a servlet
     * container takes from the {@code Host} header the client sent: see {@link #of(List, List)}.
     */
    public static OriginGuard of(List<OriginRule> rules) {
        return of(rules, List.of());
    }

    /**
     * A guard of the given rules whose own origin, the one a rule's {@code allowSameOrigin} lets through,
     * is one of {@code ownOrigins} ({@code scheme://host[:port]} or {@code scheme://*.domain}, as
     * {@link OriginRule.Builder#allowOrigin}): the request's {@code Host}, which the client chooses, is
     * then never read. A clone's proxy that forwards its own {@code Host} and {@code Origin} to the
     * application is not same-origin. Empty: the request's target origin, as {@link #of(List)}.
     *
     * @throws IllegalArgumentException if an own origin is not an origin
     */
    public static OriginGuard of(List<OriginRule> rules, List<String> ownOrigins) {
        Objects.requireNonNull(rules, "rules");
        List<OriginPattern> patterns = new ArrayList<>();
        for (String origin : Objects.requireNonNull(ownOrigins, "ownOrigins")) {
            patterns.add(OriginPattern.parse(origin));
        }
        return new OriginGuard(rules, patterns);
    }

    @Override
    public Decision check(GuardRequest request) {
        return check(request, eachRuleMatched());
    }

    /**
     * Every rule whose paths match the request applies, and each must let it through, as for rate limits (user59 F1: a
     * broad property rule listing partners, asked first, let partners through a handler whose {@code @RequireOrigin}
     * named the application's own origin only). An enforced refusal ({@code reject}, {@code throttle}) answers at once;
     * otherwise the weightiest answer is reported: an enforced tarpit or decoy (a later rule's refusal still wins over
     * it, review77 F6), then an enforced flag (the highest score: two rules seeing one missing Origin are one piece of
     * evidence, not added), an enforced tag or log, a monitored refusal (which never hides an enforced answer,
     * review77 F5), an answer with fields, an allow.
     */
    @Override
    protected Decision check(GuardRequest request, Applying applying) {
        List<OriginRule> rules = rules();
        Decision answer = null;
        int answerRank = -1;
        for (int i = 0; i < rules.size(); i++) {
            Decision decision;
            if (applies(applying, i, request)) {
                decision = check(rules.get(i), request, ownOrigins);
            } else if (bindsKeys
                    && rules.get(i).bindsKeys()
                    && !keyBoundByApplyingRule(applying, request, rules.get(i))) {
                decision = keyBinding(rules.get(i), request);
                if (decision == null) {
                    continue;
                }
            } else {
                continue;
            }
            int rank = rank(decision);
            if (rank == REFUSES) {
                return decision;
            }
            if (rank > answerRank || (rank == answerRank && decision.score() > answer.score())) {
                answer = decision;
                answerRank = rank;
            }
        }
        return answer == null ? Decision.allow() : answer;
    }

    /**
     * Whether a rule that applies to the request binds the key it carries: that rule says which origins the key has on
     * this method, and a binding of another method's rule stands aside (review122 F1: a read rule letting the
     * partner's dashboard use the key was overruled by the write rule binding it to the widget alone).
     */
    private boolean keyBoundByApplyingRule(Applying applying, GuardRequest request, OriginRule binding) {
        String key = request.header(binding.apiKeyHeader());
        if (key == null) {
            return false;
        }
        List<OriginRule> rules = rules();
        for (int j = 0; j < rules.size(); j++) {
            OriginRule rule = rules.get(j);
            // the same key under the same header: another key, or the same text in another header, is not it
            // (review123 F4: a partner's own read key beside the widget's let the widget's be used from its page)
            if (rule.bindsKeys()
                    && rule.apiKeyHeader().equalsIgnoreCase(binding.apiKeyHeader())
                    && rule.originsOfApiKey(key) != null
                    && applies(applying, j, request)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A request of another method than the rule's on its paths, carrying one of its bound API keys: the key is its
     * partner's on every method of the rule's paths, so a page elsewhere that sends it is refused as on the rule's own
     * methods (probe71a F1: reads with the widget's key from a sibling subdomain, {@code same-site}, or from any page
     * in a browser without Fetch Metadata passed 5 of 5 and spent the key's {@code header:} bucket, refusing the
     * widget). A request naming no origin (neither {@code Origin} nor {@code Referer}: a script, a server) goes on,
     * as an unkeyed read does. {@code null} where the rule has nothing to say.
     */
    private @Nullable Decision keyBinding(OriginRule rule, GuardRequest request) {
        String key = request.header(rule.apiKeyHeader());
        if (key == null || rule.originsOfApiKey(key) == null || !onPathsOf(rule, request)) {
            return null;
        }
        String referer = request.header("Referer");
        if (request.header("Origin") == null && (referer == null || referer.isBlank())) {
            return null;
        }
        return check(rule, request, ownOrigins); // judged by the key's origins, as on the rule's own methods
    }

    private static final int REFUSES = 7;

    /** How much an answer weighs against another rule's; {@link #REFUSES} for one that ends the check. */
    private int rank(Decision decision) {
        if (!decision.isDeny()) {
            return decision.score() > 0 ? 4 : decision == ALLOW_VARY ? 1 : 0;
        }
        if (monitored.test(decision.rule())) {
            return 2;
        }
        return switch (decision.action()) {
            case TARPIT, DECOY -> 5;
            case TAG, LOG -> 3;
            default -> REFUSES;
        };
    }

    /** Which rules' denials the engine only reports; none until the engine says. */
    private volatile java.util.function.Predicate<String> monitored = rule -> false;

    @Override
    public void monitoredRules(java.util.function.Predicate<String> monitored) {
        this.monitored = java.util.Objects.requireNonNull(monitored, "monitored");
    }

    /**
     * Whether an {@code Origin: null} comes from the site's own page under {@code Referrer-Policy: no-referrer}: a
     * browser sends {@code null} for a form's {@code POST} (or a {@code no-cors} fetch) from such a page, with {@code
     * Sec-Fetch-Site: same-origin}, and never for a {@code cors} request (probe48b F3: the site's own sign-up form
     * was refused). Same-origin is with the request's target, so the target must be one of the site's own origins
     * where they are named, and the rule must allow the same origin. A page elsewhere, a sandboxed frame included, is {@code cross-site} or {@code same-site}; a
     * client that writes these headers itself could as well write the site's own {@code Origin}.
     */
    private static boolean ownPageUnderNoReferrer(
            OriginRule rule, @Nullable String site, GuardRequest request, List<OriginPattern> ownOrigins) {
        if (!"same-origin".equalsIgnoreCase(site) || !rule.allowSameOrigin()) {
            return false;
        }
        // same-origin with the request's target, which must then be the site's own: a clone's proxy relaying the
        // browser's headers as they are targets the clone (review49 F6: it passed with Origin null where its own
        // Origin was refused)
        WebOrigin target = WebOrigin.ofOriginHeader(request.targetOrigin());
        if (target == null || !(ownOrigins.isEmpty() || matchesAny(ownOrigins, target))) {
            return false;
        }
        String mode = request.header("Sec-Fetch-Mode");
        return mode != null && !mode.trim().equalsIgnoreCase("cors");
    }

    private static Decision check(OriginRule rule, GuardRequest request, List<OriginPattern> ownOrigins) {
        List<String> origins = request.headers("Origin");
        String sent = request.header("Sec-Fetch-Site");
        String site = sent == null ? null : sent.trim(); // read as the cross-site check before the guards reads it
        List<OriginPattern> bound = rule.originsOfApiKey(request.header(rule.apiKeyHeader()));
        if (origins.size() > 1) {
            return refuse(rule, "multiple-origins", "The request carries several Origin headers.");
        }
        WebOrigin origin;
        if (!origins.isEmpty()) {
            String value = origins.get(0).trim();
            if (value.equals("null")) {
                if (rule.allowNull() && bound == null) {
                    return ALLOW_VARY;
                }
                if (ownPageUnderNoReferrer(rule, site, request, ownOrigins) && bound == null) {
                    // Sec-Fetch-Site is relative to the page the browser loaded, which behind a clone's proxy is the
                    // clone's: weighed as a request without Origin (its missing-origin score), so a proxy's marks
                    // still add up to a refusal (probe73d F4: a clone's page posting under no-referrer passed where
                    // its own Origin and no Origin were refused). A rule that rejects a missing Origin flags it here:
                    // the site's own form under no-referrer goes on (probe48b F3).
                    return rule.missing() == MissingOriginPolicy.ALLOW
                            ? ALLOW_VARY
                            : Decision.flag(NAME, "missing-origin", rule.missingScore());
                }
                return refuse(rule, "null-origin", "Requests with an opaque (null) origin are not accepted here.");
            }
            origin = WebOrigin.ofOriginHeader(value);
            if (origin == null) {
                return refuse(rule, "malformed-origin", "The Origin header is not an origin.");
            }
        } else {
            if (fromAnotherSite(site) && !safe(request.method())) {
                // a browser sends Origin with this method: Fetch Metadata without it is a client dressed as
                // one, and neither its Referer nor the missing policy may let through what Origin would not
                return refuse(
                        rule,
                        site.toLowerCase(Locale.ROOT),
                        "Requests from another site are not accepted here without the Origin header browsers send.");
            }
            String referer = request.header("Referer");
            if (referer == null || referer.isBlank()) {
                return missing(rule, site, request);
            }
            origin = WebOrigin.ofReferer(referer);
            if (origin == null) {
                return refuse(rule, "malformed-referer", "The Referer header is not an absolute http(s) URL.");
            }
        }
        boolean listed = rule.listed(origin);
        boolean allowed;
        if (bound != null) {
            allowed = matchesAny(bound, origin);
            listed = allowed;
        } else {
            allowed = listed
                    || (rule.allowSameOrigin() && own(origin, request, ownOrigins))
                    // a sibling subdomain's page, where the rule takes same-site requests (probe75a F2: refused as
                    // origin-not-allowed, the flag deciding only for an own or listed origin)
                    || (rule.allowSameSite()
                            && "same-site".equalsIgnoreCase(site)
                            && ownSite(origin, request, ownOrigins));
        }
        if (!allowed) {
            return refuse(rule, "origin-not-allowed", "Requests from " + shown(origin) + " are not accepted here.");
        }
        if ("cross-site".equalsIgnoreCase(site) && !listed) {
            return refuse(rule, "cross-site", "Cross-site requests are not accepted here.");
        }
        if ("same-site".equalsIgnoreCase(site) && !listed && !rule.allowSameSite()) {
            return refuse(rule, "same-site", "Requests from other sites of this domain are not accepted here.");
        }
        return ALLOW_VARY;
    }

    /**
     * Neither {@code Origin} nor {@code Referer}. {@code Sec-Fetch-Site: same-origin} or {@code none}
     * vouches for a GET or HEAD (a browser's same-origin or typed-in request carries neither header); on
     * any other method a browser sends {@code Origin}, so Fetch Metadata without it is a client library
     * dressed as a browser ({@link BrowserInvariants#broken}), and it meets the missing policy like any
     * other client that names no origin.
     */
    private static Decision missing(OriginRule rule, String site, GuardRequest request) {
        if ("cross-site".equalsIgnoreCase(site)) {
            return refuse(rule, "cross-site", "Cross-site requests are not accepted here.");
        }
        if ("same-site".equalsIgnoreCase(site) && !rule.allowSameSite()) {
            return refuse(rule, "same-site", "Requests from other sites of this domain are not accepted here.");
        }
        if (("same-origin".equalsIgnoreCase(site) || "none".equalsIgnoreCase(site))
                && !BrowserInvariants.broken(request)) {
            return ALLOW_VARY;
        }
        return switch (rule.missing()) {
            case ALLOW -> ALLOW_VARY;
            case FLAG -> Decision.flag(NAME, "missing-origin", rule.missingScore());
            case REJECT -> refuse(rule, "missing-origin", "The request carries neither Origin nor Referer.");
        };
    }

    /**
     * The origin as its {@code Origin} header spells it: the port only when it is not the scheme's own (probe46d
     * L3: {@code http://localhost:3000} was told apart from the allowed {@code http://localhost:8080} as {@code
     * http://localhost}).
     */
    static String shown(WebOrigin origin) {
        String host = origin.host().indexOf(':') >= 0 && !origin.host().startsWith("[")
                ? "[" + origin.host() + "]"
                : origin.host();
        boolean ownPort = origin.port() < 0
                || ("http".equals(origin.scheme()) && origin.port() == 80)
                || ("https".equals(origin.scheme()) && origin.port() == 443);
        return origin.scheme() + "://" + host + (ownPort ? "" : ":" + origin.port());
    }

    private static boolean fromAnotherSite(String site) {
        return "cross-site".equalsIgnoreCase(site) || "same-site".equalsIgnoreCase(site);
    }

    private static boolean safe(String method) {
        return "GET".equals(method) || "HEAD".equals(method);
    }

    /**
     * Whether the rules for the request's route and method (for a CORS preflight, the method it asks for) list its
     * {@code Origin}: a partner this guard lets in must not be refused as another site's page. Every enforced rule
     * that applies must list it, as every one must let the request through {@link #check}; a monitored rule that does
     * not only reports (review77 F9: the first matching rule decided, and a preflight passed that its call could not).
     */
    @Override
    public boolean allowsCrossSite(GuardRequest request) {
        String value = request.header("Origin");
        WebOrigin origin = value == null ? null : WebOrigin.ofOriginHeader(value.trim());
        if (origin == null) {
            return false;
        }
        String method = request.method();
        String asked = request.header("Access-Control-Request-Method");
        boolean preflight = "OPTIONS".equals(method) && asked != null;
        if (preflight) {
            method = asked.trim();
        }
        boolean listed = false;
        for (OriginRule rule : rules()) {
            List<OriginPattern> bound = rule.originsOfApiKey(request.header(rule.apiKeyHeader()));
            if (bound == null
                    && preflight
                    && asksForHeader(request, rule.apiKeyHeader())
                    && rule.bindsKeyTo(origin)
                    && onPathsOf(rule, request)) {
                // a preflight names the key's header, never the key: an origin a key is bound to may ask, and the call
                // it asks for is checked with its key (review118 F2: the widget's every keyed call was preflighted
                // and refused, so its browser never sent one)
                listed = true;
                continue;
            }
            if (rule.appliesTo(method, request)) {
                if (bound != null ? matchesAny(bound, origin) : rule.listed(origin)) {
                    listed = true;
                } else if (!monitored.test(rule.name())) {
                    return false;
                }
            } else if (bound != null && matchesAny(bound, origin) && onPathsOf(rule, request)) {
                // a key bound to its partner's origins is that partner's on every method of the rule's paths: its
                // widget's reads passed no more than its writes did (user69 F1: POST 201, GET 403 cross-site-request)
                listed = true;
            }
        }
        return listed;
    }

    /** Whether a preflight's {@code Access-Control-Request-Headers} names {@code header} (any case). */
    private static boolean asksForHeader(GuardRequest request, String header) {
        String asked = request.header("Access-Control-Request-Headers");
        if (asked == null) {
            return false;
        }
        for (String name : asked.split(",")) {
            if (name.trim().equalsIgnoreCase(header)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the request's path is one of the rule's, whatever its method: asked as each method the rule watches. */
    private static boolean onPathsOf(OriginRule rule, GuardRequest request) {
        for (String watched : rule.methods()) {
            if (rule.appliesTo(watched, request)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public java.util.function.@Nullable Predicate<String> ownOrigins() {
        if (ownOrigins.isEmpty()) {
            return null;
        }
        return value -> {
            WebOrigin origin = WebOrigin.ofOriginHeader(value);
            return origin != null && matchesAny(ownOrigins, origin);
        };
    }

    /** Whether {@code origin} is the application's: one of its own origins, or when none is named, the request's target. */
    private static boolean own(WebOrigin origin, GuardRequest request, List<OriginPattern> ownOrigins) {
        return ownOrigins.isEmpty()
                ? origin.equals(WebOrigin.ofOriginHeader(request.targetOrigin()))
                : matchesAny(ownOrigins, origin);
    }

    /**
     * Whether {@code origin} is of the application's site ({@link SiteNames}): that of one of its own origins (a
     * wildcard's by the name after its {@code *.}), or when none is named, the request's target's.
     */
    private static boolean ownSite(WebOrigin origin, GuardRequest request, List<OriginPattern> ownOrigins) {
        if (ownOrigins.isEmpty()) {
            WebOrigin target = WebOrigin.ofOriginHeader(request.targetOrigin());
            return target != null && SiteNames.sameSite(origin.host(), target.host());
        }
        for (OriginPattern own : ownOrigins) {
            if (SiteNames.sameSite(origin.host(), own.host())) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesAny(List<OriginPattern> patterns, WebOrigin origin) {
        for (OriginPattern pattern : patterns) {
            if (pattern.matches(origin)) {
                return true;
            }
        }
        return false;
    }

    private static Decision refuse(OriginRule rule, String reason, String detail) {
        return Decision.deny(rule.action())
                .guard(NAME)
                .rule(rule.name())
                .reason(reason)
                .status(403)
                .detail(detail)
                .responseHeaders(VARY)
                .decoy(rule.decoy())
                .build();
    }

    @Override
    protected boolean decoys(OriginRule rule) {
        return rule.action() == Action.DECOY;
    }

    /** Each rule with its paths, methods, allowed origins, missing-header policy and action. */
    @Override
    protected void describeRule(OriginRule rule, Map<String, Object> settings) {
        settings.put("allowedOrigins", rule.allowedOrigins());
        settings.put("allowSameOrigin", rule.allowSameOrigin());
        settings.put("missing", rule.missing());
        settings.put("action", rule.action());
    }

    /** The own origins when named; none means the request's {@code Host}. */
    @Override
    protected void describeState(GuardDescription.Builder description) {
        if (!ownOrigins.isEmpty()) {
            description.state(
                    "ownOrigins",
                    ownOrigins.stream().map(OriginPattern::toString).toList());
        }
    }
}
