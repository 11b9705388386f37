package io.github.abuseguard.volume;

import io.github.abuseguard.Decision;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.StateStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Enumeration and scraping signals: per key and rule, how many distinct resources (concrete paths under
 * the rule's templates) were touched in a sliding window, and a bound on it ({@link DistinctRule}).
 *
 * <p>Distinct resources are counted with a bounded sketch kept in the {@link StateStore}'s counters
 * (linear counting): each path is hashed, with a secret seed so that a client cannot aim its paths at
 * one register, into one of {@code m} registers, {@code m} the power of two at least twice
 * {@code max-distinct} (16 to 2048); a register's first hit in a window adds one to the filled count,
 * and {@code -m ln(1 - filled/m)} estimates the distinct paths. Windows are aligned to the clock and the
 * previous window counts in proportion to its overlap, as the failure guard's sliding windows do. A key
 * costs at most {@code m + 1} counters per window, two windows alive, whatever the client sends; a
 * client repeating one path costs two. Thread-safe.
 */
public final class VolumeGuard implements Guard {

    /** The guard's name. */
    public static final String NAME = "volume";

    private final RuleState[] rules;
    private final TimeSource timeSource;
    private final long seed;

    private VolumeGuard(Builder builder) {
        this.timeSource = builder.timeSource;
        this.seed = builder.seed;
        List<RuleState> states = new ArrayList<>();
        for (DistinctRule rule : builder.rules) {
            states.add(new RuleState(rule, builder.store));
        }
        this.rules = states.toArray(RuleState[]::new);
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
            double distinct = state.touch(key, hash(path), timeSource.instant().toEpochMilli());
            // Rounded: linear counting reads a little above the truth for few filled registers.
            if (Math.round(distinct) > state.rule.maxDistinct()) {
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

        RuleState(DistinctRule rule, StateStore store) {
            this.rule = rule;
            this.registers = VolumeGuardRegisters.of(rule.maxDistinct());
            this.windowMillis = rule.window().toMillis();
            this.counters = store.counters("volume:" + rule.name(), Duration.ofMillis(2 * windowMillis));
        }

        /** Counts the path for the key and returns the estimated distinct paths in the sliding window. */
        double touch(String key, long hash, long nowMillis) {
            long epoch = Math.floorDiv(nowMillis, windowMillis);
            String prefix = key + '@' + epoch;
            int register = (int) (hash & (registers - 1));
            long filled =
                    counters.add(prefix + '#' + register, 1) == 1 ? counters.add(prefix, 1) : counters.get(prefix);
            long previous = counters.get(key + '@' + (epoch - 1));
            double overlap = (double) (windowMillis - Math.floorMod(nowMillis, windowMillis)) / windowMillis;
            return estimate(filled) + overlap * estimate(previous);
        }

        double estimate(long filled) {
            if (filled >= registers) {
                return Double.POSITIVE_INFINITY;
            }
            return -registers * Math.log1p(-(double) filled / registers);
        }
    }

    /** Builds a {@link VolumeGuard}. */
    public static final class Builder {
        private StateStore store;
        private TimeSource timeSource = TimeSource.system();
        private final List<DistinctRule> rules = new ArrayList<>();
        private final Set<String> names = new LinkedHashSet<>();
        private long seed = new SecureRandom().nextLong();

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
}
