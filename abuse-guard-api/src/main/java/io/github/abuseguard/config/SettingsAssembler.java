package io.github.abuseguard.config;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.KeyResolver;
import io.github.abuseguard.PathPattern;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.client.ClientSignalsGuard;
import io.github.abuseguard.client.IpListGuard;
import io.github.abuseguard.discovery.EndpointInventory;
import io.github.abuseguard.email.BounceFeedback;
import io.github.abuseguard.email.DisposableDomains;
import io.github.abuseguard.email.DisposableEmailGuard;
import io.github.abuseguard.email.DomainList;
import io.github.abuseguard.email.DomainSource;
import io.github.abuseguard.email.EmailRule;
import io.github.abuseguard.email.FileDomainSource;
import io.github.abuseguard.email.MxCheck;
import io.github.abuseguard.email.MxResolver;
import io.github.abuseguard.email.UrlDomainSource;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.failure.UnderAttack;
import io.github.abuseguard.identity.ClientResolver;
import io.github.abuseguard.origin.OriginGuard;
import io.github.abuseguard.origin.OriginRule;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.sequence.MarkovModel;
import io.github.abuseguard.sequence.PrecedenceRule;
import io.github.abuseguard.sequence.SequenceGuard;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.volume.DistinctRule;
import io.github.abuseguard.volume.OnlyReads;
import io.github.abuseguard.volume.RateBaseline;
import io.github.abuseguard.volume.UnderScrape;
import io.github.abuseguard.volume.VolumeGuard;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Supplier;

/**
 * Turns {@link AbuseGuardSettings} into working parts, validating every value on the way. A value that
 * cannot work raises an {@link InvalidSettingException} naming its property, so a misconfigured
 * application fails at start-up instead of misbehaving under attack.
 */
public final class SettingsAssembler {

    /** The prefix of every property. */
    public static final String PREFIX = "abuse-guard";

    private SettingsAssembler() {}

    /** The engine builder with the engine-wide settings applied; guards and listeners are added by the caller. */
    public static AbuseGuard.Builder engine(AbuseGuardSettings settings, TimeSource timeSource) {
        AbuseGuard.Builder builder = AbuseGuard.builder().timeSource(timeSource);
        builder.mode(required(settings.getMode(), "mode"));
        builder.failurePolicy(required(settings.getFailurePolicy(), "failure-policy"));
        builder.riskAction(required(settings.getRiskAction(), "risk-action"));
        check("risk-threshold", () -> builder.riskThreshold(settings.getRiskThreshold()));
        check(
                "failure-log-interval",
                () -> builder.failureLogInterval(required(settings.getFailureLogInterval(), "failure-log-interval")));
        List<String> exempt = settings.getRoutes().getExempt();
        for (int i = 0; i < exempt.size(); i++) {
            String pattern = exempt.get(i);
            check("routes.exempt[" + i + "]", () -> builder.exemptRoute(pattern));
        }
        List<String> monitor = settings.getRoutes().getMonitor();
        for (int i = 0; i < monitor.size(); i++) {
            String pattern = monitor.get(i);
            check("routes.monitor[" + i + "]", () -> builder.monitoredRoute(pattern));
        }
        return builder;
    }

    /** The client resolver of {@code abuse-guard.client.*}. */
    /** The decision log of {@code abuse-guard.logging.*}: one line per guard per second, client keys in clear or pseudonymised. */
    public static io.github.abuseguard.LoggingGuardListener decisionLog(
            AbuseGuardSettings settings, TimeSource timeSource) {
        AbuseGuardSettings.Logging logging = settings.getLogging();
        String secret = logging.isPseudonymiseClients()
                ? (logging.getPseudonymSecret() == null ? "" : logging.getPseudonymSecret())
                : null;
        return new io.github.abuseguard.LoggingGuardListener(java.time.Duration.ofSeconds(1), timeSource, secret);
    }

    public static ClientResolver clientResolver(AbuseGuardSettings settings) {
        AbuseGuardSettings.Client client = settings.getClient();
        ClientResolver.Builder builder = ClientResolver.builder();
        List<String> proxies = client.getTrustedProxies();
        for (int i = 0; i < proxies.size(); i++) {
            String proxy = proxies.get(i);
            check("client.trusted-proxies[" + i + "]", () -> builder.trustedProxies(proxy));
        }
        builder.forwardedHeader(required(client.getForwardedHeader(), "client.forwarded-header"));
        check("client.ipv6-prefix-length", () -> builder.ipv6PrefixLength(client.getIpv6PrefixLength()));
        return builder.build();
    }

