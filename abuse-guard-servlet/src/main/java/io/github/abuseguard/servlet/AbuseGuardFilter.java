package io.github.abuseguard.servlet;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.BodyField;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardListener;
import io.github.abuseguard.GuardRule;
import io.github.abuseguard.Mode;
import io.github.abuseguard.OutcomeObserver;
import io.github.abuseguard.PathPattern;
import io.github.abuseguard.ResponseHints;
import io.github.abuseguard.RouteTable;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.config.PropertyPath;
import io.github.abuseguard.email.EmailGuardFactory;
import io.github.abuseguard.email.EmailSettings;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureSettings;
import io.github.abuseguard.identity.ClientResolver;
import io.github.abuseguard.origin.OriginGuardFactory;
import io.github.abuseguard.origin.OriginSettings;
import io.github.abuseguard.ratelimit.RateLimitGuardFactory;
import io.github.abuseguard.ratelimit.RateLimitSettings;
import io.github.abuseguard.sequence.SequenceSettings;
import io.github.abuseguard.store.OutagePolicy;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.store.StateStore;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servlet filter: builds a {@link io.github.abuseguard.GuardRequest} for each HTTP request, asks
 * the {@link AbuseGuard} engine, and carries out its decision.
 *
 * <ul>
 *   <li>{@code THROTTLE}: 429 with {@code Retry-After}, {@code RateLimit-Policy}, {@code RateLimit} and
 *       an {@code application/problem+json} body.
 *   <li>{@code REJECT}: the decision's status (403 by default) with a problem body.
 *   <li>{@code TAG}: the request goes on with the {@link Evaluation} in the request attribute
 *       {@link #EVALUATION_ATTRIBUTE} and, when configured, the risk score in a request header.
 *   <li>{@code LOG}: the request goes on; listeners have recorded the decision.
 *   <li>{@code DECOY}: a configured fake success (status, content type, body), so a clone site serves
 *       garbage instead of learning it was blocked. It carries the fields, content type spelling and
 *       framing of the application's recent successful answers under the same folder ({@link
 *       RealAnswers}), so that no header tells it from a real answer.
 *   <li>{@code TARPIT}: the answer is delayed with the servlet async API, holding no request thread,
 *       then refused or passed on ({@code then}). A client with {@code max-concurrent-per-client}
 *       requests waiting already is refused at once (429, {@code Retry-After} of the delay): its own
 *       flood. When the whole tarpit is full ({@code max-concurrent}), a request is given the tarpit's
 *       answer without the delay: refused at once, or, with {@code then: pass}, passed on at once, so that
 *       nobody's flood can turn a rule that must not lock users out into a lock-out. The filter must be
 *       registered with async support.
 * </ul>
 *
 * <p>Allowed requests on rate-limited routes carry {@code RateLimit-Policy} and {@code RateLimit}
 * unless switched off. Build one with {@link #builder()} or {@link #fromSettings(AbuseGuardSettings)};
 * a container that instantiates the filter itself (web.xml) configures it from the file named by the
 * init parameter {@value #CONFIG_PARAMETER}.
 */
public class AbuseGuardFilter implements Filter {

    /** The request attribute holding the {@link Evaluation} of every request the filter let through. */
    public static final String EVALUATION_ATTRIBUTE = "io.github.abuseguard.evaluation";

    /**
     * The request attribute that holds the status a request was answered with (an {@link Integer}) while the
     * builder's {@link Builder#handlerRan handlerRan} is asked about it, once its exchange is over.
     */
    public static final String ANSWERED_STATUS_ATTRIBUTE = "io.github.abuseguard.answered-status";

    /** The init parameter naming the configuration file, a path or {@code classpath:abuse-guard.yml}. */
    public static final String CONFIG_PARAMETER = "abuse-guard.config";

    private static final Logger log = LoggerFactory.getLogger(AbuseGuardFilter.class);

    /** The most body bytes a guard may be allowed to read and hold per request: 1 MiB. */
    static final int MAX_BODY_BYTES = 1024 * 1024;

    /** The least {@code abuse-guard.body.max-bytes}: an address in a small form or JSON body fits many times over. */
    static final int MIN_SETTING_BODY_BYTES = 256;

    private volatile Setup setup;
    private volatile boolean ownsEngine;

    /** Whether {@link #fromSettings} warned of rule paths that match none of the routes it was given. */
    private volatile boolean routesChecked;

    /** For containers that instantiate filters themselves; {@link #init(FilterConfig)} then loads the configuration. */
    public AbuseGuardFilter() {}

    private AbuseGuardFilter(Setup setup) {
        this.setup = setup;
    }

    /** Starts a filter around an engine you built. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A filter configured entirely from settings: the store of {@code abuse-guard.store.type}, the
     * rate-limit guard of the configured rules, and the engine.
     *
     * @throws io.github.abuseguard.config.InvalidSettingException naming the property of a bad value, or
     *     of one only the Spring Boot starter acts on ({@code abuse-guard.email.bounce-*})
     */
    public static AbuseGuardFilter fromSettings(AbuseGuardSettings settings) {
        return fromSettings(settings, additions -> {});
    }

    /**
     * A filter configured from settings, with what a settings file cannot hold: the application's route
     * templates, listeners and observers of the engine (metrics, audit), and the clock. The Spring Boot starter
     * finds these itself; a plain servlet application gives them here, without the builder's engine assembly:
     * <pre>{@code
     * AbuseGuardFilter.fromSettings(SettingsFile.load(Path.of("abuse-guard.yml")), add -> add
     *         .routes(RouteTable.of(List.of("/api/scores/{game}", "/api/accounts/{id}/cards")))
     *         .listener(metrics));
     * }</pre>
     *
     * @throws io.github.abuseguard.config.InvalidSettingException naming the property of a bad value, or
     *     of one only the Spring Boot starter acts on ({@code abuse-guard.email.bounce-*})
     */
    public static AbuseGuardFilter fromSettings(AbuseGuardSettings settings, Consumer<? super Additions> additions) {
        Objects.requireNonNull(additions, "additions");
        Additions added = new Additions();
        additions.accept(added);
        FilterAssembly.refuseSpringBootOnly(settings);
        if (settings.engine().enabled()) {
            UnmappedRulePaths.checkSequenceSteps(settings.section(SequenceSettings.class), added.routes);
        }
        // The filter's own settings are checked first: an engine built before a bad one would be left
        // open, its store connection and guards held by nobody.
        Builder builder = builder().settings(settings).routes(added.routes);
        StateStore store = FilterAssembly.store(settings, added.timeSource);
        AbuseGuardFilter filter = builder.engine(
                        FilterAssembly.engine(settings, added.timeSource, store, added.listeners, added.observers))
                .store(store)
                .build();
        filter.ownsEngine = true;
        // the same start-up warnings the Spring Boot starter gives, once every value is known to be valid
        FilterAssembly.warnOfWeakenedProtection(settings);
        if (settings.engine().enabled()) {
            UnmappedRulePaths.warnAgainstRoutes(FilterAssembly.rulePaths(settings), added.routes);
            filter.routesChecked = true;
            filter.announce(settings);
        }
        return filter;
    }

    /**
     * One INFO line of what the settings made: the engine's mode, each guard with its rules, the browser proof's path
     * (user69 F5: with a correct file nothing said the filter was on, nor which rules it had loaded).
     */
    private void announce(AbuseGuardSettings settings) {
        StringBuilder guards = new StringBuilder();
        for (Guard guard : setup.engine.guards()) {
            List<String> rules = guard.describe().rules().stream()
                    .map(io.github.abuseguard.GuardDescription.Rule::name)
                    .toList();
            guards.append(guards.length() == 0 ? "" : ", ")
                    .append(guard.name())
                    .append(rules.isEmpty() ? "" : rules.toString());
        }
        log.info(
                "abuse-guard is on in {} mode: {}{}",
                setup.engine.mode().name().toLowerCase(Locale.ROOT),
                guards,
                settings.section(ProofSettings.class).enabled()
                        ? "; browser proof at "
                                + settings.section(ProofSettings.class).path()
                        : "");
    }

    @Override
    public void init(FilterConfig config) throws ServletException {
        if (setup != null) {
            if (setup.enabled) {
                UnmappedRulePaths.warn(
                        config, setup.engine.guards(), routesChecked ? setup.requests.routes() : RouteTable.empty());
                ContainerAuthentication.warn(config.getServletContext());
            }
            return;
        }
        String location = config.getInitParameter(CONFIG_PARAMETER);
        if (location == null) {
            throw new ServletException("AbuseGuardFilter needs the init parameter '" + CONFIG_PARAMETER
                    + "' naming its configuration file, or build it with AbuseGuardFilter.builder()");
        }
        AbuseGuardSettings settings =
                SettingsFile.load(location, Thread.currentThread().getContextClassLoader());
        AbuseGuardFilter configured = fromSettings(settings);
        this.setup = configured.setup;
        this.ownsEngine = true;
        if (setup.enabled) {
            UnmappedRulePaths.warn(config, setup.engine.guards(), RouteTable.empty()); // no routes from a file
            ContainerAuthentication.warn(config.getServletContext());
        }
    }

    /** Requests the tarpit holds now. */
    int tarpitWaiting() {
        return setup().tarpit.waiting();
    }

    /** Bodies the guards are reading now, and the clients they belong to: {@code [reads, clients]}. */
    int[] bodyReadsInFlight() {
        ClientShares reads = setup().requests.bodyReads();
        return new int[] {reads.held(), reads.clients()};
    }

    /** The engine this filter asks. */
    public AbuseGuard engine() {
        return setup().engine;
    }

    /**
     * The resolver that keys this filter's clients, as its settings made it ({@code client.*}): an operator lifting
     * an address's ban gives {@code FailureGuard.lift} the address's key from {@link ClientResolver#keyOf} (user69 F2:
     * a default resolver keyed {@code ::1} by its /64 where the settings' {@code ipv6-prefix-length: 48} keyed it by
     * its /48, and the lift matched nothing).
     */
    public ClientResolver clientResolver() {
        return setup().requests.clientResolver();
    }

    @Override
    public void doFilter(ServletRequest servletRequest, ServletResponse servletResponse, FilterChain chain)
            throws IOException, ServletException {
        if (!(servletRequest instanceof HttpServletRequest request)
                || !(servletResponse instanceof HttpServletResponse response)) {
            chain.doFilter(servletRequest, servletResponse);
            return;
        }
        if (request.getDispatcherType() == DispatcherType.ASYNC) {
            // An async re-dispatch was checked when it first arrived; one the tarpit passes on is new to
            // the filters after this one.
            HttpServletRequest arriving = HeldRequest.arriving(request);
            try {
                chain.doFilter(arriving, response);
            } finally {
                HeldRequest.passedOn(arriving);
            }
            return;
        }
        Setup current = setup();
        if (!current.enabled) {
            // the tag header is the application's to trust: a client's value never reaches it, guards on or off
            // (probe46d L7)
            chain.doFilter(
                    current.tagHeader == null ? request : new TaggedRequest(request, current.tagHeader, null),
                    response);
            return;
        }
        ServletGuardRequest guardRequest = new ServletGuardRequest(request, current.requests);
        String requestUri = request.getRequestURI();
        Decision unresolved = UnresolvedPaths.refusal(requestUri);
        if (unresolved == null && UnresolvedPaths.mayDecodeToSeparator(requestUri)) {
            unresolved = UnresolvedPaths.refusalOfDecoded(guardRequest.pathAsSent());
        }
        if (unresolved == null) {
            unresolved = routeInDoubt(guardRequest, current.requests);
        }
        if (unresolved != null && current.engine.refusesUnjudgeablePath(guardRequest, unresolved)) {
            // the guards would judge the resolved path, the application the path as sent (probe45a F3, review46 F2)
            boolean closing = TomcatUnreadBody.closing(request, response, guardRequest);
            current.problems.write(response, unresolved, requestUri);
            if (closing) {
                TomcatUnreadBody.drop(request);
            }
            return;
        }
        if (current.proof != null) {
            if (current.proof.serves(guardRequest.path())) {
                current.proof.answer(request, response, guardRequest, current.engine);
                return;
            }
            if (current.proof.refuseUnproved(request, response, guardRequest, current.engine)) {
                return;
            }
            guardRequest.historySettled(true); // only a proof earns a history
        }
        Evaluation evaluation = current.engine.evaluate(guardRequest);
        Decision decision = evaluation.decision();
        ResponseHints hints = evaluation.hints();
        // A decoy carries the fields a real answer would: those of allowed requests, never the refusal's
        // own (a rule answering with a decoy reports none on its route, real or decoy, see RateLimitGuard).
        boolean decoy = decision.isDeny() && decision.action() == Action.DECOY;
        // A tarpit that passes requests on writes its refusal's fields only when it refuses (review68 F2): the
        // application's answer, or a decoy, after the delay must not carry them where no real answer does.
        boolean mayPass = decision.isDeny() && decision.action() == Action.TARPIT && current.tarpit.passAfter();
        if (hints.hasRateLimits() && (current.rateLimitHeaders || (decision.isDeny() && !decoy && !mayPass))) {
            RateLimitFields.write(response, hints);
        }
        if (!hints.headers().isEmpty()) {
            for (Map.Entry<String, String> header : hints.headers().entrySet()) {
                if (header.getKey().equalsIgnoreCase("Vary")) {
                    response.addHeader(header.getKey(), header.getValue());
                } else {
                    response.setHeader(header.getKey(), header.getValue());
                }
            }
        }
        HttpServletRequest downstream = guardRequest.downstream();
        if (decision.isDeny() || !evaluation.signals().isEmpty()) {
            downstream.setAttribute(EVALUATION_ATTRIBUTE, evaluation);
        }
        HandlerStatus handlerStatus = null;
        if (guardRequest.handlerStatusWanted()) {
            // a guard's outcome is the status the handler meant, where a framework adapter reports it
            handlerStatus = new HandlerStatus();
            downstream.setAttribute(HandlerStatus.ATTRIBUTE, handlerStatus);
        }
        if (current.tagHeader != null) {
            downstream = new TaggedRequest(downstream, current.tagHeader, tag(evaluation));
        }
        if (downstream instanceof WrappingRequest wrapping) {
            wrapping.passedOnWith(response); // the tarpit's hold and pass-on use this response too
        }
        if (decision.isDeny()) {
            switch (decision.action()) {
                case TAG, LOG -> {
                    // the request goes on, carrying its evaluation
                }
                case DECOY -> {
                    if (request.getMethod().equals("OPTIONS")) {
                        // a fake success with a body where the application answers its Allow fields only would tell
                        // the decoy apart (probe48b F5); an OPTIONS request does nothing the decoy is there to hide
                        break;
                    }
                    decoy(current, request, response, guardRequest, decision);
                    return;
                }
                case TARPIT -> {
                    if (tarpit(current, request, response, downstream, guardRequest, evaluation, handlerStatus)) {
                        return;
                    }
                    // a full tarpit that passes requests on: the application answers at once
                }
                default -> {
                    boolean closing = TomcatUnreadBody.closing(request, response, guardRequest);
                    current.problems.write(response, decision, request.getRequestURI());
                    if (closing) {
                        TomcatUnreadBody.drop(request);
                    }
                    return;
                }
            }
        }
        // A client without a history gets it no later than its successful answer is committed: written
        // after the chain returns, it would race the next request a client sends on receiving the answer.
        long awaiting = current.proof == null && current.engine.observesOutcomes()
                ? current.engine.awaitsHistory(guardRequest, evaluation)
                : 0;
        // a step a later request of the client is judged by is heard at commit too (probe71c F3: a card added the
        // instant the verify's answer arrived was refused, the step recorded only once the filters returned)
        long early = current.engine.observesBeforeCommit(guardRequest, evaluation); // 0 where no guard may
        HistoryOnCommit watching = awaiting == 0 && early == 0
                ? null
                : new HistoryOnCommit(
                        response, current.engine, guardRequest, evaluation, awaiting, early, handlerStatus);
        if (watching != null) {
            if (downstream instanceof WrappingRequest wrapping) {
                wrapping.passedOnWith(watching);
            } else {
                downstream = WrappingRequest.passingOn(downstream, watching);
            }
        }
        try {
            chain.doFilter(downstream, watching == null ? response : watching);
        } catch (IOException | ServletException | RuntimeException applicationFailed) {
            // The container answers 500; guards still learn the outcome, so a sequence reservation made
            // for this request is settled as a failure instead of forbidding for the rule's whole window. A
            // response already committed told the client its status, which is the outcome: a client that
            // resets the connection during a long 401 (the write throws) must not erase the failure it read
            // (probe47c F5).
            if (current.engine.observesOutcomes()) {
                int written = response.isCommitted() && response.getStatus() >= 200
                        ? response.getStatus()
                        : HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
                current.engine.complete(guardRequest, evaluation, HandlerStatus.outcome(handlerStatus, written));
            }
            throw applicationFailed;
        }
        if (!downstream.isAsyncStarted()) {
            // what a decoy on this route must look like; an answer still being written asynchronously
            // has not got all its fields yet and is not learnt
            current.realAnswers.learn(guardRequest, response);
        }
        if (current.engine.observesOutcomes()) {
            observe(current.engine, guardRequest, evaluation, downstream, response, watching, handlerStatus);
        }
    }

    /** Answers the request with the decision's decoy. */
    private static void decoy(
            Setup current,
            HttpServletRequest request,
            HttpServletResponse response,
            ServletGuardRequest guardRequest,
            Decision decision)
            throws IOException {
        // the body first, as a handler reads it before answering; what cannot be read within the bounds is dropped,
        // as a refusal's is, or it would hold this thread (probe48b F1)
        boolean closing =
                !guardRequest.discardUnreadBody() && TomcatUnreadBody.closing(request, response, guardRequest);
        current.decoys
                .getOrDefault(decision.decoy() == null ? "default" : decision.decoy(), DecoyResponse.DEFAULT)
                .write(response, request.getRequestURI(), current.realAnswers.lookFor(guardRequest.path()));
        if (closing) {
            TomcatUnreadBody.drop(request);
        }
    }

    /**
     * Holds the request in the tarpit, then refuses it or lets the application answer it (by an async
     * dispatch, which this filter passes through). A client over its share of the tarpit is refused at
     * once; a full tarpit, or a request that cannot go async, gets the tarpit's answer without the delay.
     *
     * @return whether the request was answered (or will be, after the delay); {@code false} when the
     *     caller passes it on to the application now
     */
    private static boolean tarpit(
            Setup current,
            HttpServletRequest request,
            HttpServletResponse response,
            HttpServletRequest downstream,
            ServletGuardRequest guardRequest,
            Evaluation evaluation,
            HandlerStatus handlerStatus)
            throws IOException {
        Decision decision = evaluation.decision();
        String instance = request.getRequestURI();
        boolean refusedNow = !current.tarpit.passAfter();
        if (refusedNow) {
            // Under then: reject the request never reaches the application, whatever happens in the tarpit: the
            // guards are told now, not after the delay, so that what they hold for it (a failure rule's place on
            // its route, an in-flight slot, tokens) is not held for the delay (review56 F1: 20 tarpitted guesses
            // held the route's places for their 5 s, and 8 of 8 real users were refused 429 meanwhile).
            current.engine.refused(guardRequest, evaluation);
        }
        // Under then: pass a step a later request is judged by is heard at commit, as on an untarpitted request
        // (review127 F3): the application answers after the delay through this response, which the tarpit's
        // refusals and an abandoned wait disarm.
        long early = refusedNow ? 0 : current.engine.observesBeforeCommit(guardRequest, evaluation);
        HistoryOnCommit passing = early == 0
                ? null
                : new HistoryOnCommit(response, current.engine, guardRequest, evaluation, 0, early, handlerStatus);
        // and the application's own startAsync() answers through it too (review129 F2)
        HttpServletRequest holding = passing != null && !(downstream instanceof WrappingRequest)
                ? WrappingRequest.passingOn(downstream, passing)
                : downstream;
        boolean[] toldRefused = {false};
        Tarpit.Hold held = current.tarpit.hold(
                holding,
                passing == null ? response : passing,
                guardRequest.client().key(),
                // Under then: pass the request is not in progress while it waits: a watched route's places for new
                // clients, which bound how many such requests are, are given back for the delay and taken again
                // after it (probe62 F3: ten addresses' tarpitted successful sign-ins kept every newcomer out).
                refusedNow ? () -> {} : () -> current.engine.waiting(guardRequest, evaluation),
                async -> {
                    try {
                        // under then: pass, a refusal when what the request gave back for the wait is taken
                        Decision refusal = refusedNow ? decision : current.engine.resumed(guardRequest, evaluation);
                        if (refusal != null
                                && !refusedNow
                                && refusal.action() == Action.DECOY
                                && request.getMethod().equals("OPTIONS")) {
                            // as a new OPTIONS request under a decoying mode: the application answers its Allow
                            // fields (probe48b F5, review68 F3); the guards were told it is refused: it holds nothing
                            toldRefused[0] = true;
                            disarm(passing);
                            HeldRequest.passOn(async.getRequest());
                            async.dispatch();
                        } else if (refusal == null) {
                            // the application answers after all: the guards hear its outcome, failures included
                            if (current.engine.observesOutcomes()) {
                                async.addListener(new OutcomeListener(
                                        current.engine, guardRequest, evaluation, response, passing, handlerStatus));
                            }
                            if (passing != null && downstream instanceof WrappingRequest wrapping) {
                                wrapping.passedOnWith(passing); // the application's own startAsync() keeps it
                            }
                            HeldRequest.passOn(async.getRequest());
                            async.dispatch();
                        } else {
                            toldRefused[0] = true; // the guards were told it is refused: never told twice
                            disarm(passing);
                            HttpServletResponse answer = (HttpServletResponse) async.getResponse();
                            if (refusal.action() == Action.DECOY) {
                                decoy(current, request, answer, guardRequest, refusal); // a mode that decoys
                            } else {
                                if (!refusedNow) {
                                    refusalFields(current, answer, evaluation);
                                }
                                boolean closing = TomcatUnreadBody.closing(request, answer, guardRequest);
                                current.problems.write(answer, refusal, instance);
                                if (closing) {
                                    TomcatUnreadBody.drop(request);
                                }
                            }
                            async.complete();
                        }
                    } catch (IOException | RuntimeException e) {
                        log.debug("A tarpitted request could not be finished: {}", e.toString());
                        if (!toldRefused[0]) {
                            disarm(passing);
                            current.engine.refused(guardRequest, evaluation); // it never reached the application
                        }
                        try {
                            async.complete();
                        } catch (IllegalStateException alreadyEnded) {
                            log.debug("A tarpitted request had ended already: {}", alreadyEnded.toString());
                        }
                    }
                },
                () -> {
                    if (!refusedNow) {
                        disarm(passing);
                        current.engine.refused(guardRequest, evaluation);
                    }
                });
        switch (held) {
            case HELD -> {
                return true;
            }
            case CLIENT_FULL -> {
                if (!refusedNow) {
                    current.engine.refused(guardRequest, evaluation);
                    refusalFields(current, response, evaluation);
                }
                boolean closing = TomcatUnreadBody.closing(request, response, guardRequest);
                current.problems.write(response, busy(decision, current.tarpit.delay()), instance);
                if (closing) {
                    TomcatUnreadBody.drop(request);
                }
                return true;
            }
            default -> {
                if (current.tarpit.passAfter()) {
                    return false; // what the tarpit would have done after the delay, now
                }
                boolean closing = TomcatUnreadBody.closing(request, response, guardRequest);
                current.problems.write(response, decision, instance);
                if (closing) {
                    TomcatUnreadBody.drop(request);
                }
                return true;
            }
        }
    }

    private static void disarm(@Nullable HistoryOnCommit passing) {
        if (passing != null) {
            passing.disarm();
        }
    }

    /**
     * The rate-limit fields of a refusal, on a tarpit's refusal under then: pass, which does not write them before
     * it knows it refuses; already there when every answer carries them.
     */
    private static void refusalFields(Setup current, HttpServletResponse answer, Evaluation evaluation) {
        if (!current.rateLimitHeaders && evaluation.hints().hasRateLimits()) {
            RateLimitFields.write(answer, evaluation.hints());
        }
    }

    /** The answer to a client that has its share of the tarpit waiting already: wait for those first. */
    private static Decision busy(Decision decision, Duration delay) {
        return Decision.deny(Action.THROTTLE)
                .guard(decision.guard())
                .rule(decision.rule())
                .reason("tarpit-busy")
                .status(429)
                .retryAfter(delay)
                .detail("Too many of your requests are waiting; try again once they are answered.")
                .build();
    }

    private static String tag(Evaluation evaluation) {
        if (evaluation.riskScore() == 0 && !evaluation.isDenied()) {
            return null;
        }
        return evaluation.riskScore() + "; reasons=\"" + String.join(" ", evaluation.reasons()) + "\"";
    }

    /**
     * The refusal of a request whose handler the framework could not be asked about as it will route it (a
     * {@code POST} form past {@code body.max-bytes} or of too many fields, beside a handler that takes it under a
     * {@code params} condition: review46b F1, F2), as an unreadable body is refused (under {@code on-unreadable:
     * allow}, only beyond the client's share of body reads); {@code null} for any other request.
     */
    private static @Nullable Decision routeInDoubt(
            ServletGuardRequest guardRequest, ServletGuardRequest.Options options) {
        if (options.frameworkRoute() == null) {
            return null;
        }
        BodyField.Unreadable doubt = guardRequest.routeInDoubt();
        if (doubt == null || (!options.refuseUnreadable() && doubt != BodyField.Unreadable.TOO_MANY_READS)) {
            return null;
        }
        return BodyField.unreadable(doubt).refusal("filter", null);
    }

    private static void observe(
            AbuseGuard engine,
            ServletGuardRequest guardRequest,
            Evaluation evaluation,
            HttpServletRequest request,
            HttpServletResponse response,
            HistoryOnCommit watching,
            HandlerStatus handlerStatus) {
        if (request.isAsyncStarted()) {
            request.getAsyncContext()
                    .addListener(
                            new OutcomeListener(engine, guardRequest, evaluation, response, watching, handlerStatus));
        } else {
            if (watching != null) {
                watching.settle();
            }
            engine.complete(guardRequest, evaluation, HandlerStatus.outcome(handlerStatus, response.getStatus()));
        }
    }

    /**
     * Completes an asynchronous exchange with the response's status (or the handler's, see {@link
     * HandlerStatus}) once it ends, and follows the exchange into a further {@code startAsync} (which drops
     * the listeners registered before it).
     */
    private static final class OutcomeListener implements AsyncListener {
        private final AbuseGuard engine;
        private final ServletGuardRequest guardRequest;
        private final Evaluation evaluation;
        private final HttpServletResponse response;
        private final HistoryOnCommit watching;
        private final HandlerStatus handlerStatus;

        OutcomeListener(
                AbuseGuard engine,
                ServletGuardRequest guardRequest,
                Evaluation evaluation,
                HttpServletResponse response,
                HistoryOnCommit watching,
                HandlerStatus handlerStatus) {
            this.engine = engine;
            this.guardRequest = guardRequest;
            this.evaluation = evaluation;
            this.response = response;
            this.watching = watching;
            this.handlerStatus = handlerStatus;
        }

        @Override
        public void onComplete(AsyncEvent event) {
            if (watching != null) {
                watching.settle();
            }
            engine.complete(guardRequest, evaluation, HandlerStatus.outcome(handlerStatus, response.getStatus()));
        }

        @Override
        public void onTimeout(AsyncEvent event) {}

        @Override
        public void onError(AsyncEvent event) {}

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }
    }

    private Setup setup() {
        Setup current = setup;
        if (current == null) {
            throw new IllegalStateException("AbuseGuardFilter was not initialised");
        }
        return current;
    }

    /**
     * Stops the tarpit's timer and, when this filter built its engine from settings, closes the engine:
     * its guards' background threads (list refreshers, DNS look-ups) and its state store connection. An
     * engine handed to {@link Builder#engine(AbuseGuard)} belongs to whoever built it, who closes it.
     */
    @Override
    public void destroy() {
        Setup current = setup;
        if (current != null) {
            current.tarpit.close();
            if (ownsEngine) {
                current.engine.close();
            }
        }
    }

    private record Setup(
            AbuseGuard engine,
            boolean enabled,
            ServletGuardRequest.Options requests,
            boolean rateLimitHeaders,
            String tagHeader,
            ProblemResponse problems,
            Map<String, DecoyResponse> decoys,
            RealAnswers realAnswers,
            Tarpit tarpit,
            @Nullable ProofEndpoint proof) {}

    /** Builds an {@link AbuseGuardFilter}. */
    public static final class Builder {
        private AbuseGuard engine;
        private boolean enabled = true;
        private ClientResolver clientResolver = ClientResolver.peerOnly();
        private RouteTable routes = RouteTable.empty();
        private int maxBodyBytes = BodySettings.DEFAULT_MAX_BYTES;
        private boolean refuseUnreadableBody =
                BodySettings.OnUnreadable.valueOf(BodySettings.DEFAULT_ON_UNREADABLE.toUpperCase(Locale.ROOT))
                        == BodySettings.OnUnreadable.REJECT;
        private Predicate<HttpServletRequest> multipartTaken = request -> true;
        private @Nullable Function<HttpServletRequest, String> frameworkRoute;
        private @Nullable BiFunction<HttpServletRequest, String, String> frameworkSpelling;
        private @Nullable Predicate<HttpServletRequest> handlerRan;
        private int maxConcurrentReadsPerClient = BodySettings.DEFAULT_MAX_CONCURRENT_READS_PER_CLIENT;
        private boolean rateLimitHeaders = ResponseSettings.DEFAULT_RATE_LIMIT_HEADERS;
        private String tagHeader;
        private String problemTypeBase = ResponseSettings.DEFAULT_PROBLEM_TYPE_BASE;
        private boolean explainRefusals = ResponseSettings.DEFAULT_EXPLAIN;
        private final Map<String, DecoyResponse> decoys = new LinkedHashMap<>();
        private int realAnswerSampling = RealAnswers.DEFAULT_SAMPLING;
        private Duration tarpitDelay =
                FilterAssembly.duration("abuse-guard.tarpit.delay", TarpitSettings.DEFAULT_DELAY);
        private boolean tarpitPassAfter;
        private int tarpitMaxConcurrent = TarpitSettings.DEFAULT_MAX_CONCURRENT;
        private int tarpitMaxConcurrentPerClient = TarpitSettings.DEFAULT_MAX_CONCURRENT_PER_CLIENT;
        private @Nullable BrowserProof proof;
        private String proofPath = ProofSettings.DEFAULT_PATH;
        private int proofAttackDifficulty = ProofSettings.DEFAULT_ATTACK_DIFFICULTY;
        private List<PathPattern> proofRequired = List.of();
        private Duration proofLasts = FailureGuard.DEFAULT_HISTORY_TTL;
        private Mode proofRequiredMode = Mode.of(ProofSettings.DEFAULT_MODE);
        private @Nullable StateStore store;

        private Builder() {}

        /**
         * Turns the browser proof on: at {@code path} the filter hands out challenges ({@code GET}), takes
         * their solutions ({@code POST}) and serves the script that solves them in a browser ({@code
         * path.js}); a client whose solution holds gets every history the guards keep, and no other request
         * earns one. A solution needs {@code difficulty} leading zero bits of SHA-256 and must come within
         * {@code challengeTtl}; challenges are signed with {@code secret}, which every instance behind one
         * site needs to share ({@code null}: a random key of this filter's own).
         *
         * @throws IllegalArgumentException if the path is not a plain path below {@code /}, the difficulty is
         *     not 1 to 22, the lifetime not 10 s to 1 d, or the secret shorter than 16 bytes (UTF-8)
         */
        public Builder proof(String path, int difficulty, Duration challengeTtl, @Nullable String secret) {
            checkProofPath(Objects.requireNonNull(path, "path"));
            byte[] key;
            if (secret == null) {
                key = new byte[32];
                new SecureRandom().nextBytes(key);
            } else {
                key = secret.getBytes(StandardCharsets.UTF_8);
            }
            this.proof = new BrowserProof(
                    key, difficulty, Objects.requireNonNull(challengeTtl, "challengeTtl"), TimeSource.system());
            this.proofPath = path;
            return this;
        }

        /**
         * Serves the browser proof at {@code path} instead of the path the settings gave: the Spring Boot starter
         * moves the default path under the DispatcherServlet's prefix, outside of which no servlet maps a request
         * (so no filter sees it).
         *
         * @throws IllegalStateException if the proof is not on
         */
        public Builder proofPath(String path) {
            checkProofPath(Objects.requireNonNull(path, "path"));
            if (proof == null) {
                throw new IllegalStateException("the browser proof is not on");
            }
            this.proofPath = path;
            return this;
        }

        /**
         * The leading zero bits a challenge asks while a route is under attack or under scrape, when each address
         * an attacker proves from buys attempts (default {@value ProofSettings#DEFAULT_ATTACK_DIFFICULTY}; a value
         * below the proof's difficulty asks the proof's difficulty).
         *
         * @throws IllegalArgumentException if not 1 to 22
         * @throws IllegalStateException if the proof is not on
         */
        public Builder proofAttackDifficulty(int difficulty) {
            BrowserProof.checkDifficulty(difficulty);
            if (proof == null) {
                throw new IllegalStateException("the browser proof is not on");
            }
            this.proofAttackDifficulty = difficulty;
            return this;
        }

        /** Where the browser proof is served; {@code null} when it is not on. */
        public @Nullable String proofPath() {
            return proof == null ? null : proofPath;
        }

        private static void checkProofPath(String path) {
            if (!path.matches("(/[A-Za-z0-9._~-]+)+") || path.endsWith(".js") || path.matches(".*/\\.{1,2}(/.*)?")) {
                throw new IllegalArgumentException(
                        "path must be a plain path such as " + ProofSettings.DEFAULT_PATH + ", was '" + path + "'");
            }
        }

        /** One successful answer in {@code sampling} is learnt for decoys to look like; tests learn every one. */
        Builder realAnswerSampling(int sampling) {
            new RealAnswers(sampling); // validates
            this.realAnswerSampling = sampling;
            return this;
        }

        /** Adds a named decoy for the decoy action; {@code default} replaces the built-in default. */
        public Builder decoy(String name, DecoyResponse decoy) {
            decoys.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(decoy, "decoy"));
            return this;
        }

        /**
         * How the tarpit action delays: {@code delay} without holding a thread, then refuse or pass the
         * request on, with at most {@code maxConcurrent} requests waiting, and at most {@value
         * TarpitSettings#DEFAULT_MAX_CONCURRENT_PER_CLIENT} of one client. Default 5 s, refuse, 100.
         *
         * @throws IllegalArgumentException if the delay or the bound is not positive
         */
        public Builder tarpit(Duration delay, AfterTarpit then, int maxConcurrent) {
            // the default per-client bound may be above a small maxConcurrent: the whole tarpit's bound then holds
            return tarpitOf(delay, then, maxConcurrent, TarpitSettings.DEFAULT_MAX_CONCURRENT_PER_CLIENT);
        }

        /**
         * As {@link #tarpit(Duration, AfterTarpit, int)}, with at most {@code maxConcurrentPerClient}
         * requests of one client (its address, or its IPv6 network) waiting at once; a client's further
         * requests are refused at once with 429. Default {@value TarpitSettings#DEFAULT_MAX_CONCURRENT_PER_CLIENT}.
         *
         * @throws IllegalArgumentException if the delay or a bound is not positive, or the per-client bound is above
         *     {@code maxConcurrent}
         */
        public Builder tarpit(Duration delay, AfterTarpit then, int maxConcurrent, int maxConcurrentPerClient) {
            Tarpit.checkBound("max-concurrent", maxConcurrent);
            Tarpit.checkBounds(maxConcurrent, maxConcurrentPerClient);
            return tarpitOf(delay, then, maxConcurrent, maxConcurrentPerClient);
        }

        private Builder tarpitOf(Duration delay, AfterTarpit then, int maxConcurrent, int maxConcurrentPerClient) {
            boolean passAfter = Objects.requireNonNull(then, "then") == AfterTarpit.PASS;
            new Tarpit(delay, passAfter, maxConcurrent, maxConcurrentPerClient).close(); // validates
            this.tarpitDelay = delay;
            this.tarpitPassAfter = passAfter;
            this.tarpitMaxConcurrent = maxConcurrent;
            this.tarpitMaxConcurrentPerClient = maxConcurrentPerClient;
            return this;
        }

        /**
         * Routes a client may call only once it gave the {@link #proof browser proof}, within {@code lasts}
         * of its last one (each proof renews it): others get 403 {@code proof-required} before any guard
         * counts them. For routes only your pages (and apps that solve the proof) call. Needs {@link
         * #store the state store}, where the proofs given are kept.
         *
         * @throws IllegalArgumentException if a pattern is not a path pattern, or {@code lasts} is under a
         *     millisecond (the failure guard's least {@code history-ttl}, which a proof lasts when built from settings)
         */
        public Builder requireProof(List<String> pathPatterns, Duration lasts) {
            return requireProof(pathPatterns, lasts, Mode.ENFORCE);
        }

        /**
         * {@link #requireProof(List, Duration)}, in {@code mode}: {@link Mode#MONITOR} only reports the
         * requests it would refuse to the engine's listeners (would-deny, guard {@code proof}) and lets them
         * go on to the guards, to see who would be refused before enforcing it.
         */
        public Builder requireProof(List<String> pathPatterns, Duration lasts, Mode mode) {
            List<PathPattern> patterns = new ArrayList<>();
            for (String pattern : pathPatterns) {
                patterns.add(PathPattern.parse(pattern));
            }
            if (lasts.toMillis() < 1) {
                throw new IllegalArgumentException("a proof must last at least 1ms, was " + lasts);
            }
            this.proofRequired = List.copyOf(patterns);
            this.proofLasts = lasts;
            this.proofRequiredMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** The state store the filter keeps what it must share across instances in: the proofs given. */
        public Builder store(StateStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** The engine to ask. Required. */
        public Builder engine(AbuseGuard engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
            return this;
        }

        /**
         * Applies the filter-level settings: enabled, client resolution, the {@code body} section, responses, decoys
         * and the tarpit.
         *
         * @throws io.github.abuseguard.config.InvalidSettingException naming the property of a bad value
         */
        public Builder settings(AbuseGuardSettings settings) {
            enabled(settings.engine().enabled());
            clientResolver(FilterAssembly.clientResolver(settings));
            BodySettings body = settings.section(BodySettings.class);
            if (body.maxBytes() < MIN_SETTING_BODY_BYTES || body.maxBytes() > MAX_BODY_BYTES) {
                // below a few hundred bytes every body a rule reads is too large: refused under the default
                // on-unreadable, every honest sign-up 413 (probe52b F4: 0 started without a word)
                throw new InvalidSettingException(
                        "abuse-guard.body.max-bytes",
                        "must be between " + MIN_SETTING_BODY_BYTES + " and " + MAX_BODY_BYTES + ", was "
                                + body.maxBytes());
            }
            maxBodyBytes(body.maxBytes());
            if (body.onUnreadable() == null) {
                throw new InvalidSettingException("abuse-guard.body.on-unreadable", "must be reject or allow");
            }
            refuseUnreadableBody(body.onUnreadable() == BodySettings.OnUnreadable.REJECT);
            PropertyPath.of("body")
                    .check(
                            "max-concurrent-reads-per-client",
                            () -> maxConcurrentReadsPerClient(body.maxConcurrentReadsPerClient()));
            ResponseSettings responses = settings.section(ResponseSettings.class);
            rateLimitHeaders(responses.rateLimitHeaders());
            String header = responses.tagHeader();
            PropertyPath.of("responses")
                    .check("tag-header", () -> tagHeader(header == null || header.isBlank() ? null : header.trim()));
            PropertyPath.of("responses").check("problem-type-base", () -> problemTypeBase(responses.problemTypeBase()));
            explainRefusals(responses.explain());
            PropertyPath decoysAt = PropertyPath.of("decoys");
            settings.section(DecoySettings.Named.class)
                    .forEach((name, decoy) -> decoy(name, DecoyResponse.of(decoy, decoysAt.child(name))));
            refuseUndefinedDecoys(settings);
            TarpitSettings tarpit = settings.section(TarpitSettings.class);
            String then = tarpit.then() == null ? "" : tarpit.then().trim().toLowerCase(Locale.ROOT);
            if (!then.equals("reject") && !then.equals("pass")) {
                throw new InvalidSettingException(
                        "abuse-guard.tarpit.then", "'" + tarpit.then() + "' is not reject or pass");
            }
            PropertyPath tarpitAt = PropertyPath.of("tarpit");
            Duration delay = tarpitAt.required(tarpit.delay(), "delay");
            tarpitAt.check("delay", () -> Tarpit.checkDelay(delay));
            tarpitAt.check("max-concurrent", () -> Tarpit.checkBound("max-concurrent", tarpit.maxConcurrent()));
            int perClient = tarpit.maxConcurrentPerClient();
            tarpitAt.check("max-concurrent-per-client", () -> {
                // the default may be above a small max-concurrent, whose bound then holds; a value set above it fails
                if (perClient != TarpitSettings.DEFAULT_MAX_CONCURRENT_PER_CLIENT) {
                    Tarpit.checkBounds(tarpit.maxConcurrent(), perClient);
                } else {
                    Tarpit.checkBound("max-concurrent-per-client", perClient);
                }
            });
            tarpitOf(
                    delay,
                    then.equals("pass") ? AfterTarpit.PASS : AfterTarpit.REJECT,
                    tarpit.maxConcurrent(),
                    perClient);
            ProofSettings proofSettings = settings.section(ProofSettings.class);
            if (proofSettings.enabled()) {
                PropertyPath proofAt = PropertyPath.of("proof");
                String path = proofAt.required(proofSettings.path(), "path");
                proofAt.check("path", () -> checkProofPath(path));
                proofAt.check("difficulty", () -> BrowserProof.checkDifficulty(proofSettings.difficulty()));
                Duration challengeTtl = proofAt.required(proofSettings.challengeTtl(), "challenge-ttl");
                proofAt.check("challenge-ttl", () -> BrowserProof.checkChallengeTtl(challengeTtl));
                String secret = proofSettings.secret();
                boolean randomSecret = secret == null || secret.isEmpty();
                if (!randomSecret) {
                    proofAt.check("secret", () -> BrowserProof.checkSecret(secret.getBytes(StandardCharsets.UTF_8)));
                }
                proof(path, proofSettings.difficulty(), challengeTtl, randomSecret ? null : secret);
                proofAt.check("attack-difficulty", () -> proofAttackDifficulty(proofSettings.attackDifficulty()));
                if (proofSettings.mode() == null) {
                    throw new InvalidSettingException("abuse-guard.proof.mode", "must be enforce or monitor");
                }
                List<String> requiredPaths = proofAt.required(proofSettings.requiredPaths(), "required-paths");
                for (int i = 0; i < requiredPaths.size(); i++) {
                    String pattern = proofAt.required(requiredPaths.get(i), "required-paths[" + i + "]");
                    proofAt.check("required-paths[" + i + "]", () -> PathPattern.parse(pattern));
                }
                PropertyPath.of("failure")
                        .check(
                                "history-ttl",
                                () -> requireProof(
                                        requiredPaths,
                                        settings.section(FailureSettings.class).historyTtl(),
                                        proofSettings.mode()));
                if ((secret == null || secret.isEmpty())
                        && !"local".equals(settings.engine().store().type())) {
                    log.warn("abuse-guard.proof.secret is not set while the state store is shared: a challenge one"
                            + " instance hands out fails on another. Set it to one value on every instance.");
                }
            } else {
                List<String> requiredPaths = proofSettings.requiredPaths();
                if (requiredPaths != null && !requiredPaths.isEmpty()) {
                    // a warning, not an error: switching the proof off while keeping its paths is how a rollout
                    // or an incident turns it off; but paths written alone look protected (cfg24 F11)
                    log.warn(
                            "abuse-guard.proof.required-paths is set but abuse-guard.proof.enabled is false: no path"
                                    + " requires a proof, {} included; set abuse-guard.proof.enabled=true to require it",
                            requiredPaths);
                }
                proof = null;
                proofRequired = List.of();
            }
            return this;
        }

        /**
         * Refuses a rule of the settings that names a decoy this builder does not have: it would be answered
         * with the default decoy, silently.
         */
        private void refuseUndefinedDecoys(AbuseGuardSettings settings) {
            Map<String, String> named = new LinkedHashMap<>();
            settings.section(RateLimitSettings.class)
                    .rules()
                    .forEach((rule, values) -> named.put(
                            "abuse-guard." + RateLimitGuardFactory.NAME + ".rules." + rule + ".decoy", values.decoy()));
            settings.section(OriginSettings.class)
                    .rules()
                    .forEach((rule, values) -> named.put(
                            "abuse-guard." + OriginGuardFactory.NAME + ".rules." + rule + ".decoy", values.decoy()));
            settings.section(EmailSettings.class)
                    .rules()
                    .forEach((rule, values) -> named.put(
                            "abuse-guard." + EmailGuardFactory.NAME + ".rules." + rule + ".decoy", values.decoy()));
            named.forEach((property, decoy) -> {
                if (decoy != null && !decoy.equals(GuardRule.DEFAULT_DECOY) && !decoys.containsKey(decoy)) {
                    Set<String> defined = new TreeSet<>(decoys.keySet());
                    defined.add(GuardRule.DEFAULT_DECOY);
                    throw new InvalidSettingException(
                            property,
                            "names decoy '" + decoy + "', which abuse-guard.decoys does not define; defined: "
                                    + defined);
                }
            });
        }

        /** Whether the filter checks requests at all. Default {@code true}. */
        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        /** Who the client is. Default: the peer address, no proxy trusted. */
        public Builder clientResolver(ClientResolver clientResolver) {
            this.clientResolver = Objects.requireNonNull(clientResolver, "clientResolver");
            return this;
        }

        /** The application's route templates, for metrics and guards that key by route. Default none. */
        public Builder routes(RouteTable routes) {
            this.routes = Objects.requireNonNull(routes, "routes");
            return this;
        }

        /**
         * The most body bytes a guard may read, and holds in memory per request while it does; a longer
         * body counts as unreadable. Default {@value BodySettings#DEFAULT_MAX_BYTES}; 0 means guards can read no body
         * at all.
         *
         * @throws IllegalArgumentException if negative or above 1 MiB
         */
        public Builder maxBodyBytes(int maxBodyBytes) {
            if (maxBodyBytes < 0 || maxBodyBytes > MAX_BODY_BYTES) {
                throw new IllegalArgumentException(
                        "maxBodyBytes must be between 0 and " + MAX_BODY_BYTES + ", was " + maxBodyBytes);
            }
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /**
         * The most bodies of one client (its address, or its IPv6 network) that guards read at once. Beyond it,
         * a request whose body a guard needs is not read at all: the field is {@link
         * io.github.abuseguard.BodyField.Unreadable#TOO_MANY_READS}, which the guard answers with {@code 429}
         * ({@code too-many-body-reads}, {@code Retry-After}), whatever {@link #refuseUnreadableBody} says. A body
         * that arrives slowly holds a request thread while it is read, so one client cannot hold them all.
         * Default {@value BodySettings#DEFAULT_MAX_CONCURRENT_READS_PER_CLIENT}.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxConcurrentReadsPerClient(int maxConcurrentReadsPerClient) {
            if (maxConcurrentReadsPerClient < 1) {
                throw new IllegalArgumentException(
                        "maxConcurrentReadsPerClient must be positive, was " + maxConcurrentReadsPerClient);
            }
            this.maxConcurrentReadsPerClient = maxConcurrentReadsPerClient;
            return this;
        }

        /**
         * Whether a body a guard needs but cannot read (too large, malformed, undecodable, consumed by an
         * earlier filter) is refused ({@code true}, the default: {@link BodySettings#DEFAULT_ON_UNREADABLE}) or judged
         * as having no such field.
         */
        public Builder refuseUnreadableBody(boolean refuseUnreadableBody) {
            this.refuseUnreadableBody = refuseUnreadableBody;
            return this;
        }

        /**
         * Whether the application takes a multipart body on a request's route, asked only of a multipart
         * request whose body a guard needs a field of, before anything of it is read. When it answers
         * {@code false} (the handler consumes JSON only, so the application would refuse the request
         * unread), the guard does not parse the body: the field is unreadable as unsupported ({@code 415}
         * problem+json, {@code unreadable-body:unsupported}), or with {@link #refuseUnreadableBody(boolean)
         * refuseUnreadableBody(false)} only the query string's values. The Spring Boot starter asks Spring
         * MVC's handler mappings. Default: every route takes one, and the guard parses it.
         */
        public Builder multipartTaken(Predicate<HttpServletRequest> multipartTaken) {
            this.multipartTaken = Objects.requireNonNull(multipartTaken, "multipartTaken");
            return this;
        }

        /**
         * The route template the framework sends a request to, asked only for a request whose route the
         * {@linkplain #routes route table} cannot tell from its method and path alone ({@link
         * RouteTable#ambiguous}: a more specific handler takes it only under conditions the client chooses);
         * {@code null} from the function keeps the table's answer. The Spring Boot starter asks Spring MVC's
         * handler mappings. Default: none, the table's answer.
         */
        public Builder frameworkRoute(Function<HttpServletRequest, String> frameworkRoute) {
            this.frameworkRoute = Objects.requireNonNull(frameworkRoute, "frameworkRoute");
            return this;
        }

        /**
         * The request's path as the route the framework sends it to spells it, asked of every request with its path
         * as sent (servlet path and path info), where the framework matches paths otherwise than as written
         * (case-insensitively, or with each segment trimmed): the guards then judge the request by the route's own
         * spelling ({@code /API/Scores/chess} as {@code /api/scores/chess}), so that every rule of the route applies
         * to it. The function answers {@code null} to keep the path as sent: where the framework matches as written,
         * names no route, or its route cannot be lined up with the path. The Spring Boot starter asks Spring MVC's
         * handler mappings when one is configured to match otherwise. Default: none, the path as sent.
         */
        public Builder frameworkSpelling(BiFunction<HttpServletRequest, String, String> frameworkSpelling) {
            this.frameworkSpelling = Objects.requireNonNull(frameworkSpelling, "frameworkSpelling");
            return this;
        }

        /**
         * Tells, once the exchange is over, whether the framework ran a handler of the application for a request
         * ({@link io.github.abuseguard.GuardRequest#unhandled()}): a rule keyed by a value any client may send for
         * another (a mailbox) gives back what it charged a request no handler ran for. The Spring Boot starter
         * asks whether Spring MVC matched a handler method. While it is asked, the request carries the status it was
         * answered with as {@link #ANSWERED_STATUS_ATTRIBUTE}. Default: none, every request taken as handled.
         */
        public Builder handlerRan(Predicate<HttpServletRequest> handlerRan) {
            this.handlerRan = Objects.requireNonNull(handlerRan, "handlerRan");
            return this;
        }

        /** Whether allowed requests carry the rate-limit fields. Default {@code true}. */
        public Builder rateLimitHeaders(boolean rateLimitHeaders) {
            this.rateLimitHeaders = rateLimitHeaders;
            return this;
        }

        /**
         * A request header carrying the risk score of tagged requests to the application, or {@code null}
         * for none (the default: the request attribute always carries it). Any value a client sent in
         * this header is removed, so the application can trust it; so a header the application reads for
         * something else (the credentials, the cookies, the body's type) cannot be it.
         *
         * @throws IllegalArgumentException if the name is not a header name, or is one HTTP gives a meaning to
         *     (probe46d L9: {@code Authorization} hid every client's credentials, and the right password got 401)
         */
        public Builder tagHeader(String tagHeader) {
            if (tagHeader != null) {
                if (!tagHeader.chars().allMatch(c -> c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)
                        || tagHeader.isEmpty()) {
                    throw new IllegalArgumentException("'" + tagHeader + "' is not a header name");
                }
                if (MEANINGFUL_HEADERS.contains(tagHeader.toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("'" + tagHeader + "' carries what the client sends for"
                            + " another purpose, and a client's value of the tag header is removed; name a header"
                            + " of your own, such as X-Abuse-Risk");
                }
            }
            this.tagHeader = tagHeader;
            return this;
        }

        /** Request headers HTTP, browsers or proxies give a meaning to: never the tag header. */
        private static final Set<String> MEANINGFUL_HEADERS = Set.of(
                "authorization",
                "proxy-authorization",
                "cookie",
                "host",
                "content-type",
                "content-length",
                "content-encoding",
                "transfer-encoding",
                "accept",
                "accept-language",
                "accept-encoding",
                "user-agent",
                "origin",
                "referer",
                "forwarded",
                "x-forwarded-for",
                "x-forwarded-proto",
                "x-forwarded-host",
                "x-real-ip",
                "x-forwarded-port",
                "x-forwarded-prefix",
                "x-xsrf-token",
                "x-csrf-token",
                "connection",
                "expect",
                "range",
                "if-match",
                "if-none-match",
                "if-modified-since",
                "if-unmodified-since");

        /**
         * The prefix of problem {@code type} URIs, the reason code appended. Default empty: the problem
         * types of draft-ietf-httpapi-ratelimit-headers ({@code quota-exceeded}, {@code
         * abnormal-usage-detected}).
         */
        public Builder problemTypeBase(String problemTypeBase) {
            Objects.requireNonNull(problemTypeBase, "problemTypeBase");
            try {
                java.net.URI.create(problemTypeBase + "rate-limited");
            } catch (IllegalArgumentException notAUri) {
                // every problem's type would be no URI reference (probe46d L10)
                throw new IllegalArgumentException(
                        "'" + problemTypeBase + "' followed by a reason code is no URI: " + notAUri.getMessage());
            }
            this.problemTypeBase = problemTypeBase;
            return this;
        }

        /**
         * Whether a behavioural refusal names its guard, reason, rule and detail (default {@code true}). With {@code
         * false} every such refusal is the same problem ({@code type}, {@code title}, {@code status}, {@code
         * instance}), so that a client cannot tell which guard refused it, or that a route is under attack. A
         * rate limit's quota, an unreadable body, an e-mail address and the browser proof are explained either
         * way: an honest client needs those to change its request.
         */
        public Builder explainRefusals(boolean explainRefusals) {
            this.explainRefusals = explainRefusals;
            return this;
        }

        /** @throws IllegalStateException if no engine was given, or routes require the proof without a store */
        public AbuseGuardFilter build() {
            if (engine == null) {
                throw new IllegalStateException("AbuseGuardFilter needs an engine");
            }
            if (!proofRequired.isEmpty() && (proof == null || store == null)) {
                throw new IllegalStateException(
                        "routes that require the browser proof need the proof on and the state store (Builder.store)");
            }
            return new AbuseGuardFilter(new Setup(
                    engine,
                    enabled,
                    new ServletGuardRequest.Options(
                            clientResolver,
                            routes,
                            maxBodyBytes,
                            refuseUnreadableBody,
                            multipartTaken,
                            new ClientShares(maxConcurrentReadsPerClient),
                            frameworkRoute,
                            handlerRan,
                            frameworkSpelling),
                    rateLimitHeaders,
                    tagHeader,
                    new ProblemResponse(problemTypeBase, explainRefusals),
                    Map.copyOf(decoys),
                    new RealAnswers(realAnswerSampling),
                    new Tarpit(tarpitDelay, tarpitPassAfter, tarpitMaxConcurrent, tarpitMaxConcurrentPerClient),
                    proof == null
                            ? null
                            : new ProofEndpoint(
                                    proof,
                                    proofAttackDifficulty,
                                    proofPath,
                                    new ProblemResponse(problemTypeBase, explainRefusals),
                                    proofRequired,
                                    store == null ? null : store.bans("proof:vouched"),
                                    proofLasts,
                                    proofRequiredMode,
                                    engine.timeSource(),
                                    !(store instanceof ResilientStateStore resilient
                                            && resilient.policy() == OutagePolicy.FAIL_CLOSED))));
        }
    }

    /**
     * What {@link #fromSettings(AbuseGuardSettings, Consumer)} adds to the settings: each is optional, and
     * nothing here overrides a setting.
     */
    public static final class Additions {
        private RouteTable routes = RouteTable.empty();
        private final List<GuardListener> listeners = new ArrayList<>();
        private final List<OutcomeObserver> observers = new ArrayList<>();
        private TimeSource timeSource = TimeSource.system();

        private Additions() {}

        /**
         * The application's route templates ({@code /api/accounts/{id}/cards}): the engine then plans each route once
         * and runs only the guards whose rules can apply to it, and listeners and the endpoint inventory see the
         * template, not the path. Default none: a request's route is unknown ({@code null}).
         */
        public Additions routes(RouteTable routes) {
            this.routes = Objects.requireNonNull(routes, "routes");
            return this;
        }

        /**
         * Adds a listener of the engine's events and evaluations (metrics, an audit log), heard after the decision
         * log of {@code abuse-guard.log}, in the order added.
         */
        public Additions listener(GuardListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Adds an observer of every answered request's status, after the guards, in the order added.
         *
         * @throws IllegalArgumentException if this observer was added already
         */
        public Additions observer(OutcomeObserver observer) {
            Objects.requireNonNull(observer, "observer");
            for (OutcomeObserver added : observers) {
                if (added == observer) {
                    throw new IllegalArgumentException("observer '" + observer.name() + "' was added already");
                }
            }
            observers.add(observer);
            return this;
        }

        /**
         * The clock of the guards and of the local store, so a test can move windows without sleeping. Default
         * {@link TimeSource#system()}.
         */
        public Additions timeSource(TimeSource timeSource) {
            this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
            return this;
        }
    }

    /** What the tarpit does with a request once its delay is over, as {@code abuse-guard.tarpit.then} names it. */
    public enum AfterTarpit {
        /** Refuses it, as a rejection would. */
        REJECT,
        /** Lets the application answer it, late. */
        PASS
    }
}
