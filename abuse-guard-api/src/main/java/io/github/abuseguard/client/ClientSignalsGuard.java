package io.github.abuseguard.client;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import io.github.abuseguard.Action;
import io.github.abuseguard.ClientIdentity;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.PathPattern;
import io.github.abuseguard.internal.HeaderNames;
import io.github.abuseguard.internal.IpAddresses;
import io.github.abuseguard.internal.LastSeen;
import io.github.abuseguard.internal.SampledAccess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * Tool and infrastructure signals: who is really calling. Each signal is a flag with a score that adds
 * to the request's risk, never a verdict on its own, except user-agent rules set to reject.
 *
 * <ul>
 *   <li>User-agent rules: a pattern that rejects or flags; the built-in automation signatures
 *       ({@code automation-signatures.txt}: HTTP libraries 20, headless browsers 30, attack tools 100);
 *       a missing user agent.
 *   <li>Expected clients: routes only your own client calls ({@code MyApp/<version>}); anything else is
 *       flagged.
 *   <li>Proxy and CDN traces from peers that are not your trusted proxies: {@code Via},
 *       {@code X-Amz-Cf-Id}, {@code CloudFront-*} headers, the {@code Amazon CloudFront} user agent, the
 *       forwarding marks of other CDNs (Cloudflare's {@code CF-Worker} and {@code CDN-Loop}, Fastly's
 *       {@code Fastly-FF}, Akamai's {@code Akamai-Origin-Hop}), and {@code X-Forwarded-*} or
 *       {@code Forwarded} sent by a client that is not behind your proxy. A clone site that proxies your
 *       API through its own CDN, or a Cloudflare Worker, leaves these.
 * </ul>
 *
 * <p>The default scores keep every CDN trace together at 79 at most, so your own traffic through an unconfigured
 * CDN, an HTTP library's (20) included, is flagged but not refused; a CDN-proxied request that also lacks an
 * {@code Origin} on an unsafe method, or comes from a headless browser (30), adds up to a refusal.
 */
public final class ClientSignalsGuard implements Guard {

    /** The guard's name. */
    public static final String NAME = "client-signals";

    /** What CloudFront's own user agent contains. */
    private static final String CLOUDFRONT_AGENT = "Amazon CloudFront";

    private static final String[] CLOUDFRONT_HEADERS = {
        "CloudFront-Viewer-Address", "CloudFront-Viewer-Country", "CloudFront-Forwarded-Proto",
        "CloudFront-Is-Desktop-Viewer", "CloudFront-Is-Mobile-Viewer", "CloudFront-Viewer-ASN"
    };
    private static final String[] FORWARDING_HEADERS = {
        "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "Forwarded", "X-Real-IP"
    };
    /**
     * What other CDNs add to every request they forward and their customers cannot remove: the zone of a
     * Cloudflare Worker that fetched ({@code CF-Worker}, first: scored on its own, as a Worker's fetch is
     * what a clone runs), RFC 8586's loop detection (Cloudflare, Fastly and others), Fastly's and Akamai's
     * own hop marks (on every request through those CDNs, an operator's own included when the container,
     * not abuse-guard, takes the client address from forwarding headers: scored lower).
     */
    private static final String[] CDN_MARK_HEADERS = {"CF-Worker", "CDN-Loop", "Fastly-FF", "Akamai-Origin-Hop"};

    /** Every header this guard asks about, read in one pass: {@code Via}, {@code X-Amz-Cf-Id}, then the lists. */
    private static final HeaderNames SIGNAL_HEADERS = signalHeaders();

    private static final long VIA = 1L;
    private static final long AMAZON_CLOUDFRONT_ID = 1L << 1;
    private static final long ANY_CLOUDFRONT = ((1L << CLOUDFRONT_HEADERS.length) - 1) << 2;
    private static final long ANY_FORWARDING =
            ((1L << FORWARDING_HEADERS.length) - 1) << (2 + CLOUDFRONT_HEADERS.length);
    private static final long CF_WORKER = 1L << (2 + CLOUDFRONT_HEADERS.length + FORWARDING_HEADERS.length);
    private static final long ANY_CDN_MARK =
            ((1L << (CDN_MARK_HEADERS.length - 1)) - 1) << (3 + CLOUDFRONT_HEADERS.length + FORWARDING_HEADERS.length);

    /** The marks your own CDN writes on what it forwards: its request id, its viewer headers, its loop mark, Via. */
    private static final long OWN_CDN_MARKS = AMAZON_CLOUDFRONT_ID | ANY_CDN_MARK | ANY_CLOUDFRONT | VIA;

    private final List<UserAgentRule> userAgentRules;
    /** An array, not a list: walking a list would cost every request an iterator. */
    private final ExpectedClient[] expectedClients;

    private final Scores scores;
    /** Rules see at most this much of a user agent, so a longer one is the same key as its prefix. */
    static final int MAX_USER_AGENT = 512;

    /**
     * The cache is bounded by what it holds, not by its entry count: each entry weighs its key's
     * characters plus {@value #ENTRY_OVERHEAD}, the measured heap of the node, the string header and the
     * verdict (a 16-character user agent takes 135 bytes, a 512-character one 631), so the cache holds
     * about 1 MiB, 2 MiB at worst for non-Latin-1 keys, whatever a client sends.
     */
    static final int MAX_CACHED_CHARS = 1 << 20;

    static final int ENTRY_OVERHEAD = 120;

    private final Cache<String, UserAgentVerdict> userAgentVerdicts = Caffeine.newBuilder()
            .executor(Runnable::run)
            .maximumWeight(MAX_CACHED_CHARS)
            .<String, UserAgentVerdict>weigher((userAgent, verdict) -> userAgent.length() + ENTRY_OVERHEAD)
            .build();

    /** {@link #userAgentVerdicts}' policy, for reads that leave the eviction policy alone ({@link SampledAccess}). */
    private final Policy<String, UserAgentVerdict> userAgentVerdictsQuietly = userAgentVerdicts.policy();

    /**
     * The user agents last judged, with their verdicts, in front of the cache ({@link LastSeen}): at most
     * {@value #LAST_SEEN_SLOTS} user agents of up to {@value #MAX_USER_AGENT} characters, about 70 KB at
     * worst on top of the cache.
     */
    private final LastSeen<UserAgentVerdict> lastSeen = new LastSeen<>(LAST_SEEN_SLOTS);

    static final int LAST_SEEN_SLOTS = 64;

    /** Bound once: a method reference written at the call would be a new object per request. */
    private final Function<String, UserAgentVerdict> judgeUserAgent = this::judge;

    /**
     * What a user agent's first {@value #MAX_USER_AGENT} characters earn, worked out once per user agent:
     * the first rule it matches ({@code null} for none), and whether it names Amazon CloudFront.
     */
    private record UserAgentVerdict(@Nullable UserAgentRule rule, boolean cdn) {
        static final UserAgentVerdict NONE = new UserAgentVerdict(null, false);
    }

    private ClientSignalsGuard(Builder builder) {
        List<UserAgentRule> rules = new ArrayList<>(builder.userAgentRules);
        if (builder.builtinSignatures) {
            rules.addAll(builtinSignatures());
        }
        this.userAgentRules = List.copyOf(rules);
        this.expectedClients = builder.expectedClients.toArray(ExpectedClient[]::new);
        this.scores = builder.scores;
        this.ownCdnHeader = builder.ownCdnHeader;
        this.ownCdnSecret = builder.ownCdnSecret;
    }

    /** The header your own CDN adds with {@link #ownCdnSecret}, or {@code null}: see {@link Builder#ownCdn}. */
    private final @Nullable String ownCdnHeader;

    private final byte @Nullable [] ownCdnSecret;

    /** Whether the request carries your own CDN's secret, so the CDN marks on it are your CDN's. */
    private boolean fromOwnCdn(GuardRequest request) {
        if (ownCdnHeader == null) {
            return false;
        }
        String sent = request.header(ownCdnHeader);
        return sent != null
                && java.security.MessageDigest.isEqual(
                        sent.getBytes(java.nio.charset.StandardCharsets.UTF_8), ownCdnSecret);
    }

    /** Starts a guard with the built-in signatures and the default scores. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The user-agent rules, the built-in signatures last. */
    public List<UserAgentRule> userAgentRules() {
        return userAgentRules;
    }

    @Override
    public Decision check(GuardRequest request) {
        String userAgent = request.header("User-Agent");
        int score = 0;
        int cdn = 0; // the traces a proxy or CDN leaves, counted together up to CDN_TRACES_MAX
        int strongest = 0; // the strongest of them present
        String reason = null;
        if (userAgent == null || userAgent.isBlank()) {
            score += scores.missingUserAgent;
            reason = "missing-user-agent";
        } else {
            UserAgentVerdict verdict = verdictOf(bounded(userAgent));
            UserAgentRule rule = verdict.rule();
            if (rule != null) {
                {
                    if (rule.action() == Action.REJECT) {
                        return Decision.deny(Action.REJECT)
                                .guard(NAME)
                                .rule(rule.name())
                                .reason("user-agent-rejected")
                                .status(403)
                                .detail("This client is not accepted.")
                                .build();
                    }
                    score += rule.score();
                    reason = reason == null ? "user-agent:" + rule.name() : reason;
                }
            }
            if (verdict.cdn() || (userAgent.length() > MAX_USER_AGENT && userAgent.contains(CLOUDFRONT_AGENT))) {
                cdn += scores.cdnUserAgent;
                strongest = Math.max(strongest, scores.cdnUserAgent);
                reason = reason == null ? "cdn-user-agent" : reason;
            }
        }
        for (ExpectedClient expected : expectedClients) {
            if (expected.appliesTo(request.path())
                    && (userAgent == null
                            || !expected.pattern().matcher(userAgent).find())) {
                score += expected.score();
                reason = reason == null ? "unexpected-client:" + expected.name() : reason;
                break;
            }
        }
        ClientIdentity client = request.client();
        long present = client.trustedAddress() ? 0 : SIGNAL_HEADERS.presentIn(request);
        if (present != 0 && (present & OWN_CDN_MARKS) != 0 && fromOwnCdn(request)) {
            // your own distribution, known by the secret it adds: the marks it writes are yours. A Worker's CF-Worker
            // is
            // not one of them: a clone's Worker fetching your public name goes through your CDN and gets the secret
            // (review78 F3); forwarding headers still count
            present &= ~OWN_CDN_MARKS;
        }
        if (present != 0) {
            // A CDN's marks count unless the client is one of your own proxies: a clone's CDN that reached the app
            // through your ingress wrote them before your proxy saw the request (probe59d F1: behind a trusted proxy
            // every mark was skipped, and a clone's CloudFront POST without Origin passed). Via and the forwarding
            // headers are what a trusted proxy adds itself, so they count only on a connection from an untrusted peer.
            if ((present & VIA) != 0 && !client.viaTrustedProxy()) {
                cdn += scores.via;
                strongest = Math.max(strongest, scores.via);
                reason = reason == null ? "via" : reason;
            }
            if ((present & AMAZON_CLOUDFRONT_ID) != 0) {
                warnOfUntrustedCdn(
                        "CloudFront's X-Amz-Cf-Id", "amazon-cloud-front-id-score", request, scores.amazonCloudFrontId);
                cdn += scores.amazonCloudFrontId;
                strongest = Math.max(strongest, scores.amazonCloudFrontId);
                reason = reason == null ? "cdn-forwarded" : reason;
            }
            if ((present & CF_WORKER) != 0) {
                warnOfUntrustedCdn("A Cloudflare Worker's CF-Worker", "cdn-worker-score", request, scores.cdnWorker);
                cdn += scores.cdnWorker;
                strongest = Math.max(strongest, scores.cdnWorker);
                reason = reason == null ? "cdn-forwarded" : reason;
            }
            if ((present & ANY_CDN_MARK) != 0) {
                cdn += scores.cdnMark;
                strongest = Math.max(strongest, scores.cdnMark);
                reason = reason == null ? "cdn-forwarded" : reason;
            }
            if ((present & ANY_CLOUDFRONT) != 0) {
                cdn += scores.cloudFrontHeaders;
                strongest = Math.max(strongest, scores.cloudFrontHeaders);
                reason = reason == null ? "cdn-forwarded" : reason;
            }
            if ((present & ANY_FORWARDING) != 0 && !client.viaTrustedProxy()) {
                if (!warnedOfUntrustedLocalProxy) {
                    warnIfALocalProxyIsNotTrusted(request.client().address());
                }
                cdn += scores.untrustedForwarding;
                strongest = Math.max(strongest, scores.untrustedForwarding);
                reason = reason == null ? "untrusted-forwarding" : reason;
            }
        }
        if (cdn > CDN_TRACES_MAX) {
            // together they weigh no more than the cap, or than the strongest one present if you set it higher
            cdn = Math.max(CDN_TRACES_MAX, strongest);
        }
        score += cdn;
        return score == 0 ? Decision.allow() : Decision.flag(NAME, reason, score);
    }

    /**
     * The most that the traces of a proxy or CDN that is not yours (its user agent, {@code Via},
     * {@code X-Amz-Cf-Id}, {@code CloudFront-*}, forwarding headers) add together: a clone behind someone's CDN is
     * flagged on reads, whichever traces its CDN leaves, and refused on writes to routes an origin rule covers, where
     * its missing {@code Origin} (40 with {@code missing: flag}) takes it past 100. Below 80, so that an HTTP
     * library's user agent (20) through your own CDN, not yet named ({@link Builder#ownCdn}), is flagged and not
     * refused (probe77b F2: CloudFront's 80 and okhttp's 20 refused an app's every read at 90). A single trace's
     * score set above it counts in full.
     */
    static final int CDN_TRACES_MAX = 79;

    /** Whether a CDN request id or forwarding mark from an untrusted peer was reported (once per guard). */
    private volatile boolean warnedOfUntrustedCdn;

    private void warnOfUntrustedCdn(String trace, String property, GuardRequest request, int score) {
        if (warnedOfUntrustedCdn) {
            return;
        }
        warnedOfUntrustedCdn = true;
        LoggerFactory.getLogger(ClientSignalsGuard.class)
                .warn(
                        "{} arrives with a request of {}, which is not a trusted proxy: it scores {}, so writes"
                                + " without Origin through that CDN are refused on routes an origin rule covers (its"
                                + " missing Origin adds 40; without such a rule they are only flagged). A CDN's marks"
                                + " are every customer's,"
                                + " a clone's distribution too, and are counted whatever proxies of yours forwarded"
                                + " them. If the CDN is yours, have it add a secret header and name it in"
                                + " abuse-guard.client-signals.own-cdn-header and own-cdn-secret, or set"
                                + " abuse-guard.client-signals.{}: 0. (Said once.)",
                        trace,
                        request.client().address(),
                        score,
                        property);
    }

    /** Whether forwarding headers from an untrusted local peer were reported (once per guard). */
    private volatile boolean warnedOfUntrustedLocalProxy;

    /**
     * Forwarding headers from a loopback or private peer that is not a trusted proxy mostly mean a
     * deployment behind a proxy that nobody listed: every client then shares the proxy's key (one
     * client's failures ban everyone). Said once, as a warning naming the property.
     */
    private void warnIfALocalProxyIsNotTrusted(String peer) {
        byte[] address = IpAddresses.parse(peer);
        if (address == null || !isLocal(address)) {
            return;
        }
        warnedOfUntrustedLocalProxy = true;
        LoggerFactory.getLogger(ClientSignalsGuard.class)
                .warn(
                        "Forwarding headers (X-Forwarded-For, Forwarded, X-Real-IP) arrive from {}, a local address that"
                                + " is not a trusted proxy: every client behind it shares its key. If a proxy of yours"
                                + " runs there, list it in abuse-guard.client.trusted-proxies. (Said once.)",
                        peer);
    }

    private static boolean isLocal(byte[] address) {
        int first = address[0] & 0xff;
        if (address.length == 4) {
            int second = address[1] & 0xff;
            return first == 127
                    || first == 10
                    || (first == 172 && second >= 16 && second <= 31)
                    || (first == 192 && second == 168)
                    || (first == 169 && second == 254);
        }
        boolean loopback = address[15] == 1;
        for (int i = 0; i < 15 && loopback; i++) {
            loopback = address[i] == 0;
        }
        return loopback || (first & 0xfe) == 0xfc || (first == 0xfe && (address[1] & 0xc0) == 0x80);
    }

    private static HeaderNames signalHeaders() {
        List<String> names = new ArrayList<>();
        names.add("Via");
        names.add("X-Amz-Cf-Id");
        names.addAll(List.of(CLOUDFRONT_HEADERS));
        names.addAll(List.of(FORWARDING_HEADERS));
        names.addAll(List.of(CDN_MARK_HEADERS));
        return HeaderNames.of(names.toArray(String[]::new));
    }

    /**
     * The first rule whose pattern a user agent matches. Dozens of regular expressions over a long user
     * agent cost microseconds, and real traffic repeats a few user agents, so verdicts are cached per
     * user agent, keyed by the part the rules see. The cache is bounded by weight and admits by
     * frequency, so a client rotating long random user agents pays the matching itself and cannot evict
     * the user agents real traffic repeats.
     */
    private UserAgentVerdict judge(String bounded) {
        boolean cdn = bounded.contains(CLOUDFRONT_AGENT);
        for (UserAgentRule rule : userAgentRules) {
            if (rule.pattern().matcher(bounded).find()) {
                return new UserAgentVerdict(rule, cdn);
            }
        }
        return cdn ? new UserAgentVerdict(null, true) : UserAgentVerdict.NONE;
    }

    /**
     * The verdict of a user agent, first from {@link #lastSeen}: a hit compares the user agent with the
     * one last seen in its slot where the cache would hash all its characters first, the request's
     * header being a new string each time. A miss asks the cache, one read in eight recorded ({@link
     * SampledAccess}).
     */
    private UserAgentVerdict verdictOf(String judged) {
        UserAgentVerdict verdict = lastSeen.get(judged);
        if (verdict != null) {
            return verdict;
        }
        verdict = SampledAccess.getIfPresent(userAgentVerdicts, userAgentVerdictsQuietly, judged);
        if (verdict == null) {
            verdict = userAgentVerdicts.get(judged, judgeUserAgent);
        }
        lastSeen.offer(judged, verdict);
        return verdict;
    }

    private static String bounded(String userAgent) {
        return userAgent.length() > MAX_USER_AGENT ? userAgent.substring(0, MAX_USER_AGENT) : userAgent;
    }

    /** The weight the verdict cache holds now: characters of cached user agents plus entry overheads. */
    long cachedUserAgentWeight() {
        userAgentVerdicts.cleanUp();
        return userAgentVerdicts
                .policy()
                .eviction()
                .orElseThrow()
                .weightedSize()
                .orElseThrow();
    }

    /** The built-in automation signatures, from {@code automation-signatures.txt}. */
    static List<UserAgentRule> builtinSignatures() {
        List<UserAgentRule> rules = new ArrayList<>();
        try (InputStream in = ClientSignalsGuard.class.getResourceAsStream("automation-signatures.txt");
                BufferedReader reader = new BufferedReader(new InputStreamReader(
                        Objects.requireNonNull(in, "automation-signatures.txt"), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                String trimmed = line.trim();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                int space = trimmed.indexOf(' ');
                int score = Integer.parseInt(trimmed.substring(0, space));
                String regex = trimmed.substring(space + 1).trim();
                rules.add(new UserAgentRule("builtin:" + regex, UserAgentRule.compile(regex), Action.LOG, score));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rules;
    }

    /**
     * A user-agent rule.
     *
     * @param name the rule's name, for reports
     * @param pattern searched in the user agent, case-insensitively
     * @param action {@link Action#REJECT} refuses with 403; anything else flags with {@code score}
     * @param score the risk score of a flag
     */
    public record UserAgentRule(String name, Pattern pattern, Action action, int score) {
        public UserAgentRule {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(pattern, "pattern");
            Objects.requireNonNull(action, "action");
            if (action != Action.REJECT && score < 1) {
                throw new IllegalArgumentException("a flagging user-agent rule needs a positive score, was " + score);
            }
        }

        /** Compiles a case-insensitive pattern. */
        public static Pattern compile(String regex) {
            return Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
        }
    }

    /**
     * Routes only a known client calls: a request whose user agent does not match is flagged.
     *
     * @param name the rule's name
     * @param paths the routes
     * @param pattern what the expected client's user agent contains, such as {@code ^MyApp/\d+}
     * @param score the risk score of an unexpected client
     */
    public record ExpectedClient(String name, List<PathPattern> paths, Pattern pattern, int score) {
        public ExpectedClient {
            paths = List.copyOf(paths);
            if (score < 1) {
                throw new IllegalArgumentException("score must be positive, was " + score);
            }
        }

        boolean appliesTo(String path) {
            for (PathPattern p : paths) {
                if (p.matches(path)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The scores of the built-in signals. */
    public static final class Scores {
        // The defaults are written once, in the settings, which the configuration metadata reads them from.
        int missingUserAgent = ClientSignalsSettings.DEFAULT_MISSING_USER_AGENT_SCORE;
        int via = ClientSignalsSettings.DEFAULT_VIA_SCORE;
        int amazonCloudFrontId = ClientSignalsSettings.DEFAULT_AMAZON_CLOUD_FRONT_ID_SCORE;
        int cloudFrontHeaders = ClientSignalsSettings.DEFAULT_CLOUD_FRONT_HEADERS_SCORE;
        int untrustedForwarding = ClientSignalsSettings.DEFAULT_UNTRUSTED_FORWARDING_SCORE;
        int cdnUserAgent = ClientSignalsSettings.DEFAULT_CDN_USER_AGENT_SCORE;
        int cdnMark = ClientSignalsSettings.DEFAULT_CDN_MARK_SCORE;
        int cdnWorker = ClientSignalsSettings.DEFAULT_CDN_WORKER_SCORE;

        /** The default scores: together the CDN traces stay below 100. */
        public static Scores defaults() {
            return new Scores();
        }

        public Scores missingUserAgent(int score) {
            this.missingUserAgent = positive(score);
            return this;
        }

        /** A Cloudflare Worker's fetch: {@code CF-Worker}. */
        public Scores cdnWorker(int score) {
            this.cdnWorker = positive(score);
            return this;
        }

        /** Another CDN's forwarding mark: {@code CDN-Loop}, {@code Fastly-FF}, {@code Akamai-Origin-Hop}. */
        public Scores cdnMark(int score) {
            this.cdnMark = positive(score);
            return this;
        }

        public Scores via(int score) {
            this.via = positive(score);
            return this;
        }

        public Scores amazonCloudFrontId(int score) {
            this.amazonCloudFrontId = positive(score);
            return this;
        }

        public Scores cloudFrontHeaders(int score) {
            this.cloudFrontHeaders = positive(score);
            return this;
        }

        public Scores untrustedForwarding(int score) {
            this.untrustedForwarding = positive(score);
            return this;
        }

        public Scores cdnUserAgent(int score) {
            this.cdnUserAgent = positive(score);
            return this;
        }

        private static int positive(int score) {
            if (score < 0) {
                throw new IllegalArgumentException("a score must not be negative, was " + score);
            }
            return score;
        }
    }

    /** Builds a {@link ClientSignalsGuard}. */
    public static final class Builder {
        private final List<UserAgentRule> userAgentRules = new ArrayList<>();
        private final List<ExpectedClient> expectedClients = new ArrayList<>();
        private boolean builtinSignatures = ClientSignalsSettings.DEFAULT_BUILTIN_SIGNATURES;
        private Scores scores = Scores.defaults();

        private Builder() {}

        /** Adds a user-agent rule; yours are tried before the built-in signatures, the first match counts. */
        public Builder userAgentRule(UserAgentRule rule) {
            userAgentRules.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        /** Adds an expected-client rule. */
        public Builder expectedClient(ExpectedClient expected) {
            expectedClients.add(Objects.requireNonNull(expected, "expected"));
            return this;
        }

        /** Whether the built-in automation signatures apply. Default {@code true}. */
        public Builder builtinSignatures(boolean builtinSignatures) {
            this.builtinSignatures = builtinSignatures;
            return this;
        }

        /** The scores of the built-in signals. */
        public Builder scores(Scores scores) {
            this.scores = Objects.requireNonNull(scores, "scores");
            return this;
        }

        private @Nullable String ownCdnHeader;
        private byte @Nullable [] ownCdnSecret;

        /**
         * Your own CDN's secret: a request carrying {@code header} with exactly {@code secret} (a CloudFront origin
         * custom header, a Cloudflare transform rule) came through your distribution, and the CDN marks on it
         * ({@code X-Amz-Cf-Id}, {@code CloudFront-*}, {@code CDN-Loop}, ..., {@code Via}) are not counted; a clone's
         * distribution, which cannot add it, is weighed by them (review76 F2). A Worker's {@code CF-Worker} still counts:
         * a clone's Worker fetching your public name goes through your CDN and gets the secret (review78 F3). The
         * secret is compared in constant time; at least 16 characters, without edge white space.
         *
         * @throws IllegalArgumentException for a blank header name or a secret shorter than 16 characters
         */
        public Builder ownCdn(String header, String secret) {
            Objects.requireNonNull(header, "header");
            Objects.requireNonNull(secret, "secret");
            if (header.isBlank() || !header.strip().equals(header) || header.indexOf(':') >= 0) {
                throw new IllegalArgumentException("the header must be a header name, was '" + header + "'");
            }
            if (secret.length() < 16) {
                throw new IllegalArgumentException("the secret must have at least 16 characters");
            }
            if (!secret.strip().equals(secret)) {
                // containers trim header values: such a secret would never match (review78)
                throw new IllegalArgumentException("the secret must not begin or end with white space");
            }
            this.ownCdnHeader = header;
            this.ownCdnSecret = secret.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            return this;
        }

        public ClientSignalsGuard build() {
            return new ClientSignalsGuard(this);
        }
    }
}
