package io.github.abuseguard.volume;

import io.github.abuseguard.Action;
import io.github.abuseguard.GuardRule;
import io.github.abuseguard.KeyResolver;
import io.github.abuseguard.PathPattern;
import io.github.abuseguard.internal.Durations;
import io.github.abuseguard.store.Tallies;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An enumeration and scraping bound of the {@link VolumeGuard}: how many distinct resources (distinct
 * paths under the rule's templates, such as {@code /api/giftcards/{code}}, with the value of its {@link
 * Builder#resource resource} where a route names the resource in its query or body) one key may touch within a
 * window. Above {@code max-distinct} the request is denied with the rule's action, or, with a score,
 * flagged so that it adds to the request's risk. Build with {@link #builder(String)}.
 */
public final class DistinctRule extends GuardRule {

    /** The default window: {@value #DEFAULT_WINDOW_MINUTES} minutes. */
    public static final int DEFAULT_WINDOW_MINUTES = 10;
    /** The default bound of distinct resources per key and window. */
    public static final int DEFAULT_MAX_DISTINCT = 50;
    /** The largest bound: the sketch has eight registers per allowed resource, at most 8192. */
    public static final int MAX_MAX_DISTINCT = 1024;

    private final Duration window;
    private final int maxDistinct;
    private final Action action;
    private final int score;
    private final UnderScrape underScrape;
    private final RateBaseline rateBaseline;
    private final OnlyReads onlyReads;
    private final List<PathPattern> templates;
    private final List<KeyResolver> resource;
    private final @Nullable String resourceSpec;

    private DistinctRule(Builder builder) {
        super(builder);
        this.templates = patterns();
        this.window = builder.window;
        this.maxDistinct = builder.maxDistinct;
        this.action = builder.action;
        this.score = builder.score;
        this.underScrape = builder.underScrape;
        this.rateBaseline = builder.rateBaseline;
        this.onlyReads = builder.onlyReads;
        this.resource = builder.resource;
        this.resourceSpec = builder.resourceSpec;
    }

    /** What names a resource besides its path ({@code query:page}), or {@code null}: the path alone. */
    public @Nullable String resource() {
        return resourceSpec;
    }

    /** The parts of the {@linkplain #resource() resource}, each read apart; none for the path alone. */
    List<KeyResolver> resourceParts() {
        return resource;
    }

    /**
     * Whether the rule counts no more resources per key than its bound, so that it never refuses: every path is
     * literal ({@code /api/catalogue}) and no {@linkplain #resource() resource} names what its query or body asks for.
     */
    boolean neverPassesItsBound() {
        if (!resource.isEmpty() || paths().size() > maxDistinct) {
            return false;
        }
        if (onlyReads != null
                && onlyReads.score() == 0
                && !onlyReads.action().passesRequestOn()
                && onlyReads.minDistinct() <= paths().size()) {
            return false; // the only-reads signal refuses at its own count (review96 F2), when it refuses (review97 F2)
        }
        for (String path : paths()) {
            if (path.indexOf('{') >= 0 || path.indexOf('*') >= 0) {
                return false;
            }
        }
        return true;
    }

    /** The adaptive per-endpoint rate bound, or {@code null} when the rule has none. */
    public RateBaseline rateBaseline() {
        return rateBaseline;
    }

    /** The "only reads" signal, or {@code null} when the rule has none. */
    public OnlyReads onlyReads() {
        return onlyReads;
    }

    /** The index of the first path template the path matches; -1 for none. */
    int template(String path) {
        for (int i = 0; i < templates.size(); i++) {
            if (templates.get(i).matches(path)) {
                return i;
            }
        }
        return -1;
    }

    /** The route-level scraping detector, or {@code null} when the rule has none. */
    public UnderScrape underScrape() {
        return underScrape;
    }

    /**
     * @param name a stable name, unique within the guard: 1-64 letters, digits, {@code .}, {@code _} or {@code -}
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    public Duration window() {
        return window;
    }

    public int maxDistinct() {
        return maxDistinct;
    }

    public Action action() {
        return action;
    }

    /** The risk score of a request above the bound; 0 when it is denied instead. */
    public int score() {
        return score;
    }

    /** Builds a {@link DistinctRule}; every method validates its argument at once. */
    public static final class Builder extends KeyedBuilder<Builder> {
        private Duration window = Duration.ofMinutes(DEFAULT_WINDOW_MINUTES);
        private int maxDistinct = DEFAULT_MAX_DISTINCT;
        private Action action = DEFAULT_ACTION;
        private int score;
        private UnderScrape underScrape;
        private RateBaseline rateBaseline;
        private OnlyReads onlyReads;
        private List<KeyResolver> resource = List.of();
        private @Nullable String resourceSpec;

        private Builder(String name) {
            super(name, "volume");
        }

        /** The window distinct resources are counted in; default 10 minutes, at least one second. */
        public Builder window(Duration window) {
            Objects.requireNonNull(window, "window");
            if (window.toMillis() < 1000) {
                throw new IllegalArgumentException("window must be at least 1s, was " + Durations.written(window));
            }
            this.window = window;
            return this;
        }

        /** The most distinct resources a key may touch per window; default 50, between 1 and 1024. */
        public Builder maxDistinct(int maxDistinct) {
            if (maxDistinct < 1 || maxDistinct > MAX_MAX_DISTINCT) {
                throw new IllegalArgumentException(
                        "max-distinct must be between 1 and " + MAX_MAX_DISTINCT + ", was " + maxDistinct);
            }
            this.maxDistinct = maxDistinct;
            return this;
        }

        /** How a request above the bound is answered; default {@link Action#THROTTLE}. */
        public Builder action(Action action) {
            this.action = Objects.requireNonNull(action, "action");
            return this;
        }

        /** Flags with this risk score instead of denying; 0 (the default) denies. */
        public Builder score(int score) {
            if (score < 0 || score > 1000) {
                throw new IllegalArgumentException("score must be between 0 and 1000, was " + score);
            }
            this.score = score;
            return this;
        }

        /** Watches the rule's routes for scraping spread over many clients; {@code null} (the default) for none. */
        public Builder underScrape(UnderScrape underScrape) {
            this.underScrape = underScrape;
            return this;
        }

        /**
         * Learns each path template's per-client request rates and bounds clients far above them;
         * {@code null} (the default) for none.
         */
        public Builder rateBaseline(RateBaseline rateBaseline) {
            this.rateBaseline = rateBaseline;
            return this;
        }

        /**
         * What names a resource besides its path, for a route that names it in its query or body: {@code
         * query:NAME} (a request parameter, as {@code @RequestParam} binds it), {@code body-exact:/pointer} or
         * {@code body:/pointer}, or several joined by {@code +}; {@code null} (the default) for the path alone. On
         * {@code GET /api/catalogue?page=N}, {@code query:page} makes each page a resource: without it the route
         * is one resource, whatever its pages (user64 F1). A request without the value is its path; one that gives
         * it twice, differently, is refused as a key's would be.
         *
         * @throws IllegalArgumentException if a part is none of these
         */
        public Builder resource(@Nullable String spec) {
            if (spec == null || spec.isBlank()) {
                this.resource = List.of();
                this.resourceSpec = null;
                return this;
            }
            List<KeyResolver> parts = new java.util.ArrayList<>();
            for (String part : spec.split("\\+")) {
                String kind = part.trim().toLowerCase(Locale.ROOT);
                if (!kind.startsWith("query:") && !kind.startsWith("body:") && !kind.startsWith("body-exact:")) {
                    throw new IllegalArgumentException("resource must name a request parameter or body field, as"
                            + " query:NAME, body-exact:/pointer or body:/pointer (joined by +), was '" + spec + "'");
                }
                // each part read apart, so that no two values run into each other (review96 F1: a=s|s&b=s and
                // a=s&b=s|s were one joined key)
                parts.add(KeyResolver.parse(part.trim()));
            }
            this.resource = List.copyOf(parts);
            this.resourceSpec = spec.trim();
            return this;
        }

        /** Signals clients that only read many of the rule's resources; {@code null} (the default) for none. */
        public Builder onlyReads(OnlyReads onlyReads) {
            this.onlyReads = onlyReads;
            return this;
        }

        /**
         * @throws IllegalStateException if no path is given, a rate-baseline is given for more than
         *     {@value Tallies#MAX_SLOTS} paths, or the only-reads signal needs as many
         *     distinct resources as max-distinct or more (the sketch stops counting at max-distinct)
         */
        public DistinctRule build() {
            requirePath();
            if (rateBaseline != null && pathCount() > Tallies.MAX_SLOTS) {
                throw new IllegalStateException("volume rule '" + name() + "': a rate-baseline learns at most "
                        + Tallies.MAX_SLOTS + " paths per rule (one count each per client), the rule has "
                        + pathCount());
            }
            if (onlyReads != null && onlyReads.minDistinct() >= maxDistinct) {
                throw new IllegalStateException("volume rule '" + name() + "': only-reads min-distinct ("
                        + onlyReads.minDistinct() + ") must be below max-distinct (" + maxDistinct + ")");
            }
            return new DistinctRule(this);
        }
    }
}
