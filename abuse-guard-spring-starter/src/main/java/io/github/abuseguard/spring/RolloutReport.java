package io.github.abuseguard.spring;

import io.github.abuseguard.GuardEvent;
import io.github.abuseguard.GuardListener;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.internal.Durations;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The monitor-first roll-out report: per guard and rule, over a sliding window, how many requests a
 * guard or rule in monitor mode would have refused, from about how many distinct clients, with a few
 * example reasons. Examples never carry client keys, and e-mail addresses and token-like strings in a
 * decision's detail are masked. Bounded: at most {@code maximumRules} guard/rule pairs (further pairs
 * are counted under {@code "other"}), a fixed-size distinct-client sketch per slice of the window,
 * three examples per pair.
 */
final class RolloutReport implements GuardListener {
    static final String OTHER = "other";
    private static final int SLICES = 12;
    private static final int EXAMPLES = 3;
    private static final int MAX_EXAMPLE_LENGTH = 160;
    private static final Pattern EMAIL = Pattern.compile("[\\p{L}\\p{N}._%+'-]+@([\\p{L}\\p{N}.-]+\\.[\\p{L}]{2,})");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_\\-+/=.~]{20,}");

    private final Duration window;
    private final long sliceNanos;
    private final int maximumRules;
    private final TimeSource timeSource;
    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();

    /**
     * @param window how far back the report looks; counted in 12 slices, so it slides in steps of a twelfth
     * @param maximumRules the most guard/rule pairs tracked separately
     * @throws IllegalArgumentException if the window is shorter than 12 ms or the bound is below 1
     */
    RolloutReport(Duration window, int maximumRules, TimeSource timeSource) {
        if (window.compareTo(Duration.ofMillis(SLICES)) < 0) {
            throw new IllegalArgumentException("window must be at least 12ms, was " + Durations.written(window));
        }
        if (maximumRules < 1) {
            throw new IllegalArgumentException("maximumRules must be positive, was " + maximumRules);
        }
        this.window = window;
        this.sliceNanos = window.toNanos() / SLICES;
        this.maximumRules = maximumRules;
        this.timeSource = timeSource;
    }

    @Override
    public void onEvent(GuardEvent event) {
        if (event.kind() != GuardEvent.Kind.WOULD_DENY) {
            return;
        }
        String rule = event.decision().rule();
        String pair = rule == null ? event.guard() : event.guard() + "/" + rule; // a check without rules: its name
        Tally tally = tallies.get(pair);
        if (tally == null) {
            if (tallies.size() >= maximumRules) {
                pair = OTHER;
            }
            tally = tallies.computeIfAbsent(pair, key -> new Tally());
        }
        String route = event.request().route();
        String example = event.decision().reason() + " on " + (route == null ? "an unmatched route" : route)
                + (event.decision().detail() == null
                        ? ""
                        : ": " + redact(event.decision().detail()));
        tally.add(timeSource.nanoTime() / sliceNanos, event.request().client().key(), example);
    }

    /** The window the report covers. */
    public Duration window() {
        return window;
    }

    /**
     * The would-be refusals of the current window, by {@code guard/rule} (the guard's name alone for its
     * own decisions, such as {@code cross-site}): {@code requests}, {@code distinctClients} (an estimate within a few percent) and
     * {@code examples}. Pairs with nothing in the window are left out.
     */
    public Map<String, Map<String, Object>> snapshot() {
        long slice = timeSource.nanoTime() / sliceNanos;
        Map<String, Map<String, Object>> report = new LinkedHashMap<>();
        tallies.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
            Map<String, Object> view = entry.getValue().view(slice);
            if (view != null) {
                report.put(entry.getKey(), view);
            }
        });
        return report;
    }

    /** Masks what could identify a person or unlock an account, and bounds the length. */
    static String redact(String detail) {
        String masked = EMAIL.matcher(detail).replaceAll("***@$1");
        masked = TOKEN.matcher(masked).replaceAll("[redacted]");
        return masked.length() <= MAX_EXAMPLE_LENGTH ? masked : masked.substring(0, MAX_EXAMPLE_LENGTH) + "...";
    }

    /** One guard/rule pair: a ring of slices, each a request count and a distinct-client sketch. */
    private static final class Tally {
        private final long[] sliceIds = new long[SLICES];
        private final long[] requests = new long[SLICES];
        private final DistinctCount[] clients = new DistinctCount[SLICES];
        private final List<String> examples = new ArrayList<>(EXAMPLES);

        Tally() {
            Arrays.fill(sliceIds, Long.MIN_VALUE);
        }

        synchronized void add(long slice, String client, String example) {
            int index = (int) Math.floorMod(slice, (long) SLICES);
            if (sliceIds[index] != slice) {
                sliceIds[index] = slice;
                requests[index] = 0;
                clients[index] = new DistinctCount();
            }
            requests[index]++;
            clients[index].add(client);
            if (!examples.contains(example)) {
                if (examples.size() == EXAMPLES) {
                    examples.remove(0);
                }
                examples.add(example);
            }
        }

        synchronized Map<String, Object> view(long slice) {
            long total = 0;
            DistinctCount union = new DistinctCount();
            for (int i = 0; i < SLICES; i++) {
                if (sliceIds[i] > slice - SLICES && sliceIds[i] <= slice) {
                    total += requests[i];
                    union.merge(clients[i]);
                }
            }
            if (total == 0) {
                return null;
            }
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("requests", total);
            view.put("distinctClients", Math.min(total, union.estimate()));
            view.put("examples", List.copyOf(examples));
            return view;
        }
    }

    /**
     * A HyperLogLog sketch of 1024 registers (1 KiB, about 3% error): a flood of new client keys costs
     * no memory beyond it.
     */
    static final class DistinctCount {
        private static final int BITS = 10;
        private static final int REGISTERS = 1 << BITS;
        private final byte[] registers = new byte[REGISTERS];

        void add(String key) {
            long hash = hash(key);
            int index = (int) (hash >>> (64 - BITS));
            int rank = Long.numberOfLeadingZeros((hash << BITS) | (1L << (BITS - 1))) + 1;
            if (rank > registers[index]) {
                registers[index] = (byte) rank;
            }
        }

        void merge(DistinctCount other) {
            for (int i = 0; i < REGISTERS; i++) {
                registers[i] = (byte) Math.max(registers[i], other.registers[i]);
            }
        }

        long estimate() {
            double sum = 0;
            int zeros = 0;
            for (byte register : registers) {
                sum += 1.0 / (1L << register);
                if (register == 0) {
                    zeros++;
                }
            }
            double alpha = 0.7213 / (1 + 1.079 / REGISTERS);
            double estimate = alpha * REGISTERS * REGISTERS / sum;
            if (estimate <= 2.5 * REGISTERS && zeros > 0) {
                estimate = REGISTERS * Math.log((double) REGISTERS / zeros);
            }
            return Math.round(estimate);
        }

        /** FNV-1a over the UTF-8 bytes, then MurmurHash3's finaliser to spread the bits. */
        private static long hash(String key) {
            long hash = 0xcbf29ce484222325L;
            for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
                hash ^= b & 0xff;
                hash *= 0x100000001b3L;
            }
            hash ^= hash >>> 33;
            hash *= 0xff51afd7ed558ccdL;
            hash ^= hash >>> 33;
            hash *= 0xc4ceb9fe1a85ec53L;
            return hash ^ (hash >>> 33);
        }
    }
}
