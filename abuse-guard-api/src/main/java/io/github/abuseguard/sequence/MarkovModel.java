package io.github.abuseguard.sequence;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * A first-order Markov chain over a session's operations, learned from traffic: a sparse table of the
 * transitions observed (only those are stored). A session's path is scored by the mean surprise
 * {@code -ln P(next | previous)} of its recent transitions, with additive smoothing so an unseen
 * transition is improbable but not impossible. Sessions that jump where real users never go (straight
 * to step three of a flow) score high.
 *
 * <p>The threshold is not a magic constant: while learning, the model keeps a bounded sample of the
 * scores of the sessions it sees, and {@link #threshold(double)} is a quantile of that distribution.
 *
 * <p>Bounded: at most {@code maxStates} states (others count as {@value #OTHER}) and a reservoir of
 * {@value #SAMPLES} scores. Thread-safe; counting is lock-free.
 */
public final class MarkovModel {

    /** The state before a session's first operation. */
    public static final String START = "START";

    /** The state of operations beyond the state bound. */
    public static final String OTHER = "OTHER";

    /** The largest state bound: a model file cannot ask for more. */
    public static final int MAX_STATES = 100_000;

    static final int SAMPLES = 10_000;
    private static final double SMOOTHING = 0.5;
    private static final int DEFAULT_MAX_STATES = 1000;
    private static final JsonFactory JSON = new JsonFactory();

    private final int maxStates;
    private final Map<String, Map<String, AtomicLong>> transitions = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> outgoing = new ConcurrentHashMap<>();
    private final AtomicLongArray samples = new AtomicLongArray(SAMPLES);
    private final AtomicLong sampled = new AtomicLong();

    /**
     * An empty model.
     *
     * @param maxStates the most states learned, between 2 and {@value #MAX_STATES}
     * @throws IllegalArgumentException if {@code maxStates} is out of that range
     */
    public MarkovModel(int maxStates) {
        if (maxStates < 2 || maxStates > MAX_STATES) {
            throw new IllegalArgumentException("maxStates must be between 2 and " + MAX_STATES + ", was " + maxStates);
        }
        this.maxStates = maxStates;
    }

    /** Counts one transition. */
    public void learn(String from, String to) {
        String source = state(from);
        String target = state(to);
        transitions
                .computeIfAbsent(source, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(target, k -> new AtomicLong())
                .incrementAndGet();
        outgoing.computeIfAbsent(source, k -> new AtomicLong()).incrementAndGet();
        state(to);
    }

    /** Keeps a session's score in the sample the threshold is chosen from (reservoir of the latest). */
    public void sample(double score) {
        synchronized (owners) {
            keep(score, null);
        }
    }

    /**
     * As {@link #sample(double)}, for a session of client site {@code site} (an IPv4 address, an IPv6 /48): once the
     * sample holds scores of {@value #SITES_BEFORE_SHARES} sites or more, a site holds at most {@value #SITE_SHARE} of
     * its {@value #SAMPLES} places, and a score of a site at its share is not kept (review50, README's open limit:
     * 96,000 cheap sessions of one client filled the sample with their low scores, and the threshold fell until
     * ordinary paths were refused). Fewer sites (a test, an application of a few clients) share nothing.
     *
     * @return whether the score was kept
     */
    public boolean sample(double score, String site) {
        synchronized (owners) {
            if (siteShares.size() >= SITES_BEFORE_SHARES) {
                int[] held = siteShares.get(site);
                if (held != null && held[0] >= SITE_SHARE) {
                    return false;
                }
            }
            keep(score, site);
        }
        return true;
    }

    /** Keeps the score in the next place of the sample, for {@code site} ({@code null}: none); holding the lock. */
    private void keep(double score, @Nullable String site) {
        int slot = (int) (sampled.getAndIncrement() % SAMPLES);
        String previous = owners[slot];
        if (previous != null) {
            int[] held = siteShares.get(previous);
            if (held != null && --held[0] == 0) {
                siteShares.remove(previous);
            }
        }
        owners[slot] = site;
        if (site != null) {
            siteShares.computeIfAbsent(site, key -> new int[1])[0]++;
        }
        samples.set(slot, Double.doubleToLongBits(bounded(score)));
    }

    /** The sites whose scores the sample holds, with how many each: at most {@value #SAMPLES} entries. */
    private final Map<String, int[]> siteShares = new HashMap<>();

    /** The site of each place of the sample ({@code null}: a score of no site, imported or sampled without one). */
    private final @Nullable String[] owners = new String[SAMPLES];

    /** The sites the sample must hold scores of before a site's share is bounded. */
    static final int SITES_BEFORE_SHARES = 100;

    /**
     * The most places of the sample one site holds, once it holds {@value #SITES_BEFORE_SHARES} sites: 0.1%, a tenth
     * of what the 0.99 quantile reads (probe50a F1: at 1%, one site's highest scores were the threshold).
     */
    static final int SITE_SHARE = SAMPLES / 1000;

    /**
     * A score the sample can hold and JSON can carry: NaN and infinity are the highest risk there is,
     * and a surprise is never negative.
     */
    private static double bounded(double score) {
        if (Double.isNaN(score) || score > Double.MAX_VALUE) {
            return Double.MAX_VALUE;
        }
        return Math.max(0, score);
    }

    /** The surprise of one transition, {@code -ln P(to | from)} with additive smoothing. */
    public double surprise(String from, String to) {
        AtomicLong total = outgoing.get(from);
        Map<String, AtomicLong> row;
        if (total == null) {
            total = outgoing.get(OTHER);
            row = transitions.get(OTHER);
        } else {
            row = transitions.get(from);
        }
        AtomicLong count = null;
        if (row != null) {
            count = row.get(to);
            if (count == null && !outgoing.containsKey(to)) {
                count = row.get(OTHER);
            }
        }
        double states = Math.max(2, outgoing.size() + 1);
        double all = total == null ? 0 : total.get();
        // a count never exceeds its row total (import checks it), so this is finite and not negative
        return -Math.log(((count == null ? 0 : count.get()) + SMOOTHING) / (all + SMOOTHING * states));
    }

    /**
     * The mean surprise of a path's transitions, from {@link #START}; 0 for an empty path. Never NaN: a
     * score that cannot be computed is {@link Double#MAX_VALUE}, the highest risk, so it trips every
     * threshold instead of none.
     */
    public double score(List<String> path) {
        if (path.isEmpty()) {
            return 0;
        }
        double sum = 0;
        String previous = START;
        for (String operation : path) {
            sum += surprise(previous, operation);
            previous = operation;
        }
        return bounded(sum / path.size());
    }

    /**
     * The fewest sampled scores a threshold is taken from: a quantile of a handful of early sessions would make
     * whatever they did not do strange, and a model that refuses what it finds strange never learns it (probe47a
     * F5: two of three fresh starts refused a whole ordinary flow for good).
     */
    public static final int MIN_SAMPLES = 500;

    /**
     * The score at the given quantile of the sampled scores, such as 0.99: the threshold above which a
     * session is stranger than that share of those seen while learning.
     *
     * @return the threshold, or {@link Double#POSITIVE_INFINITY} before {@value #MIN_SAMPLES} scores were sampled
     */
    public double threshold(double quantile) {
        int count = (int) Math.min(sampled.get(), SAMPLES);
        if (count < MIN_SAMPLES) {
            return Double.POSITIVE_INFINITY;
        }
        double[] scores = new double[count];
        for (int i = 0; i < count; i++) {
            scores[i] = Double.longBitsToDouble(samples.get(i));
        }
        Arrays.sort(scores);
        return scores[(int) Math.min(count - 1, Math.floor(quantile * count))];
    }

    /** The number of states. */
    public int states() {
        return outgoing.size();
    }

    /** The most frequent transitions, most first: {@code from -> to = count}. */
    public List<String> topTransitions(int limit) {
        List<Map.Entry<String, Long>> all = new ArrayList<>();
        transitions.forEach(
                (from, row) -> row.forEach((to, count) -> all.add(Map.entry(from + " -> " + to, count.get()))));
        all.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        List<String> top = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, all.size()); i++) {
            top.add(all.get(i).getKey() + " = " + all.get(i).getValue());
        }
        return top;
    }

    /** The model as JSON: transition counts and the score sample, so it survives restarts and can be shared. */
    public String toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
            json.writeStartObject();
            json.writeNumberProperty("maxStates", maxStates);
            json.writeName("transitions");
            json.writeStartObject();
            for (String from : new java.util.TreeSet<>(transitions.keySet())) {
                json.writeName(from);
                json.writeStartObject();
                Map<String, AtomicLong> row = transitions.get(from);
                for (String to : new java.util.TreeSet<>(row.keySet())) {
                    json.writeNumberProperty(to, row.get(to).get());
                }
                json.writeEndObject();
            }
            json.writeEndObject();
            json.writeName("scores");
            json.writeStartArray();
            int count = (int) Math.min(sampled.get(), SAMPLES);
            for (int i = 0; i < count; i++) {
                json.writeNumber(Double.longBitsToDouble(samples.get(i)));
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Reads a model written by {@link #toJson()}. The file is checked as untrusted input: every count a
     * non-negative integer, row totals within a {@code long}, at most {@code maxStates} states (besides
     * {@value #OTHER}), every score a finite non-negative number; a model that passes scores every path
     * finitely, and {@code toJson} of it reads back to the same model.
     *
     * @throws IllegalArgumentException if the text is not such a model, saying why
     */
    public static MarkovModel fromJson(String text) {
        Map<String, Map<String, Long>> rows = new java.util.LinkedHashMap<>();
        List<Double> scores = new ArrayList<>();
        int maxStates = DEFAULT_MAX_STATES;
        try (JsonParser json = JSON.createParser(ObjectReadContext.empty(), text)) {
            expect(json.nextToken(), JsonToken.START_OBJECT);
            while (json.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                switch (field) {
                    case "maxStates" -> {
                        expect(value, JsonToken.VALUE_NUMBER_INT);
                        maxStates = json.getIntValue();
                    }
                    case "transitions" -> {
                        expect(value, JsonToken.START_OBJECT);
                        while (json.nextToken() == JsonToken.PROPERTY_NAME) {
                            Map<String, Long> row = rows.computeIfAbsent(json.currentName(), k -> new HashMap<>());
                            expect(json.nextToken(), JsonToken.START_OBJECT);
                            while (json.nextToken() == JsonToken.PROPERTY_NAME) {
                                String to = json.currentName();
                                expect(json.nextToken(), JsonToken.VALUE_NUMBER_INT);
                                long count = json.getLongValue();
                                if (count < 0) {
                                    throw new IllegalStateException("negative count " + count + " of a transition");
                                }
                                row.merge(to, count, Math::addExact);
                            }
                        }
                    }
                    case "scores" -> {
                        expect(value, JsonToken.START_ARRAY);
                        for (JsonToken score = json.nextToken();
                                score != JsonToken.END_ARRAY;
                                score = json.nextToken()) {
                            if (score != JsonToken.VALUE_NUMBER_INT && score != JsonToken.VALUE_NUMBER_FLOAT) {
                                throw new IllegalStateException("expected a score but found " + score);
                            }
                            double sample = json.getDoubleValue();
                            if (!Double.isFinite(sample) || sample < 0) {
                                throw new IllegalStateException("score " + sample + " is not a finite surprise");
                            }
                            scores.add(sample);
                        }
                    }
                    default -> json.skipChildren();
                }
            }
        } catch (tools.jackson.core.JacksonException | IllegalStateException | ArithmeticException e) {
            throw new IllegalArgumentException("not a Markov model: " + e.getMessage(), e);
        }
        MarkovModel model = new MarkovModel(maxStates);
        java.util.Set<String> states = new java.util.HashSet<>();
        rows.forEach((from, row) -> {
            states.add(from);
            states.addAll(row.keySet());
        });
        int bounded = states.size() - (states.contains(OTHER) ? 1 : 0);
        if (bounded > maxStates) {
            throw new IllegalArgumentException(
                    "not a Markov model: " + bounded + " states but maxStates is " + maxStates);
        }
        for (String state : states) {
            model.outgoing.put(state, new AtomicLong());
        }
        rows.forEach((from, row) -> {
            long total = 0;
            Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
            for (Map.Entry<String, Long> count : row.entrySet()) {
                try {
                    total = Math.addExact(total, count.getValue());
                } catch (ArithmeticException overflow) {
                    throw new IllegalArgumentException(
                            "not a Markov model: the transitions from " + from + " add up past a long", overflow);
                }
                counts.put(count.getKey(), new AtomicLong(count.getValue()));
            }
            model.transitions.put(from, counts);
            model.outgoing.get(from).set(total);
        });
        scores.forEach(model::sample);
        return model;
    }

    private static void expect(JsonToken actual, JsonToken expected) {
        if (actual != expected) {
            throw new IllegalStateException("expected " + expected + " but found " + actual);
        }
    }

    /** The state of an operation, registering it while there is room. */
    private String state(String operation) {
        if (outgoing.containsKey(operation)) {
            return operation;
        }
        // Registering is rare and serialised, so racing learners cannot overshoot maxStates and write a
        // model that import would refuse.
        synchronized (outgoing) {
            if (outgoing.containsKey(operation)) {
                return operation;
            }
            int bounded = outgoing.size() - (outgoing.containsKey(OTHER) ? 1 : 0);
            if (bounded >= maxStates) {
                outgoing.computeIfAbsent(OTHER, k -> new AtomicLong());
                return OTHER;
            }
            outgoing.put(operation, new AtomicLong());
            return operation;
        }
    }
}