    /** The body cap of {@code abuse-guard.body.max-bytes}. */
    public static int maxBodyBytes(AbuseGuardSettings settings) {
        int max = settings.getBody().getMaxBytes();
        if (max < 0 || max > 1 << 20) {
            throw new InvalidSettingException(PREFIX + ".body.max-bytes", "must be between 0 and 1048576, was " + max);
        }
        return max;
    }

    /** The in-process store of {@code abuse-guard.store.*}. */
    public static LocalStateStore localStore(AbuseGuardSettings settings, TimeSource timeSource) {
        LocalStateStore.Builder builder = LocalStateStore.builder().timeSource(timeSource);
        check(
                "store.maximum-keys",
                () -> builder.maximumKeys(settings.getStore().getMaximumKeys()));
        return builder.build();
    }

    /**
     * The store of {@code abuse-guard.store.type}: {@code local}, or a type a {@link StateStoreProvider}
     * on the class path provides, such as {@code redis} from {@code abuse-guard-redis}.
     */
    public static StateStore stateStore(AbuseGuardSettings settings, TimeSource timeSource) {
        String type = settings.getStore().getType() == null
                ? ""
                : settings.getStore().getType().trim();
        if (type.equalsIgnoreCase("local")) {
            return localStore(settings, timeSource);
        }
        List<String> known = new ArrayList<>(List.of("local"));
        for (StateStoreProvider provider :
                ServiceLoader.load(StateStoreProvider.class, SettingsAssembler.class.getClassLoader())) {
            if (provider.type().equalsIgnoreCase(type)) {
                return provider.create(settings, timeSource);
            }
            known.add(provider.type());
        }
        throw new InvalidSettingException(
                PREFIX + ".store.type",
                "'" + type + "' is not one of " + known
                        + (type.equalsIgnoreCase("redis")
                                ? "; add the io.github.abuseguard:abuse-guard-redis dependency"
                                : ""));
    }

    /** The rules of {@code abuse-guard.rate-limit.rules}, each marked with source {@code properties}. */
    public static List<RateLimitRule> rateLimitRules(AbuseGuardSettings settings) {
        List<RateLimitRule> rules = new ArrayList<>();
        for (Map.Entry<String, AbuseGuardSettings.Rule> entry :
                settings.getRateLimit().getRules().entrySet()) {
            rules.add(rule(entry.getKey(), entry.getValue()));
        }
        return rules;
    }

    /**
     * The rate-limit guard with the configured rules followed by {@code extraRules} (from annotations,
     * say), or {@code null} when it is disabled or has no rule at all.
     */
    public static RateLimitGuard rateLimitGuard(
            AbuseGuardSettings settings, StateStore store, List<RateLimitRule> extraRules) {
        if (!settings.getRateLimit().isEnabled()) {
            return null;
        }
        List<RateLimitRule> rules = new ArrayList<>(rateLimitRules(settings));
        rules.addAll(extraRules);
        if (rules.isEmpty()) {
            return null;
        }
        RateLimitGuard.Builder builder = RateLimitGuard.builder().store(store);
        for (RateLimitRule rule : rules) {
            check("rate-limit.rules." + rule.name(), () -> builder.rule(rule));
        }
        return builder.build();
    }

    /**
     * The origin guard with the configured rules followed by {@code extraRules}, or {@code null} when it
     * is disabled or has no rule.
     */
    public static OriginGuard originGuard(AbuseGuardSettings settings, List<OriginRule> extraRules) {
        if (!settings.getOrigin().isEnabled()) {
            return null;
        }
        List<OriginRule> rules = new ArrayList<>();
        for (Map.Entry<String, AbuseGuardSettings.OriginRuleSettings> entry :
                settings.getOrigin().getRules().entrySet()) {
            rules.add(originRule(entry.getKey(), entry.getValue()));
        }
        rules.addAll(extraRules);
        return rules.isEmpty() ? null : OriginGuard.of(rules);
    }

