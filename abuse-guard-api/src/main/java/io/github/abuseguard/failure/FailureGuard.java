package io.github.abuseguard.failure;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.abuseguard.Action;
import io.github.abuseguard.BodyField;
import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardDescription;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.KeyResolver;
import io.github.abuseguard.RuleGuard;
import io.github.abuseguard.StoreRuleBuilder;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.internal.BaselineJson;
import io.github.abuseguard.internal.BrowserInvariants;
import io.github.abuseguard.internal.Durations;
import io.github.abuseguard.internal.IpAddresses;
import io.github.abuseguard.internal.RuleKeys;
import io.github.abuseguard.internal.SettingsBinder;
import io.github.abuseguard.store.BannedKey;
import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.Histories;
import io.github.abuseguard.store.SlidingWindows;
import io.github.abuseguard.store.StateStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Counts the outcomes the application produced and bans what fails too often: fail2ban and allow2ban
 * per key, distinct-value counts (one user name from many addresses, one address trying many user
 * names), and a route-level surge detector that puts a route <em>under attack</em>.
 *
 * <p>Outcomes are heard after the exchange ({@link #observe}); a ban decided there refuses the key's
 * <em>next</em> request in {@link #check}, before the application authenticates it. So that requests
 * racing in before their failures are counted cannot outnumber {@code max-retry}, a rule counting
 * failures takes an in-flight slot per request in {@code check} (refused once failures plus slots
 * reach {@code max-retry}) and gives it back when the outcome is heard or the request is refused (a slot
 * is given back exactly once, to the find-time window it was taken in: the request records which slots it
 * holds and when it took them); a slot never given back lapses on its own one to two find-times after it
 * was taken, so a key that always has requests in flight never holds more than {@code max-retry}. More than {@code max-retry} requests of one key in flight at once are refused
 * with the reason {@code too-many-in-flight} and a Retry-After of one second, nothing being banned. A
 * distinct rule holds no slot for a pair it has already seen, whose failure cannot raise the count. An attack spread
 * over thousands of addresses with one or two tries each never trips a per-key count; the surge
 * detector catches it as a rise of the route's failure rate, and while the route is under attack,
 * requests with risk signals (a fresh client without successful requests, a tool user agent, no
 * browser or app signals, a browser's claims without the {@code Origin} a browser sends) are answered
 * with the route's action.
 *
 * <p>All counts and bans live in the {@link StateStore}, bounded per namespace and expiring. A key
 * costs one {@link StateStore#slidingWindows sliding-windows} entry per rule once it took a slot or was
 * counted (a request a rule of the guard refuses takes no slot and is not counted, so it writes none) (in process about 200 bytes with an IPv4 key, its counts, slots and ban in one entry; about 450
 * once banned, with its ban kept apart and its ban history; measured by {@code FailureKeyFootprint}), plus a
 * counter per distinct pair for distinct rules; a client address costs one history ({@link StateStore#histories}) once it has
 * answered successfully. Thread-safe.
 */
public final class FailureGuard extends RuleGuard<FailureRule> {

    /** The guard's name. */
    public static final String NAME = "failure";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FailureGuard.class);

    /** Redirects on a failure rule's routes, with none of its statuses heard, before it WARNs once. */
    static final int REDIRECTS_BEFORE_WARNING = 100;

    /** The default time a client's history lasts from its first successful request: 24 hours. */
    public static final Duration DEFAULT_HISTORY_TTL =
            SettingsBinder.duration("abuse-guard.failure.history-ttl", FailureSettings.DEFAULT_HISTORY_TTL);

    /**
     * A client library, tool, headless browser or crawler named as a product token of the user agent (at its
     * start or after a space, {@code ;}, {@code (} or {@code +}): a tool followed by its version, {@code ;},
     * {@code )}, a space or the end ({@code curl/8.5}, {@code python-requests/2.31}, {@code HeadlessChrome/120},
     * {@code Symfony HttpClient (Curl)}); a crawler, with suffixes such as {@code -Image}, followed by its
     * version, {@code ;}, the end or its {@code +http} address ({@code Googlebot-Image/1.0},
     * {@code (compatible; Bytespider; ...)}, {@code AdsBot-Google (+http://...)}). Never a word inside a
     * browser's platform: a phone called {@code CUBOT X30} or {@code RubyPhone} is not a tool (probe8 L1). Only
     * the first {@value #MAX_USER_AGENT_CHARS} characters are looked at.
     */
    /**
     * Marks a credential standing for an absent distinct value, so that it is never the same value as a user
     * name (whose key holds no control character).
     */
    private static final char CREDENTIAL_AS_VALUE = '\u0001';

    private static final Pattern TOOL_USER_AGENT = Pattern.compile(
            "(?:^|[\\s;(+])(?:(?:(?:lib|py|r-)?curl|wget2?|python[\\w.-]*|go-http-client|java[\\w.-]*|okhttp"
                    + "|apache-httpclient|libwww-perl|httpie|axios|node-fetch|undici|scrapy|aiohttp|httpx"
                    + "|postmanruntime|insomnia|headlesschrome|phantomjs|selenium|puppeteer|playwright|ruby|perl"
                    + "|php|guzzlehttp|(?:windows)?powershell)(?:[/;)]|$|\\s)"
                    + "|[\\w.-]*(?:bot|crawler|spider)(?:-[\\w.]+)*(?:[/;]|$|\\s+\\(?\\+https?:))",
            Pattern.CASE_INSENSITIVE);

    /** Whether {@code agent} names a client library, tool or crawler ({@link #TOOL_USER_AGENT}). */
    static boolean isToolUserAgent(CharSequence agent) {
        return TOOL_USER_AGENT.matcher(agent).find();
    }

    private static final int MAX_USER_AGENT_CHARS = 512;

    /** What a rule's check answers when the request took an in-flight slot (and is allowed). */
    private static final Decision SLOT_TAKEN = Decision.allow();

    /**
     * What a rule's check answers when what is left is its store step, which may write an entry (count the
     * request, take an in-flight slot): done only once no rule of the guard refused the request. Never
     * returned by the guard.
     */
    private static final Decision STORE_STEP = Decision.flag(NAME, "store-step", 1);

    /** What a rule's route-place step answers when the request took a place ({@link RuleState#takeRoutePlace}). */
    private static final Decision PLACE_TAKEN = Decision.flag(NAME, "route-place", 1);

    /** The key of a route's places in its rule's own namespace: one per rule. */
    private static final String ROUTE_PLACES = "route";

    /** The Retry-After of a refusal for too many requests of one key in flight: they end soon. */
    static final Duration IN_FLIGHT_RETRY_AFTER = Duration.ofSeconds(1);

    /** The Retry-After of a ban found ended between its check and the look-up of its end. */
    static final Duration ENDING_BAN_RETRY_AFTER = Duration.ofSeconds(1);

    /**
     * Per rule, the most ban ends an instance remembers for the Retry-After of its refusals ({@link
     * RuleState#banEnds}); past it the least used are forgotten and looked up again.
     */
    static final int MAX_REMEMBERED_BAN_ENDS = 4_096;

    /**
     * Rules one guard can hold in-flight slots for: a bit each in the low half of the request's {@code
     * heldSlots}; the high half holds when the slots were taken ({@link #STAMP_MASK}).
     */
    static final int MAX_RULES = 32;

    /**
     * The bits of the epoch millisecond a request's slots were taken at, kept with them: a slot is given back
     * to the window it was taken in, so one that lapsed meanwhile frees nothing. Requests in flight for
     * longer than this (about 24 days) are not told apart from newer ones.
     */
    static final long STAMP_MASK = 0x7fff_ffffL;

    private static final long RULE_BITS = 0xffff_ffffL;

    /**
     * Marks a request's route places as given back while it waits in a tarpit that passes it on ({@link #waits}): the
     * rule bits say which to take again when it resumes ({@link #resumes}), and nothing is given back for them twice.
     * The stamp of places held never reaches this bit ({@link #STAMP_MASK}).
     */
    private static final long WAITING = Long.MIN_VALUE;

    /**
     * The failures of a pair a distinct rule has already seen that its route's surge detector forgives as a
     * user's typos: the pair's second and third. Forgiven, they count toward the route's failure count but
     * never toward its failure ratio ({@link RouteSurge#recordRetry(long)}), within their site's share: a crowd
     * guessing three times each at many accounts, fewer than ten addresses per account, is seen by its count
     * (review9), a crowd retrying its typos is not, by its ratio. From its fourth on, within find-time, a
     * pair's failure is a guess and counts as a failure within its site's share, as a new pair's does. None is forgiven on a value
     * (a user name) that {@link RouteSurge#MIN_KEYS} keys (addresses) failed on within find-time: a crowd
     * guessing at one account, each address within the forgiven retries (probe14).
     */
    static final int FORGIVEN_RETRIES = 2;

    private final RuleState[] rules;
    private final Map<String, RouteSurge> surges;
    /** Whether a rule keeps route places ({@link RuleState#routePlaces}): a guard without a surge detector asks none. */
    private final boolean placesKept;

    private final Histories history;
    private final TimeSource timeSource;
    private volatile Predicate<String> monitored = rule -> false;

    private FailureGuard(StateStore store, TimeSource timeSource, List<FailureRule> rules, Duration historyTtl) {
        super(
                NAME,
                rules,
                Asked.ON_EVERY_ROUTE); // the surge detectors learn a client's history from its successful requests
        // on every route
        if (rules.size() > MAX_RULES) {
            throw new IllegalStateException(
                    "abuse-guard.failure.rules: at most " + MAX_RULES + " rules, got " + rules.size());
        }
        this.timeSource = timeSource;
        Bans modes = store.bans("failure:under-attack");
        // in the store, shared as the mode's counts are: N instances admit the failures that start the mode in all,
        // not N times them (stop 51's open item); none without a surge detector
        StateStore places = rules.stream().anyMatch(rule -> rule.underAttack() != null) ? store : null;
        Map<String, RouteSurge> surgeByRule = new LinkedHashMap<>();
        List<RuleState> states = new ArrayList<>();
        for (FailureRule rule : rules()) {
            if (rule.banTime().compareTo(rule.findTime()) < 0) {
                LOG.warn(
                        "Failure rule '{}': ban-time {} is shorter than find-time {}, so each ban lasts find-time: a"
                                + " ban forgets the failures that earned it, and a shorter one would give a banned key"
                                + " {} more tries each time it ended",
                        rule.name(),
                        Durations.written(rule.banTime()),
                        Durations.written(rule.findTime()),
                        rule.maxRetry());
            }
            RouteSurge surge = rule.underAttack() == null
                    ? null
                    : new RouteSurge(rule.name(), rule.underAttack(), store, modes, RuleState.resourceKey(rule));
            if (surge != null) {
                surgeByRule.put(rule.name(), surge);
            }
            states.add(new RuleState(
                    rule,
                    store,
                    surge,
                    historyTtl,
                    surge == null
                            ? null
                            : places.slidingWindows(
                                    "route-places:" + rule.name(),
                                    rule.underAttack().window())));
        }
        this.rules = states.toArray(RuleState[]::new);
        this.surges = Map.copyOf(surgeByRule);
        this.placesKept = places != null;
        this.history = surgeByRule.isEmpty() ? null : store.histories("failure:history", historyTtl);
    }

    /** Starts a guard; it needs a store and at least one rule. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Asks every rule of the route. A denial that passes the request on (tag, log, or a monitored rule's)
     * is kept and the other rules are still asked, so a later rule's ban and in-flight slot are never skipped; the first
     * denial that refuses the request wins over it. A refusal gives back the slots the request took, so
     * each slot is given back exactly once whatever the engine does with the refusal (a monitored rule
     * lets the request reach the application, which then holds none).
     */
    @Override
    public Decision check(GuardRequest request) {
        return check(request, eachRuleMatched());
    }

    /** A rule whose ban, or whose under-attack mode, answers with a decoy. */
    @Override
    protected boolean decoys(FailureRule rule) {
        return rule.action() == Action.DECOY
                || (rule.underAttack() != null && rule.underAttack().action() == Action.DECOY);
    }

    @Override
    protected boolean readsBody(FailureRule rule) {
        return rule.readsBody();
    }

    @Override
    protected Decision check(GuardRequest request, Applying applying) {
        long taken = 0;
        long places = 0;
        boolean tracksPlaces = placesKept && request.heldRoutePlaces() != GuardRequest.UNTRACKED;
        long now = 0;
        boolean timed = false;
        long storeSteps = 0;
        Decision refusal = null;
        Decision passedOn = null;
        Decision reported = null;
        // Step 0 checks every rule that applies. The store steps (a slot taken, a request counted) come after,
        // and only for a request no rule refused: a refusal writes no entry, so a client refused by every request
        // (banned, under attack) cannot fill the store with entries for the names it sends and evict other
        // clients' counts (probe44b F1). Step 1 takes those of the rules keyed by what the client cannot choose
        // (its address), step 2 the others, so that one banned by its address writes nothing under its names.
        for (int step = 0; step < 3 && (step == 0 || (storeSteps != 0 && !refuses(refusal))); step++) {
            for (int i = 0; i < rules.length && (step == 0 || !refuses(refusal)); i++) {
                Decision decision;
                if (step == 0) {
                    if (!applies(applying, i, request)) {
                        continue;
                    }
                    if (!timed) {
                        now = timeSource.epochMillis(); // one time for every slot the request takes
                        timed = true;
                        // its outcome counts: a right password whose answer a framework could not write in the
                        // client's Accept (406 after the handler ran) is a success, not whatever 406 counts as
                        request.handlerStatusWanted(true);
                    }
                    decision = rules[i].check(request, this, now);
                    if (tracksPlaces && (decision == null || decision == STORE_STEP)) {
                        Decision place = rules[i].takeRoutePlace(request, this, now);
                        if (place == PLACE_TAKEN) {
                            places |= 1L << i;
                        } else if (place != null) {
                            // a banned key is told its ban, which the store step would have found, not to retry in a
                            // second (probe72b F2: 14-18 of 20 requests of a banned address sent at once were)
                            decision = banOfAnyRule(request, applying, now, place);
                        }
                    }
                    if (decision == STORE_STEP) {
                        storeSteps |= 1L << i;
                        continue;
                    }
                } else {
                    if ((storeSteps & 1L << i) == 0
                            || rules[i].rule.keyResolver().readsBody() != (step == 2)) {
                        continue;
                    }
                    decision = rules[i].storeStep(request, now);
                    if (decision == SLOT_TAKEN) {
                        taken |= 1L << i;
                        continue;
                    }
                }
                if (decision == null) {
                    continue;
                }
                if (monitored.test(decision.rule())) {
                    reported = reported == null ? decision : reported;
                } else if (decision.action().passesRequestOn()) {
                    passedOn = passedOn == null ? decision : passedOn;
                } else if (refusal == null
                        || (refusal.action() == Action.TARPIT && decision.action() != Action.TARPIT)) {
                    refusal = decision; // a refusal wins over a tarpit, which may still let the request through
                }
            }
        }
        if (refuses(refusal)) {
            // it never reaches the application, or (monitored) reaches it holding no slot
            release(request, taken, now, now);
            releasePlaces(request, places, now, now);
            return refusal;
        }
        // A tarpitted request may still reach the application (tarpit.then: pass): it keeps its slots, which
        // the engine gives back if the tarpit refuses it in the end, or settles with its outcome.
        request.heldSlots(taken == 0 ? 0 : (now & STAMP_MASK) << 32 | taken);
        if (tracksPlaces) {
            request.heldRoutePlaces(places == 0 ? 0 : (now & STAMP_MASK) << 32 | places);
        }
        if (refusal != null) {
            return refusal;
        }
        if (passedOn != null) {
            return passedOn;
        }
        return reported == null ? Decision.allow() : reported;
    }

    /** Whether a rule's answer refuses the request for good: not a tarpit, which may still let it through. */
    private static boolean refuses(@Nullable Decision refusal) {
        return refusal != null && refusal.action() != Action.TARPIT;
    }

    @Override
    public void monitoredRules(Predicate<String> monitored) {
        this.monitored = Objects.requireNonNull(monitored, "monitored");
    }

    /** A request records the slots it holds: a cancel gives back those, once, whatever this guard answered. */
    @Override
    public boolean cancelsOnlyWhatItCharged() {
        return true;
    }

    /**
     * Gives back the in-flight slots the request took: another guard refused it. A request that records
     * no slots ({@link GuardRequest#UNTRACKED}) took none, so nothing is given back for it.
     */
    @Override
    public void cancel(GuardRequest request) {
        long held = request.heldSlots();
        if (held != GuardRequest.UNTRACKED && held != 0) {
            request.heldSlots(0);
            long now = timeSource.epochMillis();
            release(request, held & RULE_BITS, reservedAt(held, now), now);
        }
        givePlacesBack(request);
    }

    /** Gives back the route places the request holds, once; none while it waits in a tarpit ({@link #waits}). */
    private void givePlacesBack(GuardRequest request) {
        if (!placesKept) {
            return;
        }
        long held = request.heldRoutePlaces();
        if (held != GuardRequest.UNTRACKED && held != 0) {
            request.heldRoutePlaces(0);
            if ((held & WAITING) == 0) {
                long now = timeSource.epochMillis();
                releasePlaces(request, held & RULE_BITS, reservedAt(held, now), now);
            }
        }
    }

    /**
     * Gives back the route places the request holds while it waits in a tarpit that passes it on: they bound how many
     * requests of clients without a history are in progress on a watched route, and a request held for seconds is not
     * in progress there (probe62 F3: ten addresses' tarpitted successful sign-ins kept every newcomer out for the
     * delay). Its in-flight slots stay taken: they count it as an attempt. {@link #resumes} takes the places again.
     */
    @Override
    public void waits(GuardRequest request) {
        if (!placesKept) {
            return;
        }
        long held = request.heldRoutePlaces();
        if (held != GuardRequest.UNTRACKED && held != 0 && (held & WAITING) == 0) {
            request.heldRoutePlaces(WAITING | held & RULE_BITS);
            long now = timeSource.epochMillis();
            releasePlaces(request, held & RULE_BITS, reservedAt(held, now), now);
        }
    }

    /**
     * Takes again the route places {@link #waits} gave back, the tarpit's delay over: as a new request would, so the
     * route's under-attack mode, if it started meanwhile, refuses a request it refuses, and a request that finds every
     * place taken is refused {@code 429 too-many-unknown-in-flight}. A monitored rule's refusal, or a mode whose action
     * passes the request on (log, tag) or tarpits (the request has waited, and resumes only under then: pass), is
     * answered for the engine to report: the request goes on without that place.
     */
    @Override
    public @Nullable Decision resumes(GuardRequest request) {
        if (!placesKept) {
            return null;
        }
        long held = request.heldRoutePlaces();
        if (held == GuardRequest.UNTRACKED || (held & WAITING) == 0) {
            return null;
        }
        request.heldRoutePlaces(0);
        long wanted = held & RULE_BITS;
        long now = timeSource.epochMillis();
        long places = 0;
        Decision reported = null;
        for (int i = 0; i < rules.length && wanted != 0; i++) {
            if ((wanted & 1L << i) == 0) {
                continue;
            }
            wanted &= ~(1L << i);
            Decision decision = rules[i].modeRefusal(request, this, now);
            if (decision == null) {
                decision = rules[i].takeRoutePlace(request, this, now);
            }
            if (decision == PLACE_TAKEN) {
                places |= 1L << i;
                // recorded at once: should the store fail on the next rule, what the engine gives back includes it
                request.heldRoutePlaces((now & STAMP_MASK) << 32 | places);
            } else if (decision != null) {
                if (monitored.test(decision.rule())
                        || decision.action().passesRequestOn()
                        || decision.action() == Action.TARPIT) {
                    // only reported, logged or tagged, or a tarpit the request has waited out (resumed only under
                    // then: pass): it goes on without the place, as a new one would
                    reported = reported == null ? decision : reported;
                    continue;
                }
                request.heldRoutePlaces(0);
                releasePlaces(request, places, now, now);
                return decision;
            }
        }
        return reported;
    }

    /**
     * The ban of the first rule of the route whose key is banned, or {@code otherwise}: a request refused a route place
     * is told its ban, whichever rule holds it (probe72b F2, review127 F2: 14-18 of 20 requests of a banned address
     * sent at once were told to retry in a second). A store read per rule, on that path only.
     */
    private Decision banOfAnyRule(GuardRequest request, Applying applying, long now, Decision otherwise) {
        for (int k = 0; k < rules.length; k++) {
            if (applies(applying, k, request)) {
                Decision ban = rules[k].ban(request, now);
                // only a ban that refuses stands for the place refusal: a monitored or log-only rule's would let the
                // request through past the places every other newcomer is refused by (review128 F3, stop 69)
                if (ban != null && !monitored.test(ban.rule()) && !ban.action().passesRequestOn()) {
                    return ban;
                }
            }
        }
        return otherwise;
    }

    private void releasePlaces(GuardRequest request, long places, long reservedAt, long now) {
        String site = null;
        for (int i = 0; i < rules.length && places != 0; i++) {
            if ((places & 1L << i) != 0) {
                site = site == null ? IpAddresses.site(request.client().key()) : site;
                rules[i].routePlaces.release(ROUTE_PLACES, reservedAt, now);
                rules[i].sitePlaces.release(site, reservedAt, now);
                places &= ~(1L << i);
            }
        }
    }

    private void release(GuardRequest request, long slots, long reservedAt, long now) {
        for (int i = 0; i < rules.length && slots != 0; i++) {
            if ((slots & 1L << i) != 0) {
                rules[i].release(request, reservedAt, now);
                slots &= ~(1L << i);
            }
        }
    }

    /** When the slots recorded in {@code held} were taken: the latest time with their stamp up to {@code now}. */
    static long reservedAt(long held, long now) {
        long stamp = held >>> 32;
        return now - ((now - stamp) & STAMP_MASK);
    }

    /** Hears the outcome; no history is earned on a route nothing watches. */
    @Override
    public void observe(GuardRequest request, int status) {
        observe(request, status, false);
    }

    /**
     * Counts the outcome for each rule of the route, and remembers a client's first successful request
     * on a watched route (not exempt, named by a rule of some guard): its history.
     */
    @Override
    public void observe(GuardRequest request, int status, boolean watched) {
        observe(request, status, watched, eachRuleMatched());
    }

    @Override
    protected void observe(GuardRequest request, int status, boolean watched, Applying applying) {
        long now = 0;
        boolean timed = false;
        long held = request.heldSlots();
        if (held == GuardRequest.UNTRACKED) {
            held = 0;
        } else if (held != 0) {
            request.heldSlots(0); // settled below: never given back twice
        }
        long reservedAt = 0;
        for (int i = 0; i < rules.length; i++) {
            RuleState state = rules[i];
            if (!applies(applying, i, request)) {
                continue;
            }
            if (!timed) {
                now = timeSource.epochMillis();
                reservedAt = reservedAt(held, now);
                timed = true;
            }
            state.observe(request, status, now, (held & 1L << i) != 0, reservedAt);
        }
        givePlacesBack(request); // after its failure is counted: never neither in flight nor counted
        if (history != null && watched && status >= 200 && status < 400 && !request.historySettled()) {
            String client = request.client().key();
            // Read before writing: an address with history costs a look-up, not a write, per request.
            if (!history.has(client)) {
                history.earn(client);
                distrustWhereUnderAttack(client, false, false);
            }
        }
    }

    /** Whether the client has no history yet; only when a surge detector keeps histories. */
    @Override
    public boolean lacksHistory(GuardRequest request) {
        return history != null && !history.has(request.client().key());
    }

    @Override
    public void earnHistory(GuardRequest request) {
        earnHistory(request, false);
    }

    /** A client that proves itself while a route is under attack may try it {@code newcomer-attempts} times. */
    @Override
    public void earnProvedHistory(GuardRequest request) {
        earnHistory(request, true);
    }

    private void earnHistory(GuardRequest request, boolean proved) {
        if (history != null) {
            String client = request.client().key();
            boolean renewed = history.has(client);
            history.earn(client);
            // a proof renewed (a page reload, the script's renewal) is a client known from before
            distrustWhereUnderAttack(client, proved, renewed);
        }
    }

    /**
     * A client that earns its history (the browser proof, a first success) while a route is under attack is
     * not vouched for by it on that route until the mode is over, whatever its key kind: the clients who used
     * the app before go on, the attacker's fresh addresses do not buy themselves in one proof each (probe17:
     * 40 IPv4 addresses solving the proof during the gift-card mode had 360 of 360 guesses through). A /64
     * that earns it while its IPv6 site is under attack on its own is not vouched for at the site either. One that
     * solved the browser proof ({@code proved}) may still try the route {@code newcomer-attempts} times per
     * duration ({@link RouteSurge#admitsNewcomer}), so a new user is not kept out by the mode; under {@code
     * history: resource} so may one that renewed its proof ({@code renewed}), whose app history vouches for no
     * resource there.
     */
    private void distrustWhereUnderAttack(String client, boolean proved, boolean renewed) {
        boolean ipv6 = client.indexOf(':') >= 0;
        long now = timeSource.epochMillis();
        for (RuleState state : rules) {
            if (state.surge == null) {
                continue;
            }
            if (proved && state.perResource && state.surge.isUnderAttack()) {
                state.surge.provedDuringMode(client);
            }
            if (renewed) {
                continue;
            }
            if (state.watchesNewcomers) {
                // a site remembered for starting a mode earns no vouching history after it either, while remembered
                // (probe74b F1, stop 69: a starter that solved the proof once the mode ended guessed on, 2,594 of a
                // prepared crowd's 3,000 guesses an hour; review132 F6)
                Duration starterFor = state.surge.startedModeFor(client, now);
                if (state.surge.isUnderAttack() || !starterFor.isZero()) {
                    state.surge.distrustNewcomer(client, proved, starterFor);
                }
            }
            if (ipv6) {
                if (state.surge.isSiteUnderAttack(client, now)) {
                    state.surge.distrust(client, state.historyTtl);
                }
            }
        }
    }

    /** The names of the rules whose routes are under attack now. */
    public Set<String> underAttack() {
        Set<String> names = new LinkedHashSet<>();
        for (Map.Entry<String, RouteSurge> entry : surges.entrySet()) {
            if (entry.getValue().isUnderAttack()) {
                names.add(entry.getKey());
            }
        }
        return names;
    }

    /**
     * Ends a route's under-attack mode by hand, say after a false alarm, and forgets the client sites whose
     * failures started or extended it: they are no longer refused on their own, and their failures count
     * again.
     */
    public void endUnderAttack(String rule) {
        RouteSurge surge = surges.get(rule);
        if (surge == null) {
            throw new IllegalArgumentException("no rule '" + rule + "' with a surge detector");
        }
        surge.lift(timeSource.epochMillis());
    }

    /**
     * Lifts what the failure rules hold against a client or a value, as an operator's unban does (on a shared
     * store, on every instance): on each rule, the ban of the key the rule gives {@code value} ({@link
     * KeyResolver#keyOfValue}: a user name folded as the rule folds it, a mailbox as one inbox), and with {@code
     * clientKey} the ban of the requests that client sent without the rule's key, each with its counted failures
     * and its escalation, so that the next failure does not ban it again at once (probe52d F2: an unban lifted the
     * operator's bans only, and a user locked out by a rule stayed locked out); and the client's distrust on routes
     * under attack. A rule keyed by several parts takes its key from {@code value} and {@code clientKey} together
     * ({@code ip+body:/username}: the user name and the address), or {@code value} as {@link #bans} lists the key
     * ({@code 127.0.6.2|alice}).
     *
     * @param value the key as the operator gives it: a client key, a user name, an e-mail address, an API key
     * @param clientKey {@code value} read as a client key, or {@code null} when it is none
     * @return the names of the rules that held one of those keys banned, in the order of the rules
     */
    public List<String> lift(String value, @Nullable String clientKey) {
        long now = timeSource.epochMillis();
        List<String> lifted = new ArrayList<>();
        for (RuleState state : rules) {
            if (state.lift(value, clientKey, now)) {
                lifted.add(state.rule.name());
            }
        }
        return lifted;
    }

    /**
     * The keys each rule bans now, soonest to end first, at most {@code limit} per rule: whom the rules locked out, for
     * an operator who would lift a ban ({@link #lift}). A request counted by its client's address because it did not
     * carry the rule's key is listed by that address. On a shared store the bans of every instance are listed, and a
     * key that names others (a user name) by its digest, as {@link Bans#active} lists it: such a listing tells that an
     * account is locked out, and {@link #lift} takes its name, not the digest (the counts are kept by name).
     *
     * @throws IllegalArgumentException if {@code limit} is not between 1 and {@value Bans#MAX_LISTED}
     */
    public Map<String, List<BannedKey>> bans(int limit) {
        Map<String, List<BannedKey>> bans = new LinkedHashMap<>();
        for (RuleState state : rules) {
            List<BannedKey> listed = new ArrayList<>();
            for (BannedKey banned : state.counts.active(limit)) {
                listed.add(new BannedKey(RuleKeys.shown(banned.key()), banned.remaining()));
            }
            bans.put(state.rule.name(), listed);
        }
        return bans;
    }

    /**
     * What each surge-watched rule learned, for reports: failures per window, ratio, windows learned, thresholds
     * and times entered, and the same of its slow window ({@code slow...}).
     */
    public Map<String, Map<String, Number>> baselines() {
        Map<String, Map<String, Number>> report = new LinkedHashMap<>();
        surges.forEach((rule, surge) -> {
            RouteSurge.Baseline baseline = surge.baseline();
            Map<String, Number> values = new LinkedHashMap<>();
            values.put("failuresPerWindow", baseline.failures());
            values.put("failureRatio", baseline.ratio());
            values.put("windowsLearned", baseline.windows());
            values.put("failureThreshold", surge.failureThreshold());
            values.put("ratioThreshold", surge.ratioThreshold());
            values.put("timesEntered", surge.timesEntered());
            RouteSurge.Baseline slow = surge.slow().baseline();
            values.put("slowFailuresPerWindow", slow.failures());
            values.put("slowFailureRatio", slow.ratio());
            values.put("slowWindowsLearned", slow.windows());
            values.put("slowFailureThreshold", surge.slow().failureThreshold());
            values.put("slowRatioThreshold", surge.slow().ratioThreshold());
            report.put(rule, values);
        });
        return report;
    }

    /** The learned baselines as JSON, to be imported at the next start with {@link #importBaselines}. */
    public String exportBaselines() {
        return BaselineJson.write(json -> surges.forEach((rule, surge) -> {
            RouteSurge.Baseline baseline = surge.baseline();
            json.writeName(rule);
            json.writeStartObject();
            json.writeNumberProperty("failures", baseline.failures());
            json.writeNumberProperty("ratio", baseline.ratio());
            json.writeNumberProperty("windows", baseline.windows());
            RouteSurge.Baseline slow = surge.slow().baseline();
            json.writeNumberProperty("slowFailures", slow.failures());
            json.writeNumberProperty("slowRatio", slow.ratio());
            json.writeNumberProperty("slowWindows", slow.windows());
            json.writeEndObject();
        }));
    }

    /**
     * Starts the surge detectors from exported baselines. Rules the JSON does not name keep theirs;
     * names of rules without a detector are ignored, so an export survives a rule being removed.
     * The slow window's baseline ({@code slowFailures}, {@code slowRatio}, {@code slowWindows}) is
     * imported where the export has it: an export without it (before the slow window) leaves it to learn.
     * Nothing is imported unless the whole JSON is valid.
     *
     * @throws IllegalArgumentException if the JSON is malformed, a value is missing, negative or not
     *     finite, or a ratio is above 1
     */
    public void importBaselines(String exported) {
        record Imported(RouteSurge.Baseline window, RouteSurge.@Nullable Baseline slow) {}
        Map<String, Imported> parsed = new LinkedHashMap<>();
        BaselineJson.read(exported, (rule, json) -> {
            Map<String, Double> values = BaselineJson.numbers(
                    json,
                    rule,
                    Set.of("failures", "ratio", "windows", "slowFailures", "slowRatio", "slowWindows"),
                    MAX_IMPORTED);
            RouteSurge.Baseline window = baseline(values, "failures", "ratio", "windows");
            if (window == null) {
                throw new IllegalArgumentException(
                        "baseline '" + rule + "' needs failures >= 0, 0 <= ratio <= 1 and windows >= 0");
            }
            RouteSurge.Baseline slow = baseline(values, "slowFailures", "slowRatio", "slowWindows");
            if (slow == null && values.size() > 3) {
                throw new IllegalArgumentException("baseline '" + rule
                        + "' needs slowFailures >= 0, 0 <= slowRatio <= 1 and slowWindows >= 0, or none of them");
            }
            parsed.put(rule, new Imported(window, slow));
        });
        parsed.forEach((rule, imported) -> {
            RouteSurge surge = surges.get(rule);
            if (surge != null) {
                surge.baseline(imported.window());
                if (imported.slow() != null) {
                    surge.slow().baseline(imported.slow());
                }
                LOG.info(
                        "Imported the baselines of failure rule {}: the mode starts at {} failures a window, {}"
                                + " a slow window",
                        rule,
                        surge.failureThreshold(),
                        surge.slow().failureThreshold());
            }
        });
    }

    /**
     * The largest value an imported baseline may hold: failures per window, and windows learned. A baseline of
     * {@code 1e6} failures (or {@code 1e300}) put the thresholds out of any crowd's reach, and two crowds of 200
     * addresses never started the mode (probe52d F4); a route that fails more than this per window is no route a
     * baseline protects.
     */
    static final double MAX_IMPORTED = 100_000;

    /** The baseline of three exported values, or {@code null} if one is missing or the ratio is above 1. */
    private static RouteSurge.@Nullable Baseline baseline(
            Map<String, Double> values, String failures, String ratio, String windows) {
        Double f = values.get(failures);
        Double r = values.get(ratio);
        Double w = values.get(windows);
        if (f == null || r == null || w == null || r > 1) {
            return null;
        }
        return new RouteSurge.Baseline(f, r, w.longValue());
    }

    /** Whether a request to {@code state}'s routes is risky while they are under attack. */
    boolean isRisky(GuardRequest request, RuleState state) {
        return showsRiskSignal(request, state) || isFresh(request, state);
    }

    /** Whether the request shows a risk signal other than {@code fresh-client}: a tool's agent, no browser signals. */
    private boolean showsRiskSignal(GuardRequest request, RuleState state) {
        UnderAttack settings = state.rule.underAttack();
        Set<UnderAttack.Signal> signals = settings.signals();
        if (signals.contains(UnderAttack.Signal.TOOL_USER_AGENT)) {
            String agent = request.header("User-Agent");
            if (agent == null || agent.isBlank()) {
                return true;
            }
            CharSequence head =
                    agent.length() > MAX_USER_AGENT_CHARS ? agent.subSequence(0, MAX_USER_AGENT_CHARS) : agent;
            if (isToolUserAgent(head)) {
                return true;
            }
        }
        if (signals.contains(UnderAttack.Signal.MISSING_BROWSER_SIGNALS)
                && (settings.appHeader() == null || request.header(settings.appHeader()) == null)
                && !BrowserInvariants.credible(request)) {
            return true;
        }
        return false;
    }

    /**
     * Whether the request is risky only for a resource of its own (a rule's {@code history: resource}, not {@code
     * history: rule}, whose mark is the client's) its client's
     * history does not vouch for yet, the client itself having one and showing no other risk signal.
     */
    boolean freshResourceOnly(GuardRequest request, RuleState state) {
        return state.perResource && history.has(request.client().key()) && !showsRiskSignal(request, state);
    }

    /** Whether the {@code fresh-client} signal counts against the request: its client has no history that vouches. */
    private boolean isFresh(GuardRequest request, RuleState state) {
        if (!state.rule.underAttack().signals().contains(UnderAttack.Signal.FRESH_CLIENT)) {
            return false;
        }
        return state.ownHistory != null
                ? !state.ownHistory.isBanned(state.ownHistoryMark(request))
                : !history.has(request.client().key());
    }

    /**
     * Under {@code history: resource}, the most clients one resource vouches for within {@code history-ttl}:
     * a household or a small team sharing a card or an account, not a crowd.
     */
    static final int MAX_CLIENTS_PER_RESOURCE = 4;

    /** A rule with its counters and bans. */
    private static final class RuleState {
        final FailureRule rule;
        final SlidingWindows counts;
        final Counters seenPairs;
        /**
         * For a distinct rule watched for attacks: per value (a user name), the keys (addresses) that failed on
         * it within find-time, counted at each pair's first failure; from {@link RouteSurge#MIN_KEYS} on, the
         * value's retries are guesses, not typos ({@link #FORGIVEN_RETRIES} no longer applies).
         */
        final @Nullable Counters keysPerValue;

        final Counters banHistory;
        /**
         * Per key, the requests that found it past the limit and not yet banned, within {@link #banClaimFor}: the first
         * bans it ({@link #banOnce}), the others, which raced it (on other instances, or before its ban was written),
         * do not ban it again.
         */
        final Counters banClaims;
        /**
         * With a surge detector: per IPv6 site (a /48), its failures in find-time, whatever the rule's key: the
         * /64 keys of one site are many keys, and the site's own count per window alone let a /48 that kept under
         * it guess on for good (probe47b F6: three /48s, a new /64 every nine misses, 1,296 of 1,296 gift-card
         * guesses in eleven minutes). An address is its own key and site, and its key's count serves.
         */
        final @Nullable Counters ipv6SiteFailures;
        /**
         * With a surge detector: per IPv6 /64, its failures in find-time, so that a /64 that fails once or twice and
         * then succeeds (a subscriber's typo) is taken out of its site's count (review48 F4: twenty subscribers of a
         * carrier's /48, one typo each in ten minutes, put the site under attack on its own); per site, how many
         * failures were so forgiven in find-time, at most {@code min-failures}: a /64 per guess that signs in to an
         * account of the attacker's own after each buys that many guesses, not an endless supply (review49 F1: with
         * only second failures counted, a new /64 per guess was never counted at all).
         */
        final @Nullable Counters ipv6PrefixFailures;

        final @Nullable Counters ipv6SiteForgiven;
        /**
         * With a surge detector: per IPv6 site, in find-time, the failures of its /64s with a proof while it was under
         * attack on its own: the guesses its histories bought ({@link #siteBudgetSpent}). Not the site's failures
         * before its mode, nor its /64s' without a history, nor less the typos forgiven (review74 F3, F5).
         */
        final @Nullable Counters ipv6ProvedSiteFailures;
        /**
         * The end of each ban this instance set or refused a request by, for the Retry-After of its refusals;
         * bounded ({@link #MAX_REMEMBERED_BAN_ENDS}). The store decides whether a key is banned: an end remembered
         * here only words the refusal, and only while the store saw no lift since (probe67a F2: a ban lifted and set
         * again by another instance was worded with the lifted one's end).
         */
        final Cache<String, BanEnd> banEnds;

        final RouteSurge surge;

        /**
         * With a surge detector, in the store (shared by the instances): the route's places, one taken by each request of a client without a
         * history (or showing another risk signal) let on while the mode is off, until its outcome is heard; at most
         * the failures that start the mode ({@link RouteSurge#failureThreshold}). A failure is counted toward the mode
         * only once its answer is heard, so without them every request of a burst was decided before the first of its
         * failures counted (probe55a F1: 100 parallel guesses at one account from fresh addresses, 105 of 400 reached
         * the handler, each held 5 s by the tarpit; the mode started only after). Places lapse one to two windows
         * after they were taken, should an outcome never be heard.
         */
        final @Nullable SlidingWindows routePlaces;

        /**
         * Each client site's share of {@link #routePlaces}, in a namespace of their own: a flood of sites cannot push
         * the route's own count out of a bounded store.
         */
        final @Nullable SlidingWindows sitePlaces;

        /** With a surge detector: which of the rule's successes count in the route's failure ratio. */
        final @Nullable DistinctSuccesses successes;
        /**
         * The clients that succeeded on the rule's own routes, where only those count as a history: each is
         * marked for {@code history-ttl} from its last success (a mark is kept as a ban of this namespace,
         * which expires by itself and is renewed by each success).
         */
        final @Nullable Bans ownHistory;

        /**
         * Redirects answered on the rule's routes to a method it counts before any of its statuses was heard; at
         * {@value #REDIRECTS_BEFORE_WARNING} a WARN says the login likely answers a wrong password with a redirect,
         * which counts nothing (user76 F2: a plain servlet's form login, {@code 302 /login.html?error}, let 30 of 30
         * user names from one address through, without a word). Stops counting at the first failure heard. A login
         * that reports its failures redirects its right sign-ins too: at 20 the WARN came after a start where 20
         * right sign-ins came before the first wrong one (review149 F2); 100 in a row is rare at any site's rate of
         * mistyped passwords, and an attack on a login whose failures count nothing sends thousands.
         */
        private final java.util.concurrent.atomic.AtomicInteger redirectsBeforeAFailure =
                new java.util.concurrent.atomic.AtomicInteger();

        private volatile boolean failureHeard;

        /**
         * {@code history: resource}: a success marks the client for the resource it succeeded on only
         * ({@link #ownHistoryMark}), so one resource an attacker owns vouches for no other (probe18).
         */
        final boolean perResource;

        /** Under {@code history: resource}: per resource, the clients it marked within {@code history-ttl}. */
        final @Nullable Counters vouchedPerResource;

        /** Under {@code history: resource}: what names a request's resource besides its path ({@link #resourceKey(FailureRule)}). */
        private final @Nullable KeyResolver resourceKey;

        final Duration historyTtl;
        /**
         * Whether the app's history vouches for a client on the rule's mode ({@code fresh-client}, {@code
         * history: app}): then a history earned during the mode does not ({@link RouteSurge#isNewcomer}).
         */
        final boolean watchesNewcomers;

        RuleState(
                FailureRule rule,
                StateStore store,
                RouteSurge surge,
                Duration historyTtl,
                @Nullable SlidingWindows routePlaces) {
            this.rule = rule;
            this.routePlaces = routePlaces;
            this.sitePlaces = routePlaces == null
                    ? null
                    : store.slidingWindows(
                            "route-place-sites:" + rule.name(),
                            rule.underAttack().window());
            String namespace = "failure:" + rule.name();
            this.counts = store.slidingWindows(namespace, rule.findTime());
            this.seenPairs = rule.distinct() == null ? null : store.counters(namespace + ":seen", rule.findTime());
            this.keysPerValue = seenPairs == null || surge == null
                    ? null
                    : store.counters(namespace + ":keys-per-value", rule.findTime());
            this.banHistory = store.counters(namespace + ":bans", rule.maxBanTime());
            this.banClaims = store.counters(namespace + ":ban-claims", banClaimFor(rule));
            this.ipv6SiteFailures = surge == null ? null : store.counters(namespace + ":ipv6-sites", rule.findTime());
            this.ipv6PrefixFailures =
                    surge == null ? null : store.counters(namespace + ":ipv6-prefixes", rule.findTime());
            this.ipv6SiteForgiven =
                    surge == null ? null : store.counters(namespace + ":ipv6-forgiven", rule.findTime());
            this.ipv6ProvedSiteFailures =
                    surge == null ? null : store.counters(namespace + ":ipv6-proved-sites", rule.findTime());
            this.banEnds = Caffeine.newBuilder()
                    .maximumSize(MAX_REMEMBERED_BAN_ENDS)
                    .expireAfterWrite(rule.maxBanTime())
                    .executor(Runnable::run)
                    .build();
            this.surge = surge;
            this.ownHistory = surge != null && rule.underAttack().history() != UnderAttack.History.APP
                    ? store.bans(namespace + ":history")
                    : null;
            this.perResource = ownHistory != null && rule.underAttack().history() == UnderAttack.History.RESOURCE;
            this.vouchedPerResource = perResource ? store.counters(namespace + ":vouched", historyTtl) : null;
            this.resourceKey = perResource ? resourceKey(rule) : null;
            // Under history: resource the resource names a success, whatever the rule's key: one valid gift card
            // looked up from 250 addresses was a success of each (probe22 F6), and is one per window now.
            this.successes = surge == null
                    ? null
                    : new DistinctSuccesses(
                            rule.name(),
                            rule.underAttack(),
                            store,
                            perResource ? this::successfulResource : resourceKey(rule),
                            surge.perKeyCap(),
                            surge.slowSiteShare());
            this.historyTtl = historyTtl;
            this.watchesNewcomers = surge != null
                    && ownHistory == null
                    && rule.underAttack().signals().contains(UnderAttack.Signal.FRESH_CLIENT);
        }

        Decision check(GuardRequest request, FailureGuard guard, long now) {
            Decision underAttack = modeRefusal(request, guard, now);
            if (underAttack != null) {
                return underAttack;
            }
            BodyField.Unreadable unreadable = rule.keyResolver().unreadable(request);
            if (unreadable == null && rule.distinct() != null) {
                unreadable = rule.distinctResolver().unreadable(request);
            }
            if (unreadable != null) {
                // No key, and no shared one: a user name given twice, or in the body and the query at once,
                // would neither be counted nor refused, while the application binds one of them (review11).
                return BodyField.unreadable(unreadable).refusal(NAME, rule.name());
            }
            String key = keyOf(request);
            if (!rule.counts(request)) {
                // no credential, so its outcome will not count: no slot to hold, only the ban to look up
                return counts.isBanned(key) ? banned(key, now) : null;
            }
            if (rule.counting() == FailureRule.Counting.REQUESTS) {
                return STORE_STEP;
            }
            if (seenPairs != null) {
                String value = distinctValue(request);
                if (value == null) {
                    if (!countsAbsentValue()) {
                        // its failure cannot raise the distinct count: no slot to hold, only the ban to look up
                        return counts.isBanned(key) ? banned(key, now) : null;
                    }
                } else {
                    // "seen?" and the ban in one store step (one round trip on Redis; two for a pair seen before)
                    long seen = counts.getUnlessBanned(key, seenPairs, key + '\u0000' + value);
                    if (seen < 0) {
                        return banned(key, now);
                    }
                    if (seen > 0) {
                        return null; // its failure cannot raise the distinct count: no slot to hold
                    }
                }
            }
            if (request.heldSlots() == GuardRequest.UNTRACKED) {
                // It could not say later which slot it took: taking none is the only way never to give
                // back another request's. Its failure is still counted after the exchange, and a ban
                // refuses it like any other.
                return counts.isBanned(key) ? banned(key, now) : null;
            }
            return STORE_STEP;
        }

        /** The ban of the request's key under this rule, or {@code null} when it has none. */
        @Nullable
        Decision ban(GuardRequest request, long now) {
            String key = keyOf(request);
            return counts.isBanned(key) ? banned(key, now) : null;
        }

        /**
         * The rule's store step, once no rule of the guard refused the request ({@link #check} answered {@link
         * #STORE_STEP}): the request counted (allow2ban), or an in-flight slot taken, the ban looked up in the
         * same step.
         */
        Decision storeStep(GuardRequest request, long now) {
            String key = keyOf(request);
            if (rule.counting() == FailureRule.Counting.REQUESTS) {
                // allow2ban: the ban looked up and the request counted in one store step (one round trip)
                long count = counts.addUnlessBanned(key, now);
                if (count < 0) {
                    return banned(key, now);
                }
                if (count > rule.maxRetry()) {
                    // Banned once: the count is atomic, the ban a step after it, and each request that raced in
                    // before the ban was written banned again, each ban escalating the next (probe83a F1: one burst
                    // of 64 banned for max-ban-time, 24 h, where ban-time, 15 m, was due; on a key naming someone
                    // else, a lock-out of them). Not "the request counted max-retry + 1": a count can step over it
                    // (review150 F1: a request reaching the store after a later one, instances' clocks apart, a
                    // fallback's counts moved back), and the key was then refused by its count alone, never banned.
                    if (banOnce(key, now)) {
                        return banned(key, now);
                    }
                    // a racer: the ban being written is ban-time long at least (review150 F2: told to retry in 1 s)
                    return banned(rule.banFor(1));
                }
                return null;
            }
            // Failures are known only after the exchange: a slot per request in flight, so that requests
            // racing in before the failures are counted cannot outnumber max-retry. The ban is looked up
            // in the same step.
            return switch (counts.reserve(key, now, rule.maxRetry())) {
                case TAKEN -> SLOT_TAKEN;
                case BANNED -> banned(key, now);
                case FULL -> tooManyInFlight();
            };
        }

        /**
         * The mark a success leaves in {@link #ownHistory}, and that the mode looks up: the client's key
         * ({@code history: rule}), or under {@code history: resource} the client's key with the request's
         * {@link #resource}.
         */
        String ownHistoryMark(GuardRequest request) {
            return perResource
                    ? mark(request, resource(request))
                    : request.client().key();
        }

        private static String mark(GuardRequest request, String resource) {
            return request.client().key() + '\u0000' + resource;
        }

        /**
         * What a request under {@code history: resource} is about: its path, and the values of the parts of
         * the rule's key and {@code distinct} that are not the client's address (a user name, whether the rule
         * is keyed by it or counts it), digested when long ({@link KeyResolver#bounded}), so that a mark stays
         * the size of a key whatever path a client sends. The address is left out, or each client would be a
         * resource of its own and {@link #MAX_CLIENTS_PER_RESOURCE} would bound nothing.
         */
        private String resource(GuardRequest request) {
            String about = resourceKey == null ? null : resourceKey.resolve(request);
            return KeyResolver.bounded(request.path() + '\u0000' + (about == null ? "" : about));
        }

        /**
         * Under {@code history: resource}, the account a success counts for in the route's failure ratio ({@link
         * DistinctSuccesses}): its {@link #resource}, case-folded, so that an application that reads codes in
         * any letter case gives an attacker no new resource per spelling of one valid card (as a user name is
         * case-folded). Two resources that differ only in case count as one: a success fewer, never more.
         */
        private @Nullable String successfulResource(GuardRequest request) {
            String about = resourceKey == null ? null : resourceKey.resolve(request);
            if (resourceKey == null && !pathNamesResource(request)) {
                // A route of one fixed path whose resource travels in the body or the query, which the rule
                // does not name: every success would be the same resource, one per window, and the route's
                // usual misses would start the mode (review13). The client's own success counts instead.
                return null;
            }
            // folded as user names are (case, accents, full-width letters, invisible characters): an application that
            // looks codes up in an accent-insensitive collation answers each spelling of one valid card, and each
            // spelling was a success of its own (probe59e F1: 1,280 spellings of one card held the ratio under the
            // trigger, and 900 of 900 guesses went through)
            return KeyResolver.bounded(RESOURCE_FOLDING.keyOfValue(request.path())
                    + '\u0000'
                    + (about == null ? "" : RESOURCE_FOLDING.keyOfValue(about)));
        }

        /** Folds a success's resource as a user name is folded ({@link KeyResolver#bodyField}'s values). */
        private static final KeyResolver RESOURCE_FOLDING = KeyResolver.bodyField("/resource");

        /**
         * Whether the request's path can name a resource: its route template has a variable part, or no
         * template is known (the path is then all there is to tell resources apart).
         */
        private static boolean pathNamesResource(GuardRequest request) {
            String route = request.route();
            return route == null || route.indexOf('{') >= 0 || route.indexOf('*') >= 0;
        }

        /**
         * The parts of the rule's key and {@code distinct} that do not name the client's address, as one key
         * ({@code null} for none: the path alone is the resource). A key of the application's own that is no
         * specification counts as a whole. Also the account whose successes count once per window in the
         * route's failure ratio ({@link DistinctSuccesses}).
         */
        private static @Nullable KeyResolver resourceKey(FailureRule rule) {
            List<String> parts = new ArrayList<>();
            for (String spec : new String[] {rule.keySpec(), rule.distinct()}) {
                if (spec == null) {
                    continue;
                }
                for (String part : spec.split("\\+")) {
                    String kind = part.trim().toLowerCase(Locale.ROOT);
                    if (!kind.equals("ip") && !kind.equals("network") && !kind.equals("allocation")) {
                        parts.add(part.trim());
                    }
                }
            }
            if (parts.isEmpty()) {
                return null;
            }
            try {
                return KeyResolver.parse(String.join("+", parts));
            } catch (IllegalArgumentException applicationsOwnKey) {
                return rule.distinct() == null
                        ? rule.keyResolver()
                        : KeyResolver.all(List.of(rule.keyResolver(), rule.distinctResolver()));
            }
        }

        /**
         * Marks the client of a successful request in {@link #ownHistory} for {@code history-ttl} from now.
         * Under {@code history: resource} one resource marks at most {@value #MAX_CLIENTS_PER_RESOURCE}
         * clients within {@code history-ttl}, counted at each client's first mark: a card an enumerator
         * bought, looked up from thousands of addresses, would otherwise fill the store's bound with marks and
         * push out the customers' (probe20: 1,500 addresses, six look-ups each, pushed out 20 of 20 at a
         * bound of 500).
         */
        private void vouch(GuardRequest request) {
            if (!perResource) {
                ownHistory.ban(request.client().key(), historyTtl);
                return;
            }
            String resource = resource(request);
            String mark = mark(request, resource);
            if (!ownHistory.isBanned(mark) && vouchedPerResource.add(resource, 1) > MAX_CLIENTS_PER_RESOURCE) {
                return;
            }
            ownHistory.ban(mark, historyTtl);
        }

        /**
         * Whether the route's mode refuses the request: one with a risk signal, or, where the app's history
         * vouches, from a client that earned it during the mode, unless it proved itself then and {@code
         * admitsNewcomers} lets it try its {@code newcomer-attempts} ({@link RouteSurge#admitsNewcomer}). The same
         * holds, whether or not the mode is on and with no attempts, for a client whose site started or extended it
         * and is remembered for that ({@link ModeStarters}).
         */
        private boolean refusedUnderAttack(
                GuardRequest request, String client, FailureGuard guard, long now, boolean admitsNewcomers) {
            if (guard.showsRiskSignal(request, this)) {
                return true;
            }
            if (guard.isFresh(request, this)) {
                // under history: resource, a client without a history of its own for the resource that proved
                // itself during the mode tries its attempts too (probe47b F3: ten addresses with two misses each
                // kept every new customer from the gift cards for the mode's duration, at will)
                return !(admitsNewcomers && perResource && surge.admitsNewcomer(client, now));
            }
            if (!watchesNewcomers || !surge.isNewcomer(client)) {
                return false;
            }
            return !admitsNewcomers || !surge.admitsNewcomer(client, now);
        }

        /**
         * Whether a client of a site under attack on its own is refused. An IPv4 address is its own site: its
         * requests with a risk signal are. An IPv6 site (a /48) is many subscribers, so its clients (/64s)
         * with a history and browser signals go on, but only where a history costs a /64 more than a page
         * load: with the browser proof (only a proof settles a request's history before it is checked). Even
         * then, the /64s that failed while the site failed past its share, or earned their history while it
         * was under attack, are refused ({@link RouteSurge#distrusted}). Without the proof, one page load per
         * /64 would buy the site's many /64s back, so every client of the site is refused. And once the site's /64s
         * with a proof failed twice {@code min-failures} times in find-time while it was under attack, its histories
         * vouch for none of its /64s: proofs solved before the mode bought one failure per /64, a /48 holds 65,536 of
         * them, and a proof costs a core a few milliseconds (probe73a F1: 1,000 proved /64s of one /48, 1,000 of 1,000
         * guesses at the demo's login). Guesses already in flight when the budget is spent still pass (review74 F4;
         * making them take the site's places let one proved /64 hold both and lock its neighbours out, review75 F2).
         */
        private boolean refusedAtSite(GuardRequest request, String client, FailureGuard guard) {
            if (client.indexOf(':') < 0) {
                return guard.isRisky(request, this);
            }
            if (!request.historySettled() || surge.distrusted(client)) {
                return true;
            }
            if (!guard.isRisky(request, this)) {
                // a resource the /64's own history vouches for (a card it looked up before) goes on under a
                // per-resource
                // history, whoever spent the site's budget (review160 F1); under a per-client one it is refused then
                return !perResource && siteBudgetSpent(client); // review161 F1: history: rule is per client
            }
            // a neighbour proved before the mode, asking for a resource the rule's own history does not vouch for (a
            // card it never looked up): its newcomer attempts, its failures counted in the site's budget (probe85e F1)
            return !guard.freshResourceOnly(request, this) || siteBudgetSpent(client) || !surge.admitsNeighbour(client);
        }

        /** Whether the proved /64s of the IPv6 site of {@code client} spent their guesses ({@link #ipv6ProvedSiteFailures}). */
        private boolean siteBudgetSpent(String client) {
            return ipv6ProvedSiteFailures != null
                    && ipv6ProvedSiteFailures.get(IpAddresses.site(client))
                            >= 2L * rule.underAttack().minFailures();
        }

        /** The refusal of the route's under-attack mode, or its site's, for the request; {@code null} when it goes on. */
        @Nullable
        Decision modeRefusal(GuardRequest request, FailureGuard guard, long now) {
            if (surge != null) {
                String client = request.client().key();
                if (surge.isUnderAttack() && refusedUnderAttack(request, client, guard, now, true)) {
                    return underAttack("under-attack", "This endpoint is under attack");
                }
                if ((surge.isSiteUnderAttack(client, now) && refusedAtSite(request, client, guard))
                        || (surge.startedMode(client, now) && refusedUnderAttack(request, client, guard, now, false))) {
                    return underAttack("site-under-attack", "This endpoint is under attack from your network");
                }
            }
            return null;
        }

        /** Gives back the in-flight slot the request took in {@link #check} at {@code reservedAt}, if it took one. */
        void release(GuardRequest request, long reservedAt, long now) {
            if (rule.counting() == FailureRule.Counting.REQUESTS) {
                return;
            }
            counts.release(keyOf(request), reservedAt, now);
        }

        /**
         * The rule's key of the request; a stand-in for the client's key when the request does not carry what the
         * key names (no such header, cookie or field, an unknown session): leaving it out never escapes the rule
         * (probe38b F2), and no value a client sends is that stand-in ({@link RuleKeys}).
         */
        private String keyOf(GuardRequest request) {
            return RuleKeys.of(rule.keyResolver(), request);
        }

        private void heardRedirect() {
            if (redirectsBeforeAFailure.incrementAndGet() == REDIRECTS_BEFORE_WARNING) {
                LOG.warn(
                        "abuse-guard: failure rule '{}' heard {} redirects (3xx) on its routes and none of its statuses"
                                + " ({}): a sign-in that answers a wrong password with a redirect counts no failure."
                                + " Report the outcome with HandlerStatus.of(request).decided(401) before redirecting"
                                + " (a plain servlet), or add the redirect's status to the rule's statuses. If wrong"
                                + " passwords are reported so, these were right sign-ins and the first failure heard"
                                + " ends the count",
                        rule.name(),
                        REDIRECTS_BEFORE_WARNING,
                        rule.statuses());
            }
        }

        /**
         * {@code held}: whether the request holds a slot of this rule, taken at {@code reservedAt}, given back
         * (or settled) here.
         */
        void observe(GuardRequest request, int status, long now, boolean held, long reservedAt) {
            boolean failure = rule.isFailure(status);
            if (failure && !failureHeard) {
                failureHeard = true;
            } else if (!failureHeard
                    && status >= 300
                    && status < 400
                    && !request.method().equals("GET") // a page that redirects a signed-in visitor
                    && !request.method().equals("HEAD")
                    && rule.counts(request)) {
                heardRedirect();
            }
            if (!failure) {
                // a success that carried the rule's credential vouches; without one, only a method the rule
                // saw fail does (not the login page's GET), as for the surge
                if (ownHistory != null
                        && status >= 200
                        && status < 400
                        && rule.counts(request)
                        && (rule.credential() != null || surge.countsSuccessesOf(request.method()))) {
                    vouch(request);
                }
                if (surge != null && status >= 200 && status < 400 && rule.counts(request)) {
                    // a sign-in that may redeem its client's typos on the same account (with the same method: whatever
                    // this instance heard fail, another may have heard the typo)
                    long redeemed = surge.succeededOnAccount(request, now);
                    forgiveIpv6Typos(request, redeemed);
                }
                if (surge != null) {
                    int counted = status < 400 && surge.countsSuccessesOf(request.method())
                            ? successes.counts(request, now)
                            : DistinctSuccesses.NOWHERE;
                    if (counted != DistinctSuccesses.NOWHERE) {
                        surge.recordSuccess(now, (counted & DistinctSuccesses.IN_SLOW_WINDOW) != 0);
                    } else {
                        // refused for another reason (a login without a password), or a method the rule never
                        // saw fail (OPTIONS, the login page's GET): no evidence of normal use, so it cannot
                        // dilute the failure ratio, which costs an attacker nothing to pad; nor can an account
                        // signing in again within the window, or a site past its share (probe21)
                        surge.pass(now);
                    }
                }
                if (held) {
                    release(request, reservedAt, now);
                }
                return;
            }
            if (!rule.counts(request)) {
                // it carried no credential, so it tested none: neither the key's failure nor a surge's evidence
                if (surge != null) {
                    surge.pass(now);
                }
                if (held) {
                    release(request, reservedAt, now);
                }
                return;
            }
            if (surge != null) {
                surge.failedWith(request.method());
            }
            String key = keyOf(request);
            if (surge != null) {
                // before it is counted, so that a mode it starts finds its site's typos not all redeemed
                surge.failedOnAccount(request, now);
            }
            if (rule.counting() == FailureRule.Counting.REQUESTS) {
                if (surge != null) {
                    // counted in check; read only for a failure, so that one key cannot make a surge alone
                    // the key's count is of requests here, not failures: the site's share is counted apart
                    recordFailure(request, key, UNKNOWN_FAILURES, now, SlowSurge.Guess.NEW_ACCOUNT);
                }
                return;
            }
            if (seenPairs != null) {
                String value = distinctValue(request);
                long pairFailures;
                if (value == null) {
                    pairFailures = countsAbsentValue() ? 1 : 0;
                } else {
                    pairFailures = seenPairs.add(key + '\u0000' + value, 1);
                }
                if (pairFailures == 1 && keysPerValue != null && value != null) {
                    keysPerValue.add(value, 1); // one more key failing on this value
                }
                if (pairFailures != 1) {
                    if (surge != null) {
                        if (pairFailures > 1 + FORGIVEN_RETRIES) {
                            // Guessing, not a typo: a crowd guessing at one account adds a failure per
                            // address only once (probe14), so its later tries count, within the share; the
                            // slow window counts a pair's first past its typos apart from its later ones
                            recordFailure(
                                    request,
                                    key,
                                    UNKNOWN_FAILURES,
                                    now,
                                    SlowSurge.Guess.ofPair(pairFailures, FORGIVEN_RETRIES));
                        } else if (value != null && keysPerValue.get(value) >= RouteSurge.MIN_KEYS) {
                            // on a value many keys failed on, every retry is a guess, as new as an account's first
                            recordFailure(request, key, UNKNOWN_FAILURES, now, SlowSurge.Guess.NEW_ACCOUNT);
                        } else {
                            // A user retrying a mistyped password: never a request of the ratio, where an
                            // attacker's repeats would dilute it like successes (probe12), nor a failure of
                            // it, or a crowd signing in again would look like an attack; but a failure of the
                            // count, or a crowd guessing a few times each at many accounts would add one
                            // failure per address (review9).
                            recordRetry(request, now);
                        }
                    }
                    if (held) {
                        counts.release(key, reservedAt, now);
                    }
                    return; // the same value again does not make the key more suspicious
                }
            }
            long count = held ? counts.settle(key, reservedAt, now) : counts.add(key, now);
            if (surge != null) {
                // a key's failures past its share are no evidence: the surge needs several keys
                recordFailure(request, key, count, now, SlowSurge.Guess.NEW_ACCOUNT);
            }
            if (count >= rule.maxRetry() && !counts.isBanned(key)) {
                banOnce(key, now); // failures settled at once, on two instances, each found the key not banned yet
            }
        }

        /**
         * Whether a failure without a distinct value (no user name) counts as one more distinct value: when the
         * rule names a credential, which the request carried. An authenticator may read a user name the
         * distinct key cannot (a Basic spelling, a field elsewhere), so such a failure must not escape the
         * count (probe23 F2b: 40 of 40 user names sprayed from one address reached the password check); each
         * counts as a new value, so a client can spend its budget this way but never grow it. Without a
         * credential the failure may have tested nothing (the Basic challenge a browser's first request gets),
         * and an honest client would be banned for loading a page: it is not counted.
         */
        private boolean countsAbsentValue() {
            return rule.credential() != null;
        }

        /**
         * The request's distinct value; without one, where the rule names a credential the request carried,
         * the credential itself stands for it (review14: one stale bearer token polled ten times was ten new
         * values and banned its address, where a mistyped password retried is one value and forgiven): the
         * same credential again is a retry, another credential a new value. {@code null} only when neither
         * can be read, which {@link #countsAbsentValue()} then counts as a new value.
         */
        private @Nullable String distinctValue(GuardRequest request) {
            String value = rule.distinctResolver().resolve(request);
            if (value != null || !countsAbsentValue()) {
                return value;
            }
            String credential = rule.credentialKey(request);
            return credential == null ? null : CREDENTIAL_AS_VALUE + credential;
        }

        /**
         * Hears a failure of {@code key}, counted {@code keyCount} times in find-time ({@code UNKNOWN_FAILURES}
         * where the key's count is of requests), as evidence of a surge only within its client's share: the
         * share is counted per client site (an IPv4 address, an IPv6 /48) in each window of the surge, so that
         * neither a subscriber's many /64s nor one address's many user names make a surge alone, while a crowd
         * of addresses, each failing as often as its per-key rules allow, is seen (probe12: counted per
         * find-time, the share hid 17 of each address's 19 failed user names). A failure past the share
         * counts neither as a failure nor as a request, so that a client cannot dilute the route's failure
         * ratio with its own surplus failures either; so does a failure of a site remembered for having started
         * or extended a mode ({@link ModeStarters}), which cannot start the next one. A site whose own failures
         * reach {@code min-failures} in a window (or in find-time, where the key is the site, and for an IPv6 site
         * of many /64 keys whatever the key) is under attack on its own.
         */
        private static final long UNKNOWN_FAILURES = -1;

        /** The most failures of one /64 a success forgives as its typos. */
        private static final long TYPOS_FORGIVEN = 2;

        /**
         * Takes a subscriber's typos out of its IPv6 site's count over find-time once it succeeds: those its account
         * redeemed ({@code redeemed}, under a rule that names the account), else, under a rule keyed by the address,
         * its /64's failures when there were at most two, within the site's allowance of {@code min-failures} per
         * find-time (review48 F4, review49 F1).
         */
        private void forgiveIpv6Typos(GuardRequest request, long redeemed) {
            String client = request.client().key();
            if (ipv6SiteFailures == null || client.indexOf(':') < 0) {
                return;
            }
            String site = IpAddresses.site(client);
            if (site.equals(client)) {
                return;
            }
            long typos = redeemed;
            if (typos == 0) {
                long prefixFailures = ipv6PrefixFailures.get(client);
                if (prefixFailures <= 0 || prefixFailures > TYPOS_FORGIVEN) {
                    return;
                }
                typos = prefixFailures;
            }
            if (ipv6SiteForgiven.add(site, typos) > rule.underAttack().minFailures()) {
                return; // the site's allowance of forgiven failures in find-time is spent
            }
            ipv6PrefixFailures.add(client, -typos);
            ipv6SiteFailures.add(site, -typos);
        }

        private void recordFailure(GuardRequest request, String key, long keyCount, long now, SlowSurge.Guess guess) {
            String client = request.client().key();
            String site = IpAddresses.site(client);
            long share = surge.siteFailures(site, now);
            surge.recordFailure(client, site, share, now, guess);
            // the key is the site: an IPv4 client's address, read or standing in for a key the request left out
            boolean siteKey = site.equals(key) || RuleKeys.standsFor(key, site);
            long own = siteKey && keyCount != UNKNOWN_FAILURES ? Math.max(keyCount, share) : share;
            if (ipv6SiteFailures != null && !site.equals(client) && client.indexOf(':') >= 0) {
                // an IPv6 site of many /64 keys, in find-time, every failure: a /64's own is kept to forgive a typo
                ipv6PrefixFailures.add(client, 1);
                own = Math.max(own, ipv6SiteFailures.add(site, 1));
            }
            surge.heardSite(site, own, now);
            if (!site.equals(client)) {
                boolean siteUnderAttack = surge.isSiteUnderAttack(client, now);
                if (siteUnderAttack && request.historySettled() && client.indexOf(':') >= 0) {
                    ipv6ProvedSiteFailures.add(site, 1); // a guess its proof bought during the site's mode
                }
                if (share > surge.perKeyCap() || siteUnderAttack) {
                    // one of an IPv6 site's /64s failing with the site: refused with it, whatever its history
                    surge.distrust(client, historyTtl);
                }
            }
        }

        /**
         * Hears a retry forgiven as a typo ({@link #FORGIVEN_RETRIES}) as a failure of the route's count only
         * ({@link RouteSurge#recordRetry(long)}), within its client site's share, which it takes like any failure:
         * one site adds at most its share per window whatever it fails with. Past the share it counts for
         * nothing. It never puts its site under attack on its own.
         */
        private void recordRetry(GuardRequest request, long now) {
            String client = request.client().key();
            String site = IpAddresses.site(client);
            surge.recordRetry(client, site, surge.siteFailures(site, now), now);
        }

        /**
         * Takes one of the route's places ({@link #routePlaces}) for a request the mode would refuse were it on, while
         * it is off: {@link #PLACE_TAKEN}; a refusal when all are taken (a short wait: they end with their outcomes);
         * {@code null} when the request needs none (no surge, the mode on, a request whose outcome does not count, a
         * client with a history and without risk signals).
         */
        @Nullable
        Decision takeRoutePlace(GuardRequest request, FailureGuard guard, long now) {
            if (routePlaces == null || surge.modeSeen() || !rule.counts(request) || !guard.isRisky(request, this)) {
                return null;
            }
            // a client site holds at most its share of them, as it adds at most its share of failures to the mode's
            // count: otherwise a few addresses holding requests in flight (tarpitted guesses, say) kept every newcomer
            // out, while the mode, to which each added only its share of failures per window, never started
            String site = IpAddresses.site(request.client().key());
            if (sitePlaces.reserve(site, now, surge.perKeyCap()) == SlidingWindows.Reservation.TAKEN) {
                if (routePlaces.reserve(ROUTE_PLACES, now, surge.failureThreshold())
                        == SlidingWindows.Reservation.TAKEN) {
                    return PLACE_TAKEN;
                }
                sitePlaces.release(site, now, now);
            }
            return Decision.deny(rule.underAttack().action())
                    .guard(NAME)
                    .rule(rule.name())
                    .reason("too-many-unknown-in-flight")
                    .status(429)
                    .retryAfter(IN_FLIGHT_RETRY_AFTER)
                    .detail("Too many attempts from new clients are in progress on this endpoint; try again in a"
                            + " moment.")
                    .build();
        }

        /** See {@link FailureGuard#lift}; whether one of the keys was banned. */
        boolean lift(String value, @Nullable String clientKey, long now) {
            Set<String> keys = new LinkedHashSet<>();
            String valueKey = rule.keyResolver().keyOfValue(value);
            if (valueKey != null) {
                keys.add(RuleKeys.ofValue(valueKey));
            } else {
                // a key of several parts: named by its parts, or as bans() lists it (user61 F1)
                String combined = rule.keyResolver().keyOfValue(value, clientKey);
                if (combined != null) {
                    keys.add(combined);
                }
                keys.add(value);
            }
            if (clientKey != null) {
                if (rule.keyResolver() == KeyResolver.ip()) {
                    keys.add(clientKey);
                } else if (rule.keyResolver() == KeyResolver.network()
                        || rule.keyResolver() == KeyResolver.allocation()) {
                    // the client key as the operator's text was read (an address with a port, say)
                    String network = rule.keyResolver().keyOfValue(clientKey);
                    if (network != null) {
                        keys.add(network);
                    }
                }
                keys.add(RuleKeys.standIn(clientKey));
                if (surge != null) {
                    surge.trust(clientKey, now);
                }
            }
            // The key as bans() lists it on a shared store, by its digest, when it names others (a user name): the
            // store lifts that listing, and the failures were forgotten when it was banned (user66 F1: the lift
            // worked and answered that no rule held it)
            boolean banned = listedBanned(value);
            if (banned) {
                keys.add(value);
                banHistory.removeListed(value); // its escalation, kept under the digest too (probe67a F1)
                banClaims.removeListed(value);
            }
            for (String key : keys) {
                banned |= counts.isBanned(key);
                counts.lift(key, now);
                banEnds.invalidate(key);
                banHistory.reset(key);
                banClaims.reset(key); // lifted: its next ban is claimed afresh
            }
            return banned;
        }

        /** A ban's end in epoch milliseconds, and the store's {@link SlidingWindows#liftsSeen} when it was read. */
        record BanEnd(long at, long liftsSeen) {}

        /** Whether {@code value} is a digest listing ({@code #...}) of a key this rule bans now. */
        private boolean listedBanned(String value) {
            if (!value.startsWith("#")) {
                return false;
            }
            for (BannedKey listed : counts.active(Bans.MAX_LISTED)) {
                if (RuleKeys.shown(listed.key()).equals(value)) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Adds 1 to the key's count, a count below 0 taken as 0 in the same atomic step: two lifts at once, each taking
         * back what it read, leave it below 0, where the next ban would neither be claimed (review152 F2) nor escalate
         * the one after it (review155 F4: two bans of ban-time where the second was due twice as long), and healed by
         * a second add, two requests at once both found it claimed (review157 F3: no ban written).
         */
        private static long counted(Counters counters, String key) {
            return counters.addAllFromZero(List.of(key), 1)[0];
        }

        /**
         * Bans the key unless another request claimed its ban within {@link #banClaimFor} (one atomic count): whether
         * this one did.
         */
        private boolean banOnce(String key, long now) {
            if (counted(banClaims, key) > 1) {
                return false;
            }
            ban(key, now);
            return true;
        }

        /**
         * How long a ban's claim lasts: longer than the requests of one burst take between their count and their ban,
         * never longer than the ban itself, so that the key's next ban, after this one ended, is claimed afresh.
         */
        static Duration banClaimFor(FailureRule rule) {
            Duration banTime = rule.banFor(1);
            return banTime.compareTo(BAN_CLAIM) < 0 ? banTime : BAN_CLAIM;
        }

        private static final Duration BAN_CLAIM = Duration.ofSeconds(10);

        /**
         * Bans the key for its rule's ban time, longer for each ban it had within max-ban-time, and forgets the
         * failures that earned it: the ban ends when it says, and the key then starts a new count (user66 F2).
         */
        private void ban(String key, long now) {
            Duration ttl = rule.banFor(counted(banHistory, key));
            counts.banAfresh(key, ttl, now);
            banEnds.put(key, new BanEnd(now + ttl.toMillis(), counts.liftsSeen()));
        }

        private Decision underAttack(String reason, String what) {
            return Decision.deny(rule.underAttack().action())
                    .guard(NAME)
                    .rule(rule.name())
                    .reason(reason)
                    .status(429)
                    .retryAfter(rule.underAttack().duration())
                    .detail(what + "; for now it refuses clients it has not seen succeed here before, and those that"
                            + " do not look like a browser.")
                    .build();
        }

        /** More requests of the key in flight than {@code max-retry}: nothing is banned, so a short wait. */
        private Decision tooManyInFlight() {
            return Decision.deny(rule.action())
                    .guard(NAME)
                    .rule(rule.name())
                    .reason("too-many-in-flight")
                    .status(429)
                    .retryAfter(IN_FLIGHT_RETRY_AFTER)
                    .detail("Too many attempts at once; try again in a moment.")
                    .build();
        }

        /**
         * The refusal of a banned key, whose Retry-After is the time its ban has left: longer than ban-time for
         * an escalated ban, shorter late in one (probe45b F5). The end is looked up in the store once per ban
         * this instance sees and remembered until the ban ends ({@link #banEnds}), so a banned client's flood
         * costs no more store steps than its checks. A key any client may send for another (a user name,
         * {@link KeyResolver#namesOthers()}) is answered with the rule's ban-time, as before: the time left
         * of someone else's ban would tell when their account last failed, and how often it was banned.
         */
        private Decision banned(String key, long now) {
            if (rule.keyResolver().namesOthers()) {
                return banned(rule.banFor(1));
            }
            BanEnd end = banEnds.getIfPresent(key);
            long lifts = counts.liftsSeen();
            if (end != null && end.at > now && end.liftsSeen == lifts) {
                return banned(Duration.ofMillis(end.at - now));
            }
            Duration left = counts.banRemaining(key);
            if (left == null) {
                return banned(rule.banFor(1)); // a store that cannot tell
            }
            if (left.isZero()) {
                return banned(ENDING_BAN_RETRY_AFTER); // it ended since it was looked up
            }
            banEnds.put(key, new BanEnd(now + left.toMillis(), lifts));
            return banned(left);
        }

        private Decision banned(Duration left) {
            return Decision.deny(rule.action())
                    .guard(NAME)
                    .rule(rule.name())
                    .reason(rule.distinct() == null ? "too-many-failures" : "too-many-distinct-failures")
                    .retryAfter(left)
                    .detail("Too many failed attempts; try again later.")
                    .build();
        }
    }

    /** Builds a {@link FailureGuard}. */
    public static final class Builder extends StoreRuleBuilder<FailureRule, Builder> {
        private Duration historyTtl = DEFAULT_HISTORY_TTL;

        private Builder() {
            super(NAME);
        }

        /** How long a client's history of successful requests lasts from the first one; default 24 hours. */
        public Builder historyTtl(Duration historyTtl) {
            Objects.requireNonNull(historyTtl, "historyTtl");
            if (historyTtl.toMillis() < 1) {
                throw new IllegalArgumentException(
                        "history-ttl must be positive, was " + Durations.written(historyTtl));
            }
            this.historyTtl = historyTtl;
            return this;
        }

        /** @throws IllegalStateException without a store or a rule */
        public FailureGuard build() {
            validate();
            return new FailureGuard(store(), timeSource(), rules(), historyTtl);
        }
    }

    /**
     * Each rule with its paths, methods, statuses, key, counting, windows, bans and action; and as state
     * the routes under attack now ({@code underAttack}) and the learned failure-rate baselines
     * ({@code failureBaselines}).
     */
    @Override
    protected void describeRule(FailureRule rule, Map<String, Object> settings) {
        settings.put("statuses", rule.statuses());
        settings.put("key", rule.keySpec());
        settings.put("distinct", rule.distinct());
        settings.put("credential", rule.credential());
        settings.put("counting", rule.counting());
        settings.put("findTime", rule.findTime());
        settings.put("maxRetry", rule.maxRetry());
        settings.put("banTime", rule.banTime());
        settings.put("banFactor", rule.banFactor());
        settings.put("maxBanTime", rule.maxBanTime());
        settings.put("action", rule.action());
        settings.put("underAttack", rule.underAttack() != null);
    }

    @Override
    protected void describeState(GuardDescription.Builder description) {
        description
                .state("underAttack", underAttack())
                .state("sitesUnderAttack", sitesUnderAttack(MAX_SITES_LISTED))
                .state("failureBaselines", baselines());
    }

    /** The most client sites {@link #describe} lists per rule. */
    static final int MAX_SITES_LISTED = 100;

    /**
     * The client sites (an IPv4 address, an IPv6 /48) each rule's route refuses on their own now ({@code
     * site-under-attack}), at most {@code limit} per rule, each with the seconds it has left: a site the mode refuses
     * was listed nowhere, the route's {@link #underAttack} empty (user70 F4). Rules with none are left out; a rule
     * whose store cannot be read lists {@code storeUnavailable}.
     */
    public Map<String, List<Map<String, Object>>> sitesUnderAttack(int limit) {
        Map<String, List<Map<String, Object>>> listed = new LinkedHashMap<>();
        for (Map.Entry<String, RouteSurge> entry : surges.entrySet()) {
            List<Map<String, Object>> sites = new ArrayList<>();
            try {
                for (io.github.abuseguard.store.BannedKey site :
                        entry.getValue().sitesUnderAttack(limit)) {
                    sites.add(Map.of(
                            "site",
                            site.key(),
                            "remainingSeconds",
                            site.remaining().toSeconds()));
                }
            } catch (io.github.abuseguard.store.StoreUnavailableException e) {
                sites.add(Map.of("storeUnavailable", true)); // the report stands; the store logs its outage
            }
            if (!sites.isEmpty()) {
                listed.put(entry.getKey(), sites);
            }
        }
        return listed;
    }
}
