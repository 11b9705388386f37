package io.github.abuseguard.volume;

import io.github.abuseguard.Decision;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardDescription;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.StateStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Enumeration and scraping signals: per key and rule, how many distinct resources (concrete paths under
 * the rule's templates) were touched in a sliding window, and a bound on it ({@link DistinctRule}).
 *
 * <p>Distinct resources are counted with a bounded sketch kept in the {@link StateStore}'s counters (a
 * linear-counting bitmap): each path is hashed, with a secret seed so that a client cannot aim its paths
 * at one register, into one of {@code m} registers, {@code m} the power of two at least eight times
 * {@code max-distinct} (64 to 8192); a register's first hit in a window adds one to the filled count. The
 * filled count is a lower bound of the distinct paths, so a client is refused only once it certainly
 * passed the bound. Windows are aligned to the clock and the previous window counts in proportion to its
 * overlap, as the failure guard's sliding windows do. A key costs at most {@code max-distinct + 2}
 * counters per window, two windows alive, whatever the client sends; a client repeating one path costs
 * two.
 *
 * <p>A rule may also watch its routes for scraping spread over many clients ({@link UnderScrape}):
 * while they are under scrape, requests from clients with no successful request outside the watched
 * routes are refused. Thread-safe.
 */
public final class VolumeGuard implements Guard {

    /** The guard's name. */
    public static final String NAME = "volume";

    private final RuleState[] rules;
    private final TimeSource timeSource;
    private final long seed;
    private final Counters outsideHistory;