    private static OriginRule originRule(String name, AbuseGuardSettings.OriginRuleSettings settings) {
        String at = "origin.rules." + name;
        OriginRule.Builder builder = get(at, () -> OriginRule.builder(name)).source("properties");
        List<String> paths = settings.getPaths();
        for (int i = 0; i < paths.size(); i++) {
            String path = paths.get(i);
            check(at + ".paths[" + i + "]", () -> builder.path(path));
        }
        builder.methods(settings.getMethods().toArray(String[]::new));
        List<String> origins = settings.getAllowedOrigins();
        for (int i = 0; i < origins.size(); i++) {
            String origin = origins.get(i);
            check(at + ".allowed-origins[" + i + "]", () -> builder.allowOrigin(origin));
        }
        builder.allowSameOrigin(settings.isAllowSameOrigin())
                .allowNull(settings.isAllowNull())
                .allowSameSite(settings.isAllowSameSite());
        check(
                at + ".missing-score",
                () -> builder.missing(required(settings.getMissing(), at + ".missing"), settings.getMissingScore()));
        builder.action(required(settings.getAction(), at + ".action"));
        builder.decoy(settings.getDecoy());
        builder.apiKeyHeader(required(settings.getApiKeyHeader(), at + ".api-key-header"));
        settings.getApiKeys()
                .forEach(
                        (key, keyOrigins) -> check(at + ".api-keys." + key, () -> builder.bindApiKey(key, keyOrigins)));
        return get(at, builder::build);
    }

    /** The client-signals guard of {@code abuse-guard.client-signals.*}, or {@code null} when disabled. */
    public static ClientSignalsGuard clientSignalsGuard(AbuseGuardSettings settings) {
        AbuseGuardSettings.ClientSignals signals = settings.getClientSignals();
        if (!signals.isEnabled()) {
            return null;
        }
        String at = "client-signals.";
        ClientSignalsGuard.Scores scores = ClientSignalsGuard.Scores.defaults();
        check(at + "missing-user-agent-score", () -> scores.missingUserAgent(signals.getMissingUserAgentScore()));
        check(at + "via-score", () -> scores.via(signals.getViaScore()));
        check(
                at + "amazon-cloud-front-id-score",
                () -> scores.amazonCloudFrontId(signals.getAmazonCloudFrontIdScore()));
        check(at + "cloud-front-headers-score", () -> scores.cloudFrontHeaders(signals.getCloudFrontHeadersScore()));
        check(
                at + "untrusted-forwarding-score",
                () -> scores.untrustedForwarding(signals.getUntrustedForwardingScore()));
        check(at + "cdn-user-agent-score", () -> scores.cdnUserAgent(signals.getCdnUserAgentScore()));
        ClientSignalsGuard.Builder builder = ClientSignalsGuard.builder()
                .builtinSignatures(signals.isBuiltinSignatures())
                .scores(scores);
        signals.getUserAgentRules()
                .forEach((name, rule) -> check(at + "user-agent-rules." + name, () -> {
                    if (rule.getPattern() == null) {
                        throw new IllegalArgumentException("pattern is required");
                    }
                    builder.userAgentRule(new ClientSignalsGuard.UserAgentRule(
                            name,
                            ClientSignalsGuard.UserAgentRule.compile(rule.getPattern()),
                            rule.getAction(),
                            rule.getScore()));
                }));
        signals.getExpectedClients()
                .forEach((name, expected) -> check(at + "expected-clients." + name, () -> {
                    if (expected.getPattern() == null || expected.getPaths().isEmpty()) {
                        throw new IllegalArgumentException("pattern and paths are required");
                    }
                    List<PathPattern> paths =
                            expected.getPaths().stream().map(PathPattern::parse).toList();
                    builder.expectedClient(new ClientSignalsGuard.ExpectedClient(
                            name,
                            paths,
                            ClientSignalsGuard.UserAgentRule.compile(expected.getPattern()),
                            expected.getScore()));
                }));
        return builder.build();
    }

