package io.github.abuseguard;

/**
 * One check of a request. The engine ({@link AbuseGuard}) asks each guard in order and combines
 * their answers.
 *
 * <p>A guard is thread-safe and keeps no per-request state of its own; whatever it learns lives in a
 * store. An expected outcome, a denial included, is returned as a {@link Decision}; a guard throws
 * only when something is broken, and the engine then applies its {@link FailurePolicy}.
 */
public interface Guard {

    /** A short, stable, kebab-case name such as {@code rate-limit}: used in logs, metrics and problems. */
    String name();

    /**
     * Decides about one request before the application sees it.
     *
     * @return {@link Decision#allow()} when this guard has nothing to say; never {@code null}
     */
    Decision check(GuardRequest request);

    /**
     * Whether this guard may have anything to say about a request of {@code method} whose path belongs
     * to the route template {@code route}. The engine asks once per route and method, at a route's first
     * sight, and then asks only the guards that may apply: a route no guard names costs one look-up.
     *
     * <p>Answering {@code false} is a promise that, for every such request, {@link #check} would answer
     * {@link Decision#allow()} with no hints and {@link #observe} and {@link #cancel} would do nothing. A
     * guard that checks every request (client signals, IP lists) or keeps state across routes keeps the
     * default, {@code true}; a guard whose rules are scoped by path and method answers from its rules'
     * {@link GuardRule#mayApplyToRoute(String, PathPattern)}.
     *
     * @param method the request method in upper case
     * @param route the route template, parsed
     */
    default boolean mayApply(String method, PathPattern route) {
        return true;
    }

    /**
     * Whether a rule of this guard that watches the request could answer it, or a later request like it, with a
     * decoy ({@link Action#DECOY}: its own action, or that of a mode it starts). On such a request the engine reports
     * no rate-limit state ({@code RateLimit}, {@code RateLimit-Policy}), allowed or refused: a route's real answers
     * would carry fields its decoys lack, and one request would tell them apart (probe73b F1 of stop 69). Asked only
     * of a request that some rate-limit rule counted. A guard of your own that answers with decoys overrides it; the
     * default is {@code false}.
     */
    default boolean mayDecoy(GuardRequest request) {
        return false;
    }

    /**
     * Hears the status code the application answered with, after the exchange. Guards that learn from
     * outcomes (failure counts, sequence trails) override this; the default does nothing. Called only
     * for requests the application handled, never for requests the engine denied nor for exempt routes.
     */
    default void observe(GuardRequest request, int status) {}

    /**
     * Hears the outcome as {@link #observe(GuardRequest, int)} does, and whether the request's route is
     * <em>watched</em>: not exempt, and named by a rule of some guard ({@link #watches}). Guards that
     * remember clients across routes (a history of successful requests) override this, so that a route
     * nothing guards (a health check, a static page) cannot vouch for a client. Only a successful answer
     * (2xx, 3xx) can vouch, so for any other status {@code watched} is {@code false}: the engine does not
     * look a path without a route up for an answer that earns nothing (a scanner's 404s). The engine calls
     * only this method; the default passes the outcome on to {@link #observe(GuardRequest, int)}.
     */
    default void observe(GuardRequest request, int status, boolean watched) {
        observe(request, status);
    }

    /**
     * Whether the guard hears this request's outcome ({@link #observe(GuardRequest, int, boolean)}) as soon as its
     * status is final, before the response is committed, rather than after the exchange: where a later request of
     * the same client is judged by it (a step a {@code requires} rule looks back for), which a client firing that
     * request the instant it receives this answer must find recorded. Asked before the application answers, only
     * where the adapter reports commits; the guard then hears the outcome once, early. The default is {@code false}.
     */
    default boolean observesBeforeCommit(GuardRequest request) {
        return false;
    }

