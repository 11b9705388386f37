package io.github.abuseguard.servlet;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.BodyField;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Guard;
import io.github.abuseguard.Mode;
import io.github.abuseguard.PathPattern;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.failure.UnderAttack;
import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.StoreUnavailableException;
import io.github.abuseguard.volume.VolumeGuard;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Serves the browser proof ({@code abuse-guard.proof.*}) at its path: {@code GET} hands out a challenge
 * for the client's address, {@code POST} takes the solved challenge and, when it holds, gives the client
 * every history the guards keep ({@link AbuseGuard#vouch}); {@code GET <path>.js} is the script that does
 * both in a browser.
 */
final class ProofEndpoint {

    /** The guard its refusals name. */
    static final String GUARD = "proof";

    /** The most bytes of a proof's form read: a challenge, a nonce and their names fit in 256. */
    static final int MAX_FORM_BYTES = 512;

    private static final long MODES_READ_EVERY_NANOS = 1_000_000_000L;

    private static final String SCRIPT_RESOURCE = "proof.js";

    private final BrowserProof proof;
    /** The bits a challenge asks while a route is under attack or under scrape: at least the proof's own. */
    private final int attackDifficulty;

    private final String path;
    private final String scriptPath;
    private final byte[] script;
    private final ProblemResponse problems;
    /** An array, not a list: walking a list would cost every request an iterator (20 B measured). */
    private final PathPattern[] required;

    private final @Nullable Bans vouched;
    private final Duration vouchedFor;
    private final Mode requiredMode;
    private final Decision proofRequired;
    private final RecentVouches recentVouches;
    /** {@code null} under a fail-closed store: every request asks it. */
    private final @Nullable ProvedClients provedClients;

    private final TimeSource clock;
    /** When the modes were last read ({@link TimeSource#nanoTime}; 0: never), and whether one was on. */
    private final java.util.concurrent.atomic.AtomicLong modesReadAt = new java.util.concurrent.atomic.AtomicLong();

    private volatile boolean modeOn;

    /**
     * @param attackDifficulty the bits a challenge asks while a route is under attack or under scrape (at least
     *     the proof's difficulty)
     * @param required the routes a client may call only with a proof given within {@code vouchedFor}
     * @param vouched where the proofs given are kept; {@code null} only when nothing is required
     * @param requiredMode {@link Mode#MONITOR} to only report the requests {@code required} would refuse
     * @param clock the engine's clock, by which a proof sent again within a minute writes nothing
     * @param rememberProved whether a client found proved is remembered for a moment ({@link ProvedClients}); not
     *     under a fail-closed store
     */
    ProofEndpoint(
            BrowserProof proof,
            int attackDifficulty,
            String path,
            ProblemResponse problems,
            List<PathPattern> required,
            @Nullable Bans vouched,
            Duration vouchedFor,
            Mode requiredMode,
            TimeSource clock,
            boolean rememberProved) {
        this.proof = proof;
        this.attackDifficulty = Math.max(attackDifficulty, proof.difficulty());
        this.path = path;
        this.scriptPath = path + ".js";
        this.script = script();
        this.problems = problems;
        this.required = List.copyOf(required).toArray(PathPattern[]::new); // no null pattern, as before
        this.vouched = vouched;
        this.vouchedFor = vouchedFor;
        this.requiredMode = requiredMode;
        this.recentVouches = new RecentVouches(clock::nanoTime);
        this.provedClients = rememberProved ? new ProvedClients(clock::nanoTime, vouchedFor) : null;
        this.clock = clock;
        this.proofRequired = Decision.deny(Action.REJECT)
                .guard(GUARD)
                .reason("proof-required")
                .status(403)
                .detail("This route answers browsers that ran the page's script: load the page, or solve the proof at "
                        + path + ".")
                .build();
    }

    /**
     * Refuses (403 {@code proof-required}) a request to a route that requires the proof from a client that
     * has given none within the history's lifetime, unless the engine or {@code abuse-guard.proof.mode}
     * monitors it; either way the engine's listeners hear of it (guard {@code proof}). CORS preflights pass
     * (they carry nothing of the client's).
     *
     * @return whether the request was answered
     */
    boolean refuseUnproved(
            HttpServletRequest request, HttpServletResponse response, ServletGuardRequest client, AbuseGuard engine)
            throws IOException {
        if (required.length == 0 || vouched == null || isPreflight(request)) {
            return false;
        }
        String requestPath = client.path();
        for (PathPattern pattern : required) {
            if (pattern.matches(requestPath)) {
                if (isVouched(client.client().key())) {
                    return false;
                }
                // its mark is gone (evicted, a store restarted): its next proof writes again (probe45c F6)
                recentVouches.forget(client.client().key());
                // Another site's page made the visitor's browser send it: refused as such, not counted as the
                // visitor's own want of a proof (probe70b F1: eight images put a visitor atop the most-denied). Only
                // where the proof refuses here: a monitored proof, engine or route refuses nothing, and the request
                // goes on to the guards, which report the cross-site refusal once (review119 F1, F4; review120 F4).
                if (requiredMode == Mode.MONITOR || engine.mode() == Mode.MONITOR || engine.monitors(client)) {
                    Decision crossSite = engine.unreportedCrossSiteRefusal(client);
                    if (crossSite != null) {
                        if (!engine.checksCrossSite(client)) {
                            // no rule watches the route, so the guards will not report it: reported here, as it
                            // would be refused once the proof enforces (review122 F2)
                            engine.refusesBeforeGuards(client, crossSite, Mode.MONITOR);
                        }
                        return false;
                    }
                } else {
                    Decision crossSite = engine.crossSiteRefusal(client);
                    if (crossSite != null) {
                        refuseUnread(request, response, client, crossSite);
                        return true;
                    }
                }
                if (!engine.refusesBeforeGuards(client, proofRequired, requiredMode)) {
                    return false;
                }
                refuseUnread(request, response, client, proofRequired);
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the client gave a proof within the history's lifetime. While the shared store is unreachable
     * under the local fallback, this instance knows only the proofs given or looked up here: a client proved
     * elsewhere is refused and proves again here (the page's script does, and retries), rather than every
     * client passing while the circuit is open, which an attacker who can starve an instance could arrange
     * (review8). Under fail-open the client passes, under fail-closed it is refused. A mark found is remembered for
     * a few seconds ({@link ProvedClients}), but for a fail-closed store: the client's next requests ask no store.
     */
    private boolean isVouched(String key) {
        if (provedClients != null && provedClients.proved(key)) {
            return true; // found a moment ago: no store look-up per request
        }
        try {
            if (vouched.isBannedSampled(key)) { // a lost proof is given again
                if (provedClients != null) {
                    provedClients.found(key);
                }
                return true;
            }
            return false;
        } catch (StoreUnavailableException e) {
            return !e.failClosed(); // nothing found, nothing remembered
        }
    }

    /** A CORS preflight: {@code OPTIONS} with the {@code Origin} and {@code Access-Control-Request-Method} a browser sends. */
    private static boolean isPreflight(HttpServletRequest request) {
        return "OPTIONS".equals(request.getMethod())
                && request.getHeader("Access-Control-Request-Method") != null
                && request.getHeader("Origin") != null;
    }

    /** Whether the request is for the proof or its script (a path within the application, as the guards see it). */
    boolean serves(String requestPath) {
        return requestPath.equals(path) || requestPath.equals(scriptPath);
    }

    void answer(HttpServletRequest request, HttpServletResponse response, ServletGuardRequest client, AbuseGuard engine)
            throws IOException {
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        String method = request.getMethod();
        if (client.path().equals(scriptPath)) {
            if (!method.equals("GET") && !method.equals("HEAD")) {
                notAllowed(request, response, client, "GET, HEAD");
                return;
            }
            response.setHeader("Cache-Control", "public, max-age=3600");
            response.setContentType("text/javascript;charset=utf-8");
            response.setContentLength(script.length);
            if (method.equals("GET")) {
                response.getOutputStream().write(script);
            }
            return;
        }
        switch (method) {
            case "GET" -> {
                int difficulty = difficultyNow(engine);
                byte[] body = ("{\"challenge\":\""
                                + proof.challenge(client.client().key(), difficulty) + "\",\"difficulty\":" + difficulty
                                + ",\"algorithm\":\"SHA-256\"}")
                        .getBytes(StandardCharsets.UTF_8);
                response.setContentType("application/json");
                response.setContentLength(body.length);
                response.getOutputStream().write(body);
            }
            case "POST" -> verify(request, response, client, engine);
            default -> notAllowed(request, response, client, "GET, POST");
        }
    }

    /**
     * The bits a challenge asks now: {@code attackDifficulty} while a route of the engine is under attack or under
     * scrape, when each address an attacker proves from buys newcomer attempts or distinct resources (probe47b
     * F9: at the everyday difficulty a proof costs a script milliseconds of native code); the proof's difficulty
     * otherwise. A challenge keeps the bits it was issued with (signed), so one asked before a mode began is still
     * answered at them within its lifetime.
     */
    private int difficultyNow(AbuseGuard engine) {
        if (attackDifficulty == proof.difficulty()) {
            return attackDifficulty;
        }
        long now = clock.nanoTime();
        long readAt = modesReadAt.get();
        if ((readAt == 0 || now - readAt > MODES_READ_EVERY_NANOS)
                && modesReadAt.compareAndSet(readAt, now == 0 ? 1 : now)) {
            // read at most once a second, by one request (review49 F7): each mode is a store look-up, and a challenge
            // costs a client nothing; the others answer with what was read last
            modeOn = anyModeOn(engine);
        }
        return modeOn ? attackDifficulty : proof.difficulty();
    }

    /**
     * Whether a route of the engine is under attack or under scrape where a proof buys something: a failure rule's
     * mode lets proved newcomers in, unless the rule keeps its own history ({@code history: rule}), which no proof
     * buys (probe81c F1: ten wrong passwords on the
     * Actuator's rule made every visitor's challenge 16 times the work for the mode's 15 minutes, for nothing). A
     * store that cannot tell counts as a mode on under fail-closed and as none otherwise, as the modes themselves are
     * read then.
     */
    private static boolean anyModeOn(AbuseGuard engine) {
        try {
            for (Guard guard : engine.guards()) {
                if (guard instanceof FailureGuard failure && provedNewcomersPass(failure, failure.underAttack())) {
                    return true;
                }
                if (guard instanceof VolumeGuard volume && !volume.underScrape().isEmpty()) {
                    return true;
                }
            }
            return false;
        } catch (StoreUnavailableException e) {
            return e.failClosed();
        }
    }

    /**
     * Whether one of the rules {@code underAttack} names lets a proved newcomer in: by the application's history, or
     * under {@code history: resource} with a proof's attempts (review146 F1); {@code history: rule} keeps its own.
     */
    private static boolean provedNewcomersPass(FailureGuard failure, java.util.Set<String> underAttack) {
        if (underAttack.isEmpty()) {
            return false;
        }
        for (FailureRule rule : failure.rules()) {
            if (underAttack.contains(rule.name())
                    && rule.underAttack() != null
                    && rule.underAttack().history() != UnderAttack.History.RULE) {
                return true;
            }
        }
        return false;
    }

    private void verify(
            HttpServletRequest request, HttpServletResponse response, ServletGuardRequest client, AbuseGuard engine)
            throws IOException {
        Decision crossSite = engine.sameOriginOnlyRefusal(client);
        if (crossSite != null) {
            // another site's page, or its relay, earns no history for the address it sends from (probe67e F2), with
            // Fetch Metadata or without: a plain-http clone's relay gets none from browsers (probe80b F1)
            refuseUnread(request, response, client, crossSite);
            return;
        }
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).trim().startsWith("application/x-www-form-urlencoded")) {
            refuseUnread(
                    request,
                    response,
                    client,
                    refusal(
                            415,
                            "unsupported-media-type",
                            "Send the proof as application/x-www-form-urlencoded: challenge=...&nonce=..."));
            return;
        }
        // read within the client's share of body reads, so that one address's slow proofs cannot hold every request
        // thread (probe81a F2); the 413 and 415 drop the unread rest as the filter's refusals do, where the container
        // would read it at the client's pace
        byte[] form = client.readOwnForm(MAX_FORM_BYTES);
        if (form == null) {
            refuseUnread(
                    request,
                    response,
                    client,
                    BodyField.unreadable(BodyField.Unreadable.TOO_MANY_READS).refusal(GUARD, "proof"));
            return;
        }
        if (form.length > MAX_FORM_BYTES) {
            refuseUnread(
                    request,
                    response,
                    client,
                    refusal(413, "proof-too-large", "A proof has at most " + MAX_FORM_BYTES + " bytes."));
            return;
        }
        // an empty body: a filter before this one read the form already (a hidden-method filter, say), and the
        // container parsed it within its own bound
        String[] fields = form.length == 0 ? parsedFields(request) : fields(form);
        String challenge = fields[0];
        String nonce = fields[1];
        BrowserProof.Verdict verdict =
                proof.verify(challenge, nonce, client.client().key());
        if (verdict != BrowserProof.Verdict.VALID) {
            refuse(response, request, 400, "proof-invalid", verdict.detail);
            return;
        }
        String key = client.client().key();
        if (recentVouches.writtenRecently(key)) {
            response.setStatus(HttpServletResponse.SC_NO_CONTENT); // written within the minute: no store writes
            return;
        }
        engine.vouch(client);
        boolean written = true;
        if (vouched != null) {
            try {
                vouched.ban(key, vouchedFor); // renewed by each proof
            } catch (StoreUnavailableException e) {
                // the proof holds, but the shared store is unreachable under a policy without a fallback (the
                // store logs its outage): required paths answer as that policy says until it is back
                written = false;
            }
        }
        if (written) {
            recentVouches.written(key);
        }
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    /**
     * The challenge and the nonce of a form: {@code null} where missing, empty where repeated, and no
     * challenge at all when an escape is broken (the proof is then malformed).
     */
    private static String[] fields(byte[] form) {
        String challenge = null;
        String nonce = null;
        for (String pair : new String(form, StandardCharsets.ISO_8859_1).split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            if (value == null) {
                return new String[] {null, nonce};
            }
            if (name.equals("challenge")) {
                challenge = challenge == null ? value : "";
            } else if (name.equals("nonce")) {
                nonce = nonce == null ? value : "";
            }
        }
        return new String[] {challenge, nonce};
    }

    /**
     * The challenge and the nonce as the container parsed them, none when it cannot: Jetty 12 parses the
     * query with the form and throws for a broken escape in either, and Tomcat and Jetty refuse a form they
     * cannot decode with an argument or state error; the proof is then malformed, not a container error page.
     */
    private static String[] parsedFields(HttpServletRequest request) {
        try {
            return new String[] {
                single(request.getParameterValues("challenge")), single(request.getParameterValues("nonce"))
            };
        } catch (IllegalStateException | IllegalArgumentException containerCouldNotParse) {
            return new String[] {null, null};
        } catch (RuntimeException failed) {
            ServletGuardRequest.throwUnlessBadMessage(failed);
            return new String[] {null, null};
        }
    }

    private static String single(String[] values) {
        return values == null ? null : values.length == 1 ? values[0] : "";
    }

    private static String decode(String value) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null; // a broken %-escape: the proof is malformed
        }
    }

    private void refuse(
            HttpServletResponse response, HttpServletRequest request, int status, String reason, String detail)
            throws IOException {
        problems.write(response, refusal(status, reason, detail), request.getRequestURI());
    }

    private static Decision refusal(int status, String reason, String detail) {
        return Decision.deny(Action.REJECT)
                .guard(GUARD)
                .reason(reason)
                .status(status)
                .detail(detail)
                .build();
    }

    /** Answers {@code refusal} to a request whose body nobody read, as the filter's own refusals do. */
    private void refuseUnread(
            HttpServletRequest request, HttpServletResponse response, ServletGuardRequest client, Decision refusal)
            throws IOException {
        boolean closing = TomcatUnreadBody.closing(request, response, client);
        problems.write(response, refusal, request.getRequestURI());
        if (closing) {
            TomcatUnreadBody.drop(request);
        }
    }

    /** A method the proof does not answer, whose body (a {@code PUT}'s) is dropped as the filter's refusals drop it. */
    private void notAllowed(
            HttpServletRequest request, HttpServletResponse response, ServletGuardRequest client, String allowed)
            throws IOException {
        response.setHeader("Allow", allowed);
        refuseUnread(
                request, response, client, refusal(405, "method-not-allowed", "The proof answers " + allowed + "."));
    }

    private static byte[] script() {
        try (InputStream in = ProofEndpoint.class.getResourceAsStream(SCRIPT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the proof script " + SCRIPT_RESOURCE + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