    private VolumeGuard(Builder builder) {
        this.timeSource = builder.timeSource;
        this.seed = builder.seed;
        List<RuleState> states = new ArrayList<>();
        Bans modes = builder.store.bans("volume:under-scrape");
        boolean watching = false;
        for (DistinctRule rule : builder.rules) {
            RouteScrapeWatch watch = rule.underScrape() == null
                    ? null
                    : new RouteScrapeWatch(rule.name(), rule.underScrape(), builder.store, modes);
            watching |= watch != null;
            states.add(new RuleState(rule, builder.store, watch));
        }
        this.rules = states.toArray(RuleState[]::new);
        this.outsideHistory = watching ? builder.store.counters("volume:outside", builder.historyTtl) : null;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    public List<DistinctRule> rules() {
        List<DistinctRule> list = new ArrayList<>(rules.length);
        for (RuleState state : rules) {
            list.add(state.rule);
        }
        return List.copyOf(list);
    }

    @Override
    public Decision check(GuardRequest request) {
        String method = request.method();
        String path = request.path();
        Decision flag = null;
        for (RuleState state : rules) {
            if (!state.rule.matches(method, path)) {
                continue;
            }
            String key = state.rule.keyResolver().resolve(request);
            if (key == null) {
                continue;
            }
            long hash = hash(path);
            long now = timeSource.instant().toEpochMilli();
            RouteScrapeWatch watch = state.watch;
            if (watch != null) {
                watch.record(hash, now);
                if (watch.isUnderScrape() && outsideHistory.get(request.client().key()) == 0) {
                    watch.refused(now);
                    return Decision.deny(state.rule.underScrape().action())
                            .guard(NAME)
                            .rule(state.rule.name())
                            .reason("under-scrape")
                            .status(429)
                            .retryAfter(state.rule.underScrape().duration())
                            .detail(
                                    "This resource is being scraped; clients without other activity are refused for now.")
                            .build();
                }
            }
            if (state.isOver(key, hash, now)) {
                DistinctRule rule = state.rule;
                if (rule.score() > 0) {
                    flag = flag == null ? Decision.flag(NAME, "many-distinct-resources", rule.score()) : flag;
                    continue;
                }
                return Decision.deny(rule.action())
                        .guard(NAME)
                        .rule(rule.name())
                        .reason("many-distinct-resources")
                        .retryAfter(rule.window())
                        .detail("Too many different resources requested; slow down.")
                        .build();
            }
        }
        return flag == null ? Decision.allow() : flag;
    }

    /**
     * Remembers clients that did something besides reading the watched routes: a successful request
     * elsewhere. Only needed, and only written, when a rule watches for scraping.
     */
    @Override
    public void observe(GuardRequest request, int status) {
        if (outsideHistory == null || status < 200 || status >= 400) {
            return;
        }
        String method = request.method();
        String path = request.path();
        for (RuleState state : rules) {
            if (state.watch != null && state.rule.matches(method, path)) {
                return;
            }
        }
        String client = request.client().key();
        if (outsideHistory.get(client) == 0) {
            outsideHistory.add(client, 1);
        }
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

    /** 64-bit FNV-1a over the path's characters from a secret offset, then a finalising mix. */
    private long hash(String path) {
        long h = seed;
        for (int i = 0; i < path.length(); i++) {
            h ^= path.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }

    private static final class RuleState {
        final DistinctRule rule;
        final Counters counters;
        final int registers;
        final long windowMillis;
        final RouteScrapeWatch watch;

        RuleState(DistinctRule rule, StateStore store, RouteScrapeWatch watch) {
            this.rule = rule;
            this.watch = watch;
            this.registers = VolumeGuardRegisters.of(rule.maxDistinct());
            this.windowMillis = rule.window().toMillis();
            this.counters = store.counters("volume:" + rule.name(), Duration.ofMillis(2 * windowMillis));
        }

        /**
         * Counts the path for the key and tells whether the key has certainly touched more than
         * max-distinct resources in the sliding window. Filled registers are a lower bound of the
         * distinct paths (each stands for at least one), so the bound never refuses a client below it;
         * with eight registers per allowed resource, a walker gets at most about 7% past it. A key over
         * the bound is not written to any more, so it costs at most max-distinct + 2 counters a window.
         */
        boolean isOver(String key, long hash, long nowMillis) {
            long epoch = Math.floorDiv(nowMillis, windowMillis);
            String prefix = key + '@' + epoch;
            double overlap = (double) (windowMillis - Math.floorMod(nowMillis, windowMillis)) / windowMillis;
            double previous = overlap * counters.get(key + '@' + (epoch - 1));
            long filled = counters.get(prefix);
            if (filled + previous > rule.maxDistinct()) {
                return true;
            }
            int register = (int) (hash & (registers - 1));
            if (counters.add(prefix + '#' + register, 1) == 1) {
                filled = counters.add(prefix, 1);
            }
            return filled + previous > rule.maxDistinct();
        }
    }

    /** Builds a {@link VolumeGuard}. */
    public static final class Builder {
        private StateStore store;
        private TimeSource timeSource = TimeSource.system();
        private final List<DistinctRule> rules = new ArrayList<>();
        private final Set<String> names = new LinkedHashSet<>();
        private long seed = new SecureRandom().nextLong();
        private Duration historyTtl = Duration.ofHours(24);

        private Builder() {}

        public Builder store(StateStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        public Builder timeSource(TimeSource timeSource) {
            this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
            return this;
        }

        /** @throws IllegalArgumentException if a rule of that name was added already */
        public Builder rule(DistinctRule rule) {
            Objects.requireNonNull(rule, "rule");
            if (!names.add(rule.name())) {
                throw new IllegalArgumentException("a volume rule named '" + rule.name() + "' exists already");
            }
            rules.add(rule);
            return this;
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
                throw new IllegalArgumentException("history-ttl must be at least 1s, was " + historyTtl);
            }
            this.historyTtl = historyTtl;
            return this;
        }

        /** @throws IllegalStateException without a store or a rule */
        public VolumeGuard build() {
            if (store == null) {
                throw new IllegalStateException("a volume guard needs a store");
            }
            if (rules.isEmpty()) {
                throw new IllegalStateException("a volume guard needs at least one rule");
            }
            return new VolumeGuard(this);
        }
    }

    /**
     * Each rule with its paths, methods, key, window, bound and answer (a score or an action); and as
     * state the routes under scrape now ({@code underScrape}).
     */
    @Override
    public GuardDescription describe() {
        GuardDescription.Builder description = GuardDescription.builder(NAME);
        for (DistinctRule rule : rules()) {
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("paths", rule.paths());
            settings.put("methods", rule.methods());
            settings.put("key", rule.key());
            settings.put("window", rule.window());
            settings.put("maxDistinct", rule.maxDistinct());
            if (rule.score() > 0) {
                settings.put("score", rule.score());
            } else {
                settings.put("action", rule.action());
            }
            settings.put("underScrape", rule.underScrape() != null);
            description.rule(rule.name(), rule.source(), settings);
        }
        return description.state("underScrape", underScrape()).build();
    }
}
