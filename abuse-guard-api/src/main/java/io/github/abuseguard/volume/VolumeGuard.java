package io.github.abuseguard.volume;

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
import io.github.abuseguard.internal.Durations;
import io.github.abuseguard.internal.RuleKeys;
import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.Histories;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.store.Tallies;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import tools.jackson.core.JsonToken;

/**
 * Enumeration and scraping signals: per key and rule, how many distinct resources (concrete paths under
 * the rule's templates) were touched in a sliding window, and a bound on it ({@link DistinctRule}).
 *
 * <p>Distinct resources are counted with a bounded sketch kept in the {@link StateStore}'s
 * {@link Tallies} (a linear-counting bitmap): each path is hashed, with a secret seed so that a client
 * cannot aim its paths at one register, into one of {@code m} registers, {@code m} the power of two at
 * least eight times {@code max-distinct} (64 to 8192); a register's first hit in a window adds one to the
 * filled count. The filled count is a lower bound of the distinct paths, so a client is refused only once
 * it certainly passed the bound. Windows are aligned to the clock and the previous window counts in
 * proportion to its overlap, as the failure guard's sliding windows do.
 *
 * <p>Per rule and key the guard keeps one tally: the sketch ({@code m} bits) and, with a rate baseline,
 * one count per path template the key requested; a request costs one store operation for it, whatever signals
 * the rule has (on the in-process store, about 250 bytes per key of a rule with {@code max-distinct} 30 and
 * one template, measured by {@code DetectionFootprint}; each template the key requested in the window adds
 * eight bytes, and a set of more than 512 registers is held as a list of the registers filled, two bytes
 * each, until a bitmap is smaller). The store bounds
 * the keys per namespace and forgets a key after two windows without a request.
 *
 * <p>A rule may also watch its routes for scraping spread over many clients ({@link UnderScrape}):
 * while they are under scrape, requests from clients with no successful request outside the watched
 * routes are refused, and so are those of clients past the mode's tighter bound on distinct resources. It may learn each of its path templates' per-client request rates and bound
 * clients far above their peers ({@link RateBaseline}, monitor-first), and signal clients that only
 * read many resources and never do anything else ({@link OnlyReads}). What the rules learned can be
 * exported and imported ({@link #exportBaselines()}, {@link #importBaselines(String)}). Thread-safe.
 */
public final class VolumeGuard extends RuleGuard<DistinctRule> {

    /** The guard's name. */
    public static final String NAME = "volume";

    /** The reason of a client far above its endpoint's learned rates. */
    public static final String RATE_ABOVE_BASELINE = "rate-above-baseline";
    /** The reason of a client that only read many resources. */
    public static final String ONLY_READS = "only-reads";

    private final RuleState[] rules;
    private final TimeSource timeSource;
    private final long seed;
    private final Histories outsideHistory;
    private final Counters writes;
    private final Duration historyTtl;
    private volatile Predicate<String> monitored = rule -> false;