    /** The IP list guard of {@code abuse-guard.ip-lists.*}, or {@code null} when no list is configured. */
    public static IpListGuard ipListGuard(AbuseGuardSettings settings) {
        AbuseGuardSettings.IpLists lists = settings.getIpLists();
        if (lists.getAllow().isEmpty()
                && lists.getDeny().isEmpty()
                && lists.getAllowFile() == null
                && lists.getDenyFile() == null) {
            return null;
        }
        IpListGuard.Builder builder = IpListGuard.builder();
        for (int i = 0; i < lists.getAllow().size(); i++) {
            String cidr = lists.getAllow().get(i);
            check("ip-lists.allow[" + i + "]", () -> builder.allow(cidr));
        }
        for (int i = 0; i < lists.getDeny().size(); i++) {
            String cidr = lists.getDeny().get(i);
            check("ip-lists.deny[" + i + "]", () -> builder.deny(cidr));
        }
        if (lists.getAllowFile() != null) {
            builder.allowFile(Path.of(lists.getAllowFile()));
        }
        if (lists.getDenyFile() != null) {
            builder.denyFile(Path.of(lists.getDenyFile()));
        }
        check(
                "ip-lists.reload-interval",
                () -> builder.reloadInterval(required(lists.getReloadInterval(), "ip-lists.reload-interval")));
        return builder.build();
    }

    /**
     * What the settings say is disposable: the bundled list, the configured sources, the allowlists,
     * the blocks of bounce feedback in {@code store}, and the MX check when enabled.
     */
    public static DisposableDomains disposableDomains(
            AbuseGuardSettings settings, StateStore store, TimeSource timeSource) {
        AbuseGuardSettings.Email email = settings.getEmail();
        Duration refresh = required(email.getRefreshInterval(), "email.refresh-interval");
        if (refresh.isNegative() || refresh.isZero()) {
            throw new InvalidSettingException(PREFIX + ".email.refresh-interval", "must be positive, was " + refresh);
        }
        List<DomainSource> blocklists = new ArrayList<>();
        if (email.isBundled()) {
            blocklists.add(DomainSource.bundled());
        }
        for (int i = 0; i < email.getSources().size(); i++) {
            String source = email.getSources().get(i).trim();
            String at = "email.sources[" + i + "]";
            blocklists.add(get(
                    at,
                    () -> source.startsWith("bundled:")
                            ? DomainSource.named(source.substring(8))
                            : source.startsWith("http://") || source.startsWith("https://")
                                    ? new UrlDomainSource(URI.create(source), refresh, Duration.ofSeconds(30))
                                    : new FileDomainSource(
                                            Path.of(source.startsWith("file:") ? source.substring(5) : source),
                                            refresh)));
        }
        List<DomainSource> allowlists = new ArrayList<>();
        if (email.isProtectMajorProviders()) {
            allowlists.add(DomainSource.majorProviders());
        }
        if (!email.getAllowlist().isEmpty()) {
            allowlists.add(DomainSource.of("allowlist", DomainList.of(email.getAllowlist())));
        }
        MxCheck mx = null;
        if (email.isMxCheck()) {
            Duration budget = required(email.getMxBudget(), "email.mx-budget");
            check("email.mx-budget", () -> {
                if (budget.isNegative()) {
                    throw new IllegalArgumentException("must not be negative, was " + budget);
                }
            });
            mx = get(
                    "email.mx-hosts",
                    () -> new MxCheck(
                            MxResolver.dns(Duration.ofSeconds(2)),
                            budget,
                            10_000,
                            Duration.ofHours(1),
                            email.getMxHosts()));
        }
        return new DisposableDomains(blocklists, allowlists, store.bans("email:blocked"), mx);
    }