    /**
     * Whether the client of this request has no history yet that this guard would give it for a successful
     * answer on this watched route (see {@link #observe(GuardRequest, int, boolean)}). Asked before the
     * application answers, only on watched routes and only when the adapter reports commits
     * ({@link GuardRequest#historySettled()}): the adapter then calls {@link #earnHistory} no later than the
     * moment a successful response is committed, so a client that fires its next request the instant it
     * receives the answer already has the history, and {@code observe} leaves the history alone. Guards
     * that keep a history override both; the default keeps none.
     */
    default boolean lacksHistory(GuardRequest request) {
        return false;
    }

    /**
     * Gives the request's client its history: its successful answer on a watched route is being
     * committed. Called at most once per request, and only for a request {@link #lacksHistory} answered
     * {@code true} for. The default does nothing.
     */
    default void earnHistory(GuardRequest request) {}

    /**
     * Gives the request's client its history for something a request alone cannot show: it solved the
     * servlet filter's browser proof ({@link AbuseGuard#vouch}). A guard may trust such a client further than
     * one a successful answer vouched for. The default is {@link #earnHistory}.
     */
    default void earnProvedHistory(GuardRequest request) {
        earnHistory(request);
    }

    /**
     * Whether a rule of this guard names some request of {@code method} on the route template
     * {@code route}: such routes are <em>watched</em>, and only there can a client earn a history that
     * guards of the whole application trust. Guards whose rules are scoped by path and method answer
     * from their rules; the default, for guards that look at every request or at none in particular, is
     * {@code false}.
     *
     * @param method the request method in upper case
     * @param route the route template, parsed
     */
    default boolean watches(String method, PathPattern route) {
        return false;
    }

    /**
     * Hears that the engine refused a request after this guard let it pass: a later guard or the summed
     * risk score denied it with an action that never reaches the application ({@code REJECT},
     * {@code THROTTLE}, {@code DECOY}; not {@code TARPIT}, which may pass the request on). A guard that charged the request something in {@link #check} (rate-limit
     * tokens, a reservation in a session's trail, an in-flight slot) gives it back, so a refused request
     * costs the client nothing; a tarpitted request is cancelled when the tarpit refuses it in the end
     * ({@link AbuseGuard#refused}). Not called when this guard's own decision was a denial, nor when its check failed. The
     * default does nothing.
     */
    default void cancel(GuardRequest request) {}

    /**
     * Hears that a request this guard passed or tarpitted now waits in a tarpit that passes it on to the
     * application after its delay ({@link AbuseGuard#waiting}): the guard gives back what bounds how many requests
     * are in progress at once among many clients (a failure rule's places on a watched route), which a request held
     * for seconds would otherwise keep from everyone else, and keeps what counts the request itself (tokens, an
     * in-flight slot). {@link #resumes} takes it again when the delay ends. The default holds nothing of the kind.
     */
    default void waits(GuardRequest request) {}

    /**
     * Takes again what {@link #waits} gave back, the tarpit's delay over, before the request goes on to the
     * application ({@link AbuseGuard#resumed}).
     *
     * @return {@code null} when the request goes on; a refusal when what it gave back cannot be taken again (others
     *     took it meanwhile), which the engine answers instead, giving back what every guard holds for the request;
     *     a denial that is only reported (a monitored rule's), passes the request on (tag, log) or tarpits (the
     *     request has waited its delay) is reported as a new request's would be, and the request goes on
     */
    default @org.jspecify.annotations.Nullable Decision resumes(GuardRequest request) {
        return null;
    }

    /**
     * Hears that the engine answered a request this guard let pass with a decoy, which stands for a real answer: what a
     * real answer spends of the client's own quota stays spent (review136 F1, review137 F2: a decoy that gave the
     * rate-limit tokens back was never throttled where a real client was); what only the application's work holds (a
     * reservation of a session's step, an in-flight slot), a site-wide cap's tokens and what was spent on a key naming
     * someone else (a user name, a mailbox the request typed: review138 F1, F2) are given back, as for a refusal. Not
     * called for a decoy of a refusal that is evidence about what the client sent ({@link #refusalSpendsQuota}): the
     * guard is then {@linkplain #cancel cancelled} and {@linkplain #charge charged}, as for that refusal. The default
     * gives everything back ({@link #cancel}).
     */
    default void decoyed(GuardRequest request) {
        cancel(request);
    }