    private VolumeGuard(
            StateStore store, TimeSource timeSource, List<DistinctRule> rules, long seed, Duration historyTtl) {
        super(
                NAME,
                rules,
                Asked.ON_EVERY_ROUTE); // the scrape watch and the only-reads signal learn a client's activity on
        // every route
        this.timeSource = timeSource;
        this.seed = seed;
        List<RuleState> states = new ArrayList<>();
        Bans modes = store.bans("volume:under-scrape");
        boolean watching = false;
        boolean readsWatched = false;
        for (DistinctRule rule : rules()) {
            readsWatched |= rule.onlyReads() != null;
            RouteScrapeWatch watch = rule.underScrape() == null
                    ? null
                    : new RouteScrapeWatch(rule.name(), rule.underScrape(), store, modes, seed);
            watching |= watch != null;
            states.add(new RuleState(rule, store, watch));
        }
        this.rules = states.toArray(RuleState[]::new);
        this.outsideHistory = watching ? store.histories("volume:outside", historyTtl) : null;
        this.writes = readsWatched ? store.counters("volume:writes", historyTtl) : null;
        this.historyTtl = historyTtl;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A rule whose bound, route scrape watch, rate baseline or "only reads" signal answers with a decoy. */
    @Override
    protected boolean decoys(DistinctRule rule) {
        // a score flags instead of answering (review133 F3)
        return (rule.action() == Action.DECOY && rule.score() == 0)
                || (rule.underScrape() != null && rule.underScrape().action() == Action.DECOY)
                || (rule.rateBaseline() != null
                        && rule.rateBaseline().action() == Action.DECOY
                        && rule.rateBaseline().score() == 0)
                || (rule.onlyReads() != null
                        && rule.onlyReads().action() == Action.DECOY
                        && rule.onlyReads().score() == 0);
    }

    /** A rule reads the body where its key or its {@linkplain DistinctRule#resource() resource} may. */
    @Override
    protected boolean readsBody(DistinctRule rule) {
        if (rule.keyResolver().readsBody()) {
            return true;
        }
        for (KeyResolver part : rule.resourceParts()) {
            if (part.readsBody()) {
                return true;
            }
        }
        return false;
    }

    /** A monitored rule's denial is only reported: the other rules are still asked, and the request counted. */
    @Override
    public void monitoredRules(Predicate<String> monitored) {
        this.monitored = Objects.requireNonNull(monitored, "monitored");
    }

    @Override
    public Decision check(GuardRequest request) {
        return check(request, eachRuleMatched());
    }

    @Override
    protected Decision check(GuardRequest request, Applying applying) {
        String path = request.path();
        Decision flag = null;
        Decision passedOn = null;
        Decision reported = null;
        for (int i = 0; i < rules.length; i++) {
            if (!applies(applying, i, request)) {
                continue;
            }
            RuleState state = rules[i];
            List<KeyResolver> resource = state.rule.resourceParts();
            BodyField.Unreadable unreadable = state.rule.keyResolver().unreadable(request);
            for (int part = 0; part < resource.size() && unreadable == null; part++) {
                unreadable = resource.get(part).unreadable(request); // a page given twice, differently: no one resource
            }
            if (unreadable != null) {
                // No key, and no shared one, as the rate limits and failure rules answer it: a user name
                // given twice, or in the query and the body at once, or in a body too large to read, would
                // otherwise skip the rule while the application binds it.
                Decision refusal = BodyField.unreadable(unreadable).refusal(NAME, state.rule.name());
                if (!monitored.test(state.rule.name())) {
                    return refusal;
                }
                reported = reported == null ? refusal : reported;
                continue;
            }
            // leaving the key out never escapes the rule (probe38b F2), nor names another client's (RuleKeys)
            String key = RuleKeys.of(state.rule.keyResolver(), request);
            DistinctRule rule = state.rule;
            long hash = hash(path);
            for (int part = 0; part < resource.size(); part++) {
                // each value's hash seeded by what came before: no value runs into the path or the next value (an
                // absent one, which no request sends as a value, is the empty text)
                String named = resource.get(part).resolve(request);
                hash = hash(hash, named == null ? "" : named);
            }
            long now = timeSource.epochMillis();
            RouteScrapeWatch watch = state.watch;
            String reason = "under-scrape";
            boolean underScrape = watch != null && watch.isUnderScrape(now);
            // a site that started or extended the mode: its resources are no evidence, and the mode's refusal
            // holds for it on its own after the mode (probe22 F2)
            boolean starter =
                    watch != null && watch.startedMode(request.client().key(), now);
            boolean wholeSite = false;
            if (!underScrape
                    && watch != null
                    && watch.isSiteUnderScrape(request.client().key(), now)) {
                reason = "site-under-scrape"; // one network's many prefixes: its clients only
                underScrape = true;
                // An IPv6 site's many /64s are the scrape, but a /48 is many subscribers too: where only the
                // browser proof earns a history (settled before the check), its clients with one from before
                // the site's mode read on within their bound below; otherwise a page load each would buy the
                // /64s back.
                String client = request.client().key();
                wholeSite = client.indexOf(':') >= 0 && (!request.historySettled() || watch.distrusted(client));
            }
            underScrape |= starter;
            // The /64s of a /48 under scrape on its own, or remembered for starting the route's mode as a heavy reader,
            // that read on by their histories share a budget of resources (probe73a F2: three /48s at ten fresh games
            // a second each); a /48 in a route's mode that read a game or two before it does not (review74 F2,
            // review75 F1: a carrier's readers would share it).
            boolean budgeted = false;
            if (underScrape
                    && !wholeSite
                    && request.client().key().indexOf(':') >= 0
                    && (watch.isSiteUnderScrape(request.client().key(), now)
                            || (starter && watch.heavyReader(request.client().key())))) {
                wholeSite = watch.siteSpent(request.client().key(), now);
                budgeted = !wholeSite;
            }
            if (underScrape
                    && (wholeSite || !outsideHistory.has(request.client().key()))) {
                budgeted = false; // it reads on by no history
                Decision scrape = underScrape(rule, reason, "clients without other activity are refused for now.");
                if (monitored.test(rule.name())) {
                    reported = reported == null ? scrape : reported;
                } else if (!rule.underScrape().action().passesRequestOn()) {
                    // refused requests are no evidence: neither recorded nor allowed to extend the mode
                    return scrape;
                } else {
                    // a tagged or logged request goes on: it is counted like any other
                    passedOn = passedOn == null ? scrape : passedOn;
                }
                underScrape = false; // answered once: its bound below would repeat the same answer
            }
            // One store operation for the client: its distinct resources and its count on the template.
            int template = state.rates == null ? -1 : rule.template(path);
            RouteRateWatch rates = template < 0 ? null : state.rates[template];
            long rateEpoch = rates == null ? 0 : rates.epoch(now);
            long distinctEpoch = Math.floorDiv(now, state.windowMillis);
            int slot = rates == null ? -1 : state.slots[template];
            long tally =
                    state.tallies.record(key, (int) (hash & (state.registers - 1)), distinctEpoch, slot, rateEpoch);
            if (rates != null && rates.isOver(tally, rateEpoch, now)) {
                if (!Tallies.isMarked(tally)) {
                    state.tallies.mark(key, slot, rateEpoch + 1);
                }
                RateBaseline baseline = rule.rateBaseline();
                Decision verdict = verdict(
                        rule,
                        RATE_ABOVE_BASELINE,
                        baseline.score(),
                        baseline.action(),
                        429,
                        baseline.window(),
                        "Far more requests than other clients of this endpoint; slow down.");
                if (verdict.isFlag()) {
                    flag = flag == null ? verdict : flag;
                } else if (monitored.test(rule.name())) {
                    reported = reported == null ? verdict : reported;
                } else if (!baseline.action().passesRequestOn()) {
                    return verdict;
                } else {
                    passedOn = passedOn == null ? verdict : passedOn;
                }
            }
            double distinct = state.distinct(tally, now);
            if (underScrape && distinct > state.scrapeBound && distinct <= rule.maxDistinct()) {
                // a history is one page load: while under scrape, it vouches for a reader's few resources only
                Decision scrape = underScrape(rule, reason, "clients reading many resources are refused for now.");
                if (monitored.test(rule.name())) {
                    reported = reported == null ? scrape : reported;
                } else if (!rule.underScrape().action().passesRequestOn()) {
                    return scrape; // no evidence for the route's count: it is refused
                } else {
                    passedOn = passedOn == null ? scrape : passedOn;
                }
            }
            if (budgeted && distinct <= state.scrapeBound) {
                // served: only what the site's /64s read counts (review74 F1: refused requests spent it)
                watch.spend(request.client().key(), hash, now);
            }
            if (watch != null && distinct <= state.scrapeShare && !starter) {
                // A client's resources count for the population only up to its share: no single client,
                // and none past its own bound, can put the routes under scrape.
                watch.record(hash, request.client().key(), now);
            }
            OnlyReads onlyReads = rule.onlyReads();
            Decision verdict;
            Action action;
            if (distinct > rule.maxDistinct()) {
                action = rule.action();
                verdict = verdict(
                        rule,
                        "many-distinct-resources",
                        rule.score(),
                        action,
                        0,
                        rule.window(),
                        "Too many different resources requested; slow down.");
            } else if (onlyReads != null
                    && distinct >= onlyReads.minDistinct()
                    && isRead(request.method())
                    && writes.get(request.client().key()) == 0) {
                action = onlyReads.action();
                verdict = verdict(
                        rule,
                        ONLY_READS,
                        onlyReads.score(),
                        action,
                        0,
                        rule.window(),
                        "Many resources read and nothing else done; slow down.");
            } else {
                continue;
            }
            if (verdict.isFlag()) {
                flag = flag == null ? verdict : flag;
            } else if (monitored.test(rule.name())) {
                reported = reported == null ? verdict : reported;
            } else if (!action.passesRequestOn()) {
                return verdict;
            } else {
                passedOn = passedOn == null ? verdict : passedOn;
            }
        }
        if (passedOn != null) {
            return passedOn;
        }
        if (flag != null) {
            return flag;
        }
        return reported == null ? Decision.allow() : reported;
    }

    /** The under-scrape mode's answer, with why this client is refused. */
    private static Decision underScrape(DistinctRule rule, String reason, String who) {
        return Decision.deny(rule.underScrape().action())
                .guard(NAME)
                .rule(rule.name())
                .reason(reason)
                .status(429)
                .retryAfter(rule.underScrape().duration())
                .detail("This resource is being scraped; " + who)
                .build();
    }

    /** A signal's answer: a flag when it has a score, else a denial with its action (status 0: the action's). */
    private static Decision verdict(
            DistinctRule rule,
            String reason,
            int score,
            Action action,
            int status,
            Duration retryAfter,
            String detail) {
        if (score > 0) {
            return Decision.flag(NAME, reason, score);
        }
        Decision.Builder denial = Decision.deny(action)
                .guard(NAME)
                .rule(rule.name())
                .reason(reason)
                .retryAfter(retryAfter)
                .detail(detail);
        return (status == 0 ? denial : denial.status(status)).build();
    }

    private static boolean isRead(String method) {
        return "GET".equals(method) || "HEAD".equals(method);
    }

    /**
     * Remembers clients that did something besides reading: a 2xx answer to a method other than
     * GET, HEAD or OPTIONS (for the only-reads signal), and a successful request outside the routes watched
     * for scraping (for the under-scrape mode). Only written when a rule needs it.
     */
    @Override
    public void observe(GuardRequest request, int status) {
        observe(request, status, false);
    }

    /**
     * As {@link #observe(GuardRequest, int)}; a successful request counts as activity outside the watched
     * routes only on a route watched by some guard ({@link Guard#watches}): an exempt or unguarded route
     * (a health check, a static page) costs an attacker nothing, so it vouches for nobody.
     */
    @Override
    public void observe(GuardRequest request, int status, boolean watched) {
        observe(request, status, watched, eachRuleMatched());
    }

    @Override
    protected void observe(GuardRequest request, int status, boolean watched, Applying applying) {
        if (status < 200 || status >= 400 || (outsideHistory == null && writes == null)) {
            return;
        }
        String method = request.method();
        String client = request.client().key();
        // Only a 2xx counts as doing something: a failed form login answered with a 302 is not activity.
        if (writes != null && status < 300 && !isRead(method) && !"OPTIONS".equals(method) && writes.get(client) == 0) {
            writes.add(client, 1);
        }
        if (outsideHistory == null || !watched || request.historySettled() || isScrapeWatched(request, applying)) {
            return;
        }
        if (!outsideHistory.has(client)) {
            outsideHistory.earn(client);
        }
    }

    /** Whether the client has no activity outside the scrape-watched routes yet, and this request could be it. */
    @Override
    public boolean lacksHistory(GuardRequest request) {
        return outsideHistory != null
                && !isScrapeWatched(request, eachRuleMatched())
                && !outsideHistory.has(request.client().key());
    }

    @Override
    public void earnHistory(GuardRequest request) {
        if (outsideHistory != null) {
            String client = request.client().key();
            boolean renewed = outsideHistory.has(client);
            outsideHistory.earn(client);
            if (!renewed && client.indexOf(':') >= 0) { // a renewed proof is a client known from before
                // a /64 proving itself while its site is under scrape does not buy itself back one proof each
                long now = timeSource.epochMillis();
                for (RuleState state : rules) {
                    if (state.watch != null && state.watch.isSiteUnderScrape(client, now)) {
                        state.watch.distrust(client, historyTtl);
                    }
                }
            }
        }
    }

    private boolean isScrapeWatched(GuardRequest request, Applying applying) {
        for (int i = 0; i < rules.length; i++) {
            if (rules[i].watch != null && applies(applying, i, request)) {
                return true;
            }
        }
        return false;
    }

    /** The names of the rules whose routes are under scrape now. */
    public Set<String> underScrape() {
        Set<String> names = new LinkedHashSet<>();
        for (RuleState state : rules) {
            if (state.watch != null && state.watch.isUnderScrape()) {
                names.add(state.rule.name());
            }
        }
        return names;
    }

    /**
     * What the rules learned, for reports: per rule, the under-scrape baseline ({@code underScrape}:
     * distinct resources per window, their share of the requests, windows learned, thresholds) and per path template the learned
     * per-client requests per window ({@code rates}: p50, p90, p99, clients per window, windows learned, and the bound a client is
     * held to now, absent while learning).
     */
    public Map<String, Map<String, Object>> baselines() {
        long now = timeSource.epochMillis();
        Map<String, Map<String, Object>> report = new LinkedHashMap<>();
        for (RuleState state : rules) {
            Map<String, Object> learned = new LinkedHashMap<>();
            if (state.watch != null) {
                Map<String, Number> scrape = new LinkedHashMap<>();
                scrape.put("distinctPerWindow", state.watch.baseline());
                scrape.put("distinctShare", state.watch.baselineRatio());
                scrape.put("windowsLearned", state.watch.windowsLearned());
                scrape.put("threshold", state.watch.threshold());
                scrape.put("shareThreshold", state.watch.ratioThreshold());
                learned.put("underScrape", scrape);
            }
            if (state.rates != null) {
                Map<String, Map<String, Number>> templates = new LinkedHashMap<>();
                for (int i = 0; i < state.rates.length; i++) {
                    RouteRateWatch.Quantiles quantiles = state.rates[i].baseline();
                    Map<String, Number> values = new LinkedHashMap<>();
                    values.put("p50", quantiles.p50());
                    values.put("p90", quantiles.p90());
                    values.put("p99", quantiles.p99());
                    values.put("clientsPerWindow", quantiles.clients());
                    values.put("windowsLearned", quantiles.windows());
                    double bound = state.rates[i].bound(now);
                    if (Double.isFinite(bound)) {
                        values.put("bound", bound);
                    }
                    templates.put(state.rule.paths().get(i), values);
                }
                learned.put("rates", templates);
            }
            if (!learned.isEmpty()) {
                report.put(state.rule.name(), learned);
            }
        }
        return report;
    }

    /**
     * The learned baselines as JSON, to be imported at the next start with {@link #importBaselines}:
     * per rule, {@code underScrape} ({@code distinct}, {@code share}, {@code windows}) and {@code rates} per path template
     * ({@code p50}, {@code p90}, {@code p99}, {@code clients} per window, {@code windows}).
     */
    public String exportBaselines() {
        return BaselineJson.write(json -> {
            for (RuleState state : rules) {
                if (state.watch == null && state.rates == null) {
                    continue;
                }
                json.writeName(state.rule.name());
                json.writeStartObject();
                if (state.watch != null) {
                    json.writeName("underScrape");
                    json.writeStartObject();
                    json.writeNumberProperty("distinct", state.watch.baseline());
                    json.writeNumberProperty("share", state.watch.baselineRatio());
                    json.writeNumberProperty("windows", state.watch.windowsLearned());
                    json.writeEndObject();
                }
                if (state.rates != null) {
                    json.writeName("rates");
                    json.writeStartObject();
                    for (int i = 0; i < state.rates.length; i++) {
                        RouteRateWatch.Quantiles quantiles = state.rates[i].baseline();
                        json.writeName(state.rule.paths().get(i));
                        json.writeStartObject();
                        json.writeNumberProperty("p50", quantiles.p50());
                        json.writeNumberProperty("p90", quantiles.p90());
                        json.writeNumberProperty("p99", quantiles.p99());
                        json.writeNumberProperty("clients", quantiles.clients());
                        json.writeNumberProperty("windows", quantiles.windows());
                        json.writeEndObject();
                    }
                    json.writeEndObject();
                }
                json.writeEndObject();
            }
        });
    }

    /**
     * Starts the rules' detectors from exported baselines. Rules and templates the JSON does not name keep
     * theirs; names of rules or templates without a detector are ignored, so an export survives a rule
     * being changed. Nothing is imported unless the whole JSON is valid.
     *
     * @throws IllegalArgumentException if the JSON is malformed, has an unknown field, or a value is
     *     negative, not finite, above {@value #MAX_IMPORTED}, or quantiles out of order (p50 &le; p90 &le; p99)
     */
    public void importBaselines(String exported) {
        List<Runnable> apply = new ArrayList<>();
        BaselineJson.read(exported, (name, json) -> {
            RuleState state = ruleNamed(name);
            while (json.nextToken() == JsonToken.PROPERTY_NAME) {
                String part = json.currentName();
                BaselineJson.expect(json.nextToken(), JsonToken.START_OBJECT);
                if (part.equals("underScrape")) {
                    Map<String, Double> values = BaselineJson.numbers(
                            json, name + ".underScrape", Set.of("distinct", "share", "windows"), MAX_IMPORTED);
                    double distinct = values.getOrDefault("distinct", 0.0);
                    double share = values.getOrDefault("share", 0.0);
                    if (share > 1.0) {
                        throw new IllegalArgumentException(
                                "baseline '" + name + ".underScrape.share' must be at most 1");
                    }
                    long windows = values.getOrDefault("windows", 0.0).longValue();
                    if (state != null && state.watch != null) {
                        RouteScrapeWatch watch = state.watch;
                        apply.add(() -> watch.baseline(distinct, share, windows));
                    }
                } else if (part.equals("rates")) {
                    while (json.nextToken() == JsonToken.PROPERTY_NAME) {
                        String template = json.currentName();
                        BaselineJson.expect(json.nextToken(), JsonToken.START_OBJECT);
                        String at = name + ".rates." + template;
                        Map<String, Double> values = BaselineJson.numbers(
                                json, at, Set.of("p50", "p90", "p99", "clients", "windows"), MAX_IMPORTED);
                        double p50 = values.getOrDefault("p50", 0.0);
                        double p90 = values.getOrDefault("p90", 0.0);
                        double p99 = values.getOrDefault("p99", 0.0);
                        if (!(p50 <= p90 && p90 <= p99)) {
                            throw new IllegalArgumentException("baseline '" + at + "' needs p50 <= p90 <= p99");
                        }
                        RouteRateWatch.Quantiles quantiles = new RouteRateWatch.Quantiles(
                                p50,
                                p90,
                                p99,
                                values.getOrDefault("clients", 0.0),
                                values.getOrDefault("windows", 0.0).longValue());
                        int index = state == null || state.rates == null
                                ? -1
                                : state.rule.paths().indexOf(template);
                        if (index >= 0) {
                            RouteRateWatch watch = state.rates[index];
                            apply.add(() -> watch.baseline(quantiles));
                        }
                    }
                } else {
                    throw new IllegalArgumentException("baseline '" + name + "' has unknown part '" + part + "'");
                }
            }
        });
        apply.forEach(Runnable::run);
    }

    /** The largest number an imported baseline may hold. */
    public static final double MAX_IMPORTED = 1e12;

    private RuleState ruleNamed(String name) {
        for (RuleState state : rules) {
            if (state.rule.name().equals(name)) {
                return state;
            }
        }
        return null;
    }

    /** Reads an object of known non-negative, finite numbers up to its end. */
    /** 64-bit FNV-1a over the path's characters from a secret offset, then a finalising mix. */
    private long hash(String path) {
        return hash(seed, path);
    }

    /** 64-bit FNV-1a over {@code text}'s characters from the secret offset {@code seed}, then a finalising mix. */
    static long hash(long seed, String text) {
        long h = seed;
        for (int i = 0; i < text.length(); i++) {
            h ^= text.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }

    static final class RuleState {
        final DistinctRule rule;
        final Tallies tallies;
        final int registers;
        final long windowMillis;
        final RouteScrapeWatch watch;
        final RouteRateWatch[] rates;
        /** Per path template, its counter's id in the tallies and the histograms: see {@link #slotIds}. */
        final int[] slots;

        /** The most distinct resources of one client the route watch hears per window; see {@link RouteScrapeWatch#MIN_CLIENTS}. */
        final double scrapeShare;

        /** The most distinct resources one client may touch while the routes are under scrape. */
        final int scrapeBound;

        /** The most distinct resources of one client the route watch hears per window. */
        static double scrapeShare(DistinctRule rule) {
            return rule.underScrape() == null
                    ? 0
                    : Math.min(
                            rule.maxDistinct(),
                            (double) rule.underScrape().minDistinct() / RouteScrapeWatch.MIN_CLIENTS);
        }

        RuleState(DistinctRule rule, StateStore store, RouteScrapeWatch watch) {
            this.rule = rule;
            this.watch = watch;
            this.scrapeBound = rule.underScrape() == null
                    ? rule.maxDistinct()
                    : Math.min(rule.maxDistinct(), rule.underScrape().maxDistinct());
            this.scrapeShare = scrapeShare(rule);
            this.registers = VolumeGuardRegisters.of(rule.maxDistinct());
            this.windowMillis = rule.window().toMillis();
            long keptMillis = 2 * windowMillis;
            if (rule.rateBaseline() == null) {
                this.rates = null;
                this.slots = null;
            } else {
                long rateWindow = rule.rateBaseline().window().toMillis();
                keptMillis = Math.max(keptMillis, 2 * rateWindow);
                Counters histograms = store.counters("volume:rate:" + rule.name(), Duration.ofMillis(2 * rateWindow));
                this.slots = slotIds(rule.paths());
                this.rates = new RouteRateWatch[rule.paths().size()];
                for (int i = 0; i < rates.length; i++) {
                    rates[i] = new RouteRateWatch(slots[i], rule.rateBaseline(), histograms);
                }
            }
            this.tallies = store.tallies(
                    "volume:" + rule.name(),
                    registers,
                    rates == null ? 0 : rates.length,
                    Duration.ofMillis(keptMillis));
        }

        /**
         * The id of each path template's counter: a hash of the template's text, not its position, so that
         * instances with a rule's paths in another order (a rolling deploy that reorders them) count each
         * template's requests in the same counter and histogram; the first salt from 0 on that gives every
         * template of the rule its own id (the ids of a rule's templates, not of a single template, decide it;
         * with 31-bit ids two templates of one rule share a hash about once in millions of rules).
         */
        static int[] slotIds(List<String> templates) {
            int[] ids = new int[templates.size()];
            for (int salt = 0; salt < MAX_SALTS; salt++) {
                Map<Integer, String> named = new java.util.HashMap<>();
                boolean distinct = true;
                for (int i = 0; i < ids.length && distinct; i++) {
                    ids[i] = slotId(templates.get(i), salt);
                    String earlier = named.putIfAbsent(ids[i], templates.get(i));
                    distinct = earlier == null || earlier.equals(templates.get(i)); // a path listed twice is one
                }
                if (distinct) {
                    return ids;
                }
            }
            // at most 64 templates: each salt fails with a chance of about one in a million
            throw new IllegalStateException("no distinct counter ids for the templates " + templates);
        }

        /** Salts tried for a rule's templates before giving up. */
        private static final int MAX_SALTS = 1000;

        /** 32-bit FNV-1a over the template's characters from the salt, finalised as MurmurHash3's, 31 bits. */
        static int slotId(String template, int salt) {
            int h = 0x811c9dc5 ^ salt;
            for (int i = 0; i < template.length(); i++) {
                h ^= template.charAt(i);
                h *= 0x01000193;
            }
            h ^= h >>> 16;
            h *= 0x85ebca6b;
            h ^= h >>> 13;
            h *= 0xc2b2ae35;
            h ^= h >>> 16;
            return h & 0x7fffffff;
        }

        /**
         * A lower bound of the distinct resources the key touched in the sliding window, from its tally:
         * the registers filled in this window and, in proportion to its overlap, in the previous one.
         * Filled registers are a lower bound of the distinct paths (each stands for at least one), so the
         * bound never refuses a client below it; with eight registers per allowed resource, a walker gets
         * about 7% past it on average and up to about 10% (probe9: 30 to 33 of 200 at a bound of 30).
         */
        double distinct(long tally, long nowMillis) {
            double overlap = (double) (windowMillis - Math.floorMod(nowMillis, windowMillis)) / windowMillis;
            return Tallies.bits(tally) + overlap * Tallies.previousBits(tally);
        }
    }

    /** Builds a {@link VolumeGuard}. */
    public static final class Builder extends StoreRuleBuilder<DistinctRule, Builder> {
        private long seed = new SecureRandom().nextLong();
        private Duration historyTtl = Duration.ofHours(24);

        private Builder() {
            super(NAME);
        }

        /**
         * The hash seed. Random by default; instances sharing a store need the same seed for their
         * sketches to agree, so set it from configuration when the store is shared.
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** How long a client's activity outside the watched routes is remembered; default 24 hours. */
        public Builder historyTtl(Duration historyTtl) {
            Objects.requireNonNull(historyTtl, "historyTtl");
            if (historyTtl.toMillis() < 1000) {
                throw new IllegalArgumentException(
                        "history-ttl must be at least 1s, was " + Durations.written(historyTtl));
            }
            this.historyTtl = historyTtl;
            return this;
        }

        /** @throws IllegalStateException without a store or a rule */
        public VolumeGuard build() {
            validate();
            return new VolumeGuard(store(), timeSource(), rules(), seed, historyTtl);
        }
    }

    /**
     * Each rule with its paths, methods, key, resource, window, bound and answer (a score or an action); and as
     * state the routes under scrape now ({@code underScrape}).
     */
    @Override
    protected void describeRule(DistinctRule rule, Map<String, Object> settings) {
        settings.put("key", rule.keySpec());
        settings.put("resource", rule.resource()); // none for the path alone, then left out (user67 F5)
        settings.put("window", rule.window());
        settings.put("maxDistinct", rule.maxDistinct());
        answer(settings, rule.score(), rule.action());
        settings.put("underScrape", rule.underScrape() != null);
        RateBaseline rates = rule.rateBaseline();
        if (rates != null) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("window", rates.window());
            view.put("multiplier", rates.multiplier());
            view.put("minRequests", rates.minRequests());
            view.put("learningWindows", rates.learningWindows());
            answer(view, rates.score(), rates.action());
            settings.put("rateBaseline", view);
        }
        OnlyReads reads = rule.onlyReads();
        if (reads != null) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("minDistinct", reads.minDistinct());
            answer(view, reads.score(), reads.action());
            settings.put("onlyReads", view);
        }
    }

    @Override
    protected void describeState(GuardDescription.Builder description) {
        description.state("underScrape", underScrape()).state("volumeBaselines", baselines());
    }

    /** A signal answers with its score when it has one, else with its action. */
    private static void answer(Map<String, Object> view, int score, Action action) {
        if (score > 0) {
            view.put("score", score);
        } else {
            view.put("action", action);
        }
    }
}