    /** Bounce feedback of {@code abuse-guard.email.bounce-*} over the same blocks as {@code domains}. */
    public static BounceFeedback bounceFeedback(
            AbuseGuardSettings settings, StateStore store, DisposableDomains domains) {
        AbuseGuardSettings.Email email = settings.getEmail();
        Duration window = required(email.getBounceWindow(), "email.bounce-window");
        Counters counters = get("email.bounce-window", () -> store.counters("email:bounces", window));
        Counters deliveries = get("email.bounce-window", () -> store.counters("email:deliveries", window));
        check("email.bounce-rate", () -> {
            double rate = email.getBounceRate();
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException("must be within 0 and 1, was " + rate);
            }
        });
        return get(
                "email.bounce-threshold",
                () -> new BounceFeedback(
                        counters,
                        deliveries,
                        store.bans("email:blocked"),
                        email.getBounceThreshold(),
                        email.getBounceRate(),
                        required(email.getBounceBlockFor(), "email.bounce-block-for"),
                        domains));
    }

    /** The disposable-email guard with the configured rules and {@code extraRules}, or {@code null} without rules. */
    public static DisposableEmailGuard emailGuard(
            AbuseGuardSettings settings, DisposableDomains domains, List<EmailRule> extraRules) {
        if (!settings.getEmail().isEnabled()) {
            return null;
        }
        List<EmailRule> rules = new ArrayList<>();
        settings.getEmail().getRules().forEach((name, rule) -> {
            String at = "email.rules." + name;
            EmailRule.Builder builder = EmailRule.builder(name).source("properties");
            for (int i = 0; i < rule.getPaths().size(); i++) {
                String path = rule.getPaths().get(i);
                check(at + ".paths[" + i + "]", () -> builder.path(path));
            }
            builder.methods(rule.getMethods().toArray(String[]::new));
            check(at + ".field", () -> builder.field(required(rule.getField(), at + ".field")));
            check(
                    at + ".score",
                    () -> builder.response(required(rule.getResponse(), at + ".response"), rule.getScore()));
            builder.decoy(rule.getDecoy());
            rules.add(get(at, builder::build));
        });
        rules.addAll(extraRules);
        return rules.isEmpty() ? null : DisposableEmailGuard.of(domains, rules);
    }

    /**
     * The sequence guard of {@code abuse-guard.sequence.*} with {@code extraRules}, or {@code null} when
     * it has neither rules nor a model.
     */
    public static SequenceGuard sequenceGuard(
            AbuseGuardSettings settings, StateStore store, TimeSource timeSource, List<PrecedenceRule> extraRules) {
        AbuseGuardSettings.Sequence sequence = settings.getSequence();
        if (!sequence.isEnabled()) {
            return null;
        }
        String at = "sequence.";
        String model =
                sequence.getModel() == null ? "off" : sequence.getModel().trim().toLowerCase(java.util.Locale.ROOT);
        if (!List.of("off", "learn", "score", "learn-and-score").contains(model)) {
            throw new InvalidSettingException(
                    PREFIX + ".sequence.model",
                    "'" + sequence.getModel() + "' is not off, learn, score or learn-and-score");
        }
        List<PrecedenceRule> rules = new ArrayList<>();
        sequence.getRules()
                .forEach((name, rule) -> rules.add(get(at + "rules." + name, () -> precedenceRule(name, rule))));
        rules.addAll(extraRules);
        if (rules.isEmpty() && model.equals("off")) {
            return null;
        }
        Duration idle = required(sequence.getIdleGap(), at + "idle-gap");
        SequenceGuard.Builder builder = SequenceGuard.builder().timeSource(timeSource);
        check(
                at + "session",
                () -> builder.session(KeyResolver.parse(required(sequence.getSession(), at + "session"))));
        check(at + "trail-length", () -> builder.trails(store.trails("sequence", sequence.getTrailLength(), idle)));
        check(
                at + "cardinality-threshold",
                () -> builder.inventory(new EndpointInventory(
                        sequence.getCardinalityThreshold(), 20_000, sequence.getMaxEndpoints(), timeSource)));
        rules.forEach(builder::rule);
        if (!model.equals("off")) {
            MarkovModel markov;
            if (sequence.getModelFile() != null) {
                markov = get(at + "model-file", () -> {
                    try {
                        return MarkovModel.fromJson(java.nio.file.Files.readString(Path.of(sequence.getModelFile())));
                    } catch (java.io.IOException e) {
                        throw new IllegalArgumentException("cannot read " + sequence.getModelFile() + ": " + e);
                    }
                });
            } else {
                markov = new MarkovModel(1000);
            }
            check(
                    at + "model-quantile",
                    () -> builder.model(
                            markov, model.contains("learn"), model.contains("score"), sequence.getModelQuantile()));
            check(at + "model-score", () -> builder.strangePaths(sequence.getModelScore(), sequence.isModelDeny()));
        }
        return builder.build();
    }

    private static PrecedenceRule precedenceRule(String name, AbuseGuardSettings.PrecedenceRuleSettings rule) {
        if ((rule.getRequires() == null) == (rule.getForbids() == null)) {
            throw new IllegalArgumentException("give exactly one of requires and forbids");
        }
        String status =
                rule.getStatus() == null ? "any" : rule.getStatus().trim().toLowerCase(java.util.Locale.ROOT);
        int statusClass;
        if (status.equals("any")) {
            statusClass = 0;
        } else if (status.matches("[1-5]xx")) {
            statusClass = status.charAt(0) - '0';
        } else {
            throw new IllegalArgumentException("status '" + rule.getStatus() + "' is not 2xx, 3xx, 4xx, 5xx or any");
        }
        boolean requires = rule.getRequires() != null;
        return new PrecedenceRule(
                name,
                requires ? PrecedenceRule.Kind.REQUIRES : PrecedenceRule.Kind.FORBIDS,
                required(rule.getOperation(), "sequence.rules." + name + ".operation"),
                requires ? rule.getRequires() : rule.getForbids(),
                statusClass,
                rule.getWithin(),
                rule.getMinimumDelay(),
                "properties");
    }

    /**
     * The failure guard of {@code abuse-guard.failure.*} with {@code extraRules} (from annotations, say),
     * or {@code null} when it is disabled or has no rule.
     */
    public static FailureGuard failureGuard(
            AbuseGuardSettings settings, StateStore store, TimeSource timeSource, List<FailureRule> extraRules) {
        AbuseGuardSettings.Failure failure = settings.getFailure();
        if (!failure.isEnabled()) {
            return null;
        }
        List<FailureRule> rules = new ArrayList<>();
        failure.getRules().forEach((name, rule) -> rules.add(failureRule(name, rule)));
        rules.addAll(extraRules);
        if (rules.isEmpty()) {
            return null;
        }
        FailureGuard.Builder builder = FailureGuard.builder().store(store).timeSource(timeSource);
        check(
                "failure.history-ttl",
                () -> builder.historyTtl(required(failure.getHistoryTtl(), "failure.history-ttl")));
        for (FailureRule rule : rules) {
            check("failure.rules." + rule.name(), () -> builder.rule(rule));
        }
        return builder.build();
    }

    private static FailureRule failureRule(String name, AbuseGuardSettings.FailureRuleSettings rule) {
        String at = "failure.rules." + name;
        FailureRule.Builder builder = get(at, () -> FailureRule.builder(name)).source("properties");
        for (int i = 0; i < rule.getPaths().size(); i++) {
            String path = rule.getPaths().get(i);
            check(at + ".paths[" + i + "]", () -> builder.path(path));
        }
        if (rule.getPaths().isEmpty()) {
            throw new InvalidSettingException(PREFIX + "." + at + ".paths", "a failure rule needs at least one path");
        }
        check(at + ".methods", () -> builder.methods(rule.getMethods().toArray(String[]::new)));
        check(at + ".statuses", () -> builder.statuses(required(rule.getStatuses(), at + ".statuses")));
        check(at + ".key", () -> builder.key(required(rule.getKey(), at + ".key")));
        check(at + ".distinct", () -> builder.distinct(rule.getDistinct()));
        builder.counting(required(rule.getCounting(), at + ".counting"));
        check(at + ".find-time", () -> builder.findTime(required(rule.getFindTime(), at + ".find-time")));
        check(at + ".max-retry", () -> builder.maxRetry(rule.getMaxRetry()));
        check(at + ".ban-time", () -> builder.banTime(required(rule.getBanTime(), at + ".ban-time")));
        check(at + ".ban-factor", () -> builder.banFactor(rule.getBanFactor()));
        check(at + ".max-ban-time", () -> builder.maxBanTime(required(rule.getMaxBanTime(), at + ".max-ban-time")));
        builder.action(required(rule.getAction(), at + ".action"));
        AbuseGuardSettings.UnderAttackSettings attack = rule.getUnderAttack();
        if (attack.isEnabled()) {
            String under = at + ".under-attack";
            builder.underAttack(get(
                    under,
                    () -> new UnderAttack(
                            required(attack.getWindow(), under + ".window"),
                            attack.getMultiplier(),
                            attack.getMinFailures(),
                            attack.getMinRatio(),
                            required(attack.getDuration(), under + ".duration"),
                            required(attack.getAction(), under + ".action"),
                            java.util.Set.copyOf(required(attack.getSignals(), under + ".signals")),
                            attack.getAppHeader())));
        }
        return get(at, builder::build);
    }

    /** The volume guard of {@code abuse-guard.volume.*}, or {@code null} when it is disabled or has no rule. */
    public static VolumeGuard volumeGuard(AbuseGuardSettings settings, StateStore store, TimeSource timeSource) {
        AbuseGuardSettings.Volume volume = settings.getVolume();
        if (!volume.isEnabled() || volume.getRules().isEmpty()) {
            return null;
        }
        VolumeGuard.Builder builder = VolumeGuard.builder().store(store).timeSource(timeSource);
        if (volume.getSeed() != null) {
            builder.seed(volume.getSeed());
        }
        volume.getRules().forEach((name, rule) -> {
            String at = "volume.rules." + name;
            DistinctRule.Builder distinct =
                    get(at, () -> DistinctRule.builder(name)).source("properties");
            for (int i = 0; i < rule.getPaths().size(); i++) {
                String path = rule.getPaths().get(i);
                check(at + ".paths[" + i + "]", () -> distinct.path(path));
            }
            check(at + ".methods", () -> distinct.methods(rule.getMethods().toArray(String[]::new)));
            check(at + ".key", () -> distinct.key(required(rule.getKey(), at + ".key")));
            check(at + ".window", () -> distinct.window(required(rule.getWindow(), at + ".window")));
            check(at + ".max-distinct", () -> distinct.maxDistinct(rule.getMaxDistinct()));
            distinct.action(required(rule.getAction(), at + ".action"));
            check(at + ".score", () -> distinct.score(rule.getScore()));
            AbuseGuardSettings.UnderScrapeSettings scrape = rule.getUnderScrape();
            if (scrape.isEnabled()) {
                String under = at + ".under-scrape";
                distinct.underScrape(get(
                        under,
                        () -> new UnderScrape(
                                required(scrape.getWindow(), under + ".window"),
                                scrape.getMultiplier(),
                                scrape.getMinDistinct(),
                                required(scrape.getDuration(), under + ".duration"),
                                required(scrape.getAction(), under + ".action"),
                                scrape.getMinRatio())));
            }
            AbuseGuardSettings.RateBaselineSettings rates = rule.getRateBaseline();
            if (rates.isEnabled()) {
                String rate = at + ".rate-baseline";
                distinct.rateBaseline(get(
                        rate,
                        () -> new RateBaseline(
                                required(rates.getWindow(), rate + ".window"),
                                rates.getMultiplier(),
                                rates.getMinRequests(),
                                rates.getLearningWindows(),
                                required(rates.getAction(), rate + ".action"),
                                rates.getScore())));
            }
            AbuseGuardSettings.OnlyReadsSettings reads = rule.getOnlyReads();
            if (reads.isEnabled()) {
                String only = at + ".only-reads";
                if (reads.getMinDistinct() >= rule.getMaxDistinct()) {
                    throw new InvalidSettingException(
                            PREFIX + "." + only + ".min-distinct",
                            "must be below " + PREFIX + "." + at + ".max-distinct (" + rule.getMaxDistinct() + "), was "
                                    + reads.getMinDistinct());
                }
                distinct.onlyReads(get(
                        only,
                        () -> new OnlyReads(
                                reads.getMinDistinct(),
                                reads.getScore(),
                                required(reads.getAction(), only + ".action"))));
            }
            builder.rule(get(at + ".paths", distinct::build));
        });
        return builder.build();
    }

    /**
     * Adds every guard the settings configure to an engine builder, with the failure rules of the
     * settings only; see the overload with extra failure rules.
     */
    public static AbuseGuard.Builder guards(
            AbuseGuard.Builder engine,
            AbuseGuardSettings settings,
            StateStore store,
            TimeSource timeSource,
            List<RateLimitRule> extraRateLimitRules,
            List<OriginRule> extraOriginRules,
            DisposableEmailGuard emailGuard,
            SequenceGuard sequenceGuard) {
        return guards(
                engine,
                settings,
                store,
                timeSource,
                extraRateLimitRules,
                extraOriginRules,
                emailGuard,
                sequenceGuard,
                List.of());
    }

    /**
     * Adds every guard the settings configure to an engine builder, in the order that makes sense: IP
     * lists first (an allowed client skips the rest), then client signals, origin checks, the
     * disposable-email guard (built by the caller, which also needs its domains), the failure and
     * volume guards (a banned key is refused before it spends tokens) and rate limits (counted last, so refused
     * requests do not spend tokens).
     */
    public static AbuseGuard.Builder guards(
            AbuseGuard.Builder engine,
            AbuseGuardSettings settings,
            StateStore store,
            TimeSource timeSource,
            List<RateLimitRule> extraRateLimitRules,
            List<OriginRule> extraOriginRules,
            DisposableEmailGuard emailGuard,
            SequenceGuard sequenceGuard,
            List<FailureRule> extraFailureRules) {
        IpListGuard ipLists = ipListGuard(settings);
        if (ipLists != null) {
            engine.guard(ipLists);
        }
        ClientSignalsGuard signals = clientSignalsGuard(settings);
        if (signals != null) {
            engine.guard(signals, settings.getClientSignals().getMode());
        }
        OriginGuard origin = originGuard(settings, extraOriginRules);
        if (origin != null) {
            engine.guard(origin, settings.getOrigin().getMode());
        }
        if (emailGuard != null) {
            engine.guard(emailGuard, settings.getEmail().getMode());
        }
        if (sequenceGuard != null) {
            engine.guard(sequenceGuard, settings.getSequence().getMode());
        }
        FailureGuard failure = failureGuard(settings, store, timeSource, extraFailureRules);
        if (failure != null) {
            engine.guard(failure, settings.getFailure().getMode());
        }
        VolumeGuard volume = volumeGuard(settings, store, timeSource);
        if (volume != null) {
            engine.guard(volume, settings.getVolume().getMode());
        }
        RateLimitGuard rateLimits = rateLimitGuard(settings, store, extraRateLimitRules);
        if (rateLimits != null) {
            engine.guard(rateLimits, settings.getRateLimit().getMode());
        }
        return engine;
    }

    private static RateLimitRule rule(String name, AbuseGuardSettings.Rule settings) {
        String at = "rate-limit.rules." + name;
        RateLimitRule.Builder builder =
                get(at, () -> RateLimitRule.builder(name)).source("properties");
        List<String> paths = settings.getPaths();
        for (int i = 0; i < paths.size(); i++) {
            String path = paths.get(i);
            check(at + ".paths[" + i + "]", () -> builder.path(path));
        }
        List<String> methods = settings.getMethods();
        for (String method : methods) {
            if (!method.trim().matches("[A-Za-z]+")) {
                throw new InvalidSettingException(
                        PREFIX + "." + at + ".methods", "'" + method + "' is not an HTTP method");
            }
        }
        builder.methods(methods.toArray(String[]::new));
        check(at + ".key", () -> builder.key(required(settings.getKey(), at + ".key")));
        check(at + ".cost", () -> builder.cost(settings.getCost()));
        builder.action(required(settings.getAction(), at + ".action"));
        builder.decoy(settings.getDecoy());
        List<AbuseGuardSettings.LimitSettings> limits = settings.getLimits();
        if (limits.isEmpty()) {
            throw new InvalidSettingException(
                    PREFIX + "." + at + ".limits",
                    "a rule needs at least one limit, as in " + PREFIX + "." + at
                            + ".limits[0].capacity=100 and .period=1m");
        }
        for (int i = 0; i < limits.size(); i++) {
            builder.limit(limit(at + ".limits[" + i + "]", limits.get(i)));
        }
        return get(at, builder::build);
    }

    private static Limit limit(String at, AbuseGuardSettings.LimitSettings limit) {
        long capacity = limit.getCapacity();
        if (capacity < 1) {
            throw new InvalidSettingException(PREFIX + "." + at + ".capacity", "must be positive, was " + capacity);
        }
        long refillTokens = limit.getRefillTokens() == null ? capacity : limit.getRefillTokens();
        if (refillTokens < 1) {
            throw new InvalidSettingException(
                    PREFIX + "." + at + ".refill-tokens", "must be positive, was " + refillTokens);
        }
        Duration period = required(limit.getPeriod(), at + ".period");
        if (period.isNegative() || period.isZero()) {
            throw new InvalidSettingException(PREFIX + "." + at + ".period", "must be positive, was " + period);
        }
        if (refillTokens > period.toNanos()) {
            // Bucket4j refuses it only when the guard is built, without the property's name
            throw new InvalidSettingException(
                    PREFIX + "." + at + ".refill-tokens",
                    refillTokens + " per " + period + " is more than one token a nanosecond");
        }
        return new Limit(capacity, refillTokens, period, required(limit.getRefill(), at + ".refill"));
    }

    private static <T> T required(T value, String property) {
        if (value == null) {
            throw new InvalidSettingException(PREFIX + "." + property, "is required");
        }
        return value;
    }

    private static void check(String property, Runnable step) {
        get(property, () -> {
            step.run();
            return null;
        });
    }

    private static <T> T get(String property, Supplier<T> step) {
        try {
            return step.get();
        } catch (InvalidSettingException e) {
            throw e;
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new InvalidSettingException(PREFIX + "." + property, e.getMessage());
        }
    }
}