    /**
     * Whether {@link #cancel} gives back exactly what this very request was charged, at most once, so the
     * engine may cancel the guard also after its own tag, log or monitored denial, which lets the request
     * go on holding what it took. Such a guard keeps checking its other rules past those denials (its
     * {@link #monitoredRules} say which are monitored), and is never cancelled after its own refusal
     * (an action that does not pass the request on, of a rule not monitored): it gives back, or keeps
     * as its own denial, what it charged. Its own tarpit is no refusal (the request may still reach the
     * application): the guard keeps what it charged and is cancelled if the tarpit refuses the request
     * in the end. The default is {@code false}: the guard is cancelled only after it allowed or flagged
     * the request.
     */
    default boolean cancelsOnlyWhatItCharged() {
        return false;
    }

    /**
     * Tells the guard which of its rules' denials the engine only reports: {@code monitored.test(rule)}
     * is {@code true} when the engine, this guard or the named rule is in {@link Mode#MONITOR} now (run-time
     * switches included), so a guard that combines several rules can keep checking past a denial that
     * will not be enforced. Called once when the engine is built, before any request; the default ignores
     * it. A guard that overrides it belongs to one engine at a time: building a second engine with it
     * while the first is not closed fails ({@link IllegalStateException}).
     */
    default void monitoredRules(java.util.function.Predicate<String> monitored) {}

    /**
     * Tells the guard which requests are on a route the engine only reports ({@code abuse-guard.routes.monitor},
     * {@code @AbuseGuardMonitor}): such a route decoys nothing, so a guard that leaves out what a decoy would not carry
     * keeps it there (review145 F4: a rate-limit guard's own decoying rule took every honest answer's
     * {@code RateLimit} fields off a route on trial). Asked only where it matters, as a route look-up costs one.
     * Called once when the engine is built, before any request, with the engine's monitored routes; the default
     * ignores it.
     */
    default void monitoredRoutes(java.util.function.Predicate<GuardRequest> onTrial) {}

    /**
     * Whether a refusal by this guard is evidence about the client, so that the request still spends
     * the quota of the guards after it ({@link #charge}): a refusal of what the client chose to send (a
     * throw-away e-mail address) must not be a free, unlimited oracle, while a refusal for a reason
     * outside the client's control is given back. Asked only when this guard's enforced denial refuses
     * the request, never on the allow path. The default is {@code false}.
     *
     * @param denial this guard's denial of the request
     */
    default boolean refusalSpendsQuota(Decision denial) {
        return false;
    }

    /**
     * Whether this guard allows the request another site's page made, which the engine would refuse
     * before any guard counts it ({@link CrossSiteRequests}): an origin guard whose rule for the route
     * lists the request's {@code Origin}. Asked only for such a request, never on the allow path. The
     * default is {@code false}.
     */
    default boolean allowsCrossSite(GuardRequest request) {
        return false;
    }

    /**
     * The application's own origins, where this guard was told them (the origin guard's {@code own-origins}), for the
     * engine's refusal of requests another origin's server forwarded ({@link CrossSiteRequests}); {@code null} when it
     * names none. The default is {@code null}.
     */
    default java.util.function.@org.jspecify.annotations.Nullable Predicate<String> ownOrigins() {
        return null;
    }

    /**
     * Spends what a request costs without judging it: called instead of {@link #check} for a request
     * that an earlier guard refused with {@link #refusalSpendsQuota} {@code true}. A guard that keeps a
     * quota (rate limits) takes the request's tokens and answers its own denial when none were left,
     * which then replaces the earlier refusal, so that a client that spent its quota learns nothing more;
     * the request is never cancelled afterwards. The default spends nothing and allows.
     */
    default Decision charge(GuardRequest request) {
        return Decision.allow();
    }

    /**
     * Describes this guard for operators (the Actuator endpoint): its rules, where each came from and
     * its settings, and any live state worth showing. Called rarely and off the request path; it must
     * not change the guard. The default has neither rules nor state.
     */
    default GuardDescription describe() {
        return GuardDescription.of(name());
    }
}
