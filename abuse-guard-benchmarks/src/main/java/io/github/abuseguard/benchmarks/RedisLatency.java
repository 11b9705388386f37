package io.github.abuseguard.benchmarks;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.redis.RedisStateStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The latency a rate-limit decision on the Redis store adds to a request, against the floor of a bare
 * {@code GET} and {@code INCR} round trip to the same server measured in the same run: the three take
 * turns sample by sample, so machine load falls on each alike. Every sample is kept (no histogram
 * buckets) and exact percentiles are printed, with the load average and the collector's pauses.
 *
 * <p>Run from the repository root after {@code ./mvnw -B -ntp -DskipTests package}: {@code java -cp
 * abuse-guard-benchmarks/target/benchmarks.jar io.github.abuseguard.benchmarks.RedisLatency
 * [--samples=200000] [--warmup=20000] [--keys=1000] [--threads=1] [--uri=redis://127.0.0.1:6379]}; with
 * several threads they share the store's connection and the floor's, as a server's request threads do. It writes only
 * keys under a random prefix, every one with an expiry, and stops after its samples.
 */
public final class RedisLatency {
    private static final int MAX_SAMPLES = 5_000_000;

    private RedisLatency() {}

    public static void main(String[] args) throws Exception {
        int samples = 200_000;
        int warmup = 20_000;
        int keys = 1_000;
        int threads = 1;
        String uri = System.getenv().getOrDefault("ABUSE_GUARD_REDIS_URI", "redis://127.0.0.1:6379");
        for (String arg : args) {
            if (arg.startsWith("--samples=")) {
                samples = bounded(arg, 1_000, MAX_SAMPLES);
            } else if (arg.startsWith("--warmup=")) {
                warmup = bounded(arg, 0, MAX_SAMPLES);
            } else if (arg.startsWith("--keys=")) {
                keys = bounded(arg, 1, 1_000_000);
            } else if (arg.startsWith("--threads=")) {
                threads = bounded(arg, 1, 64);
            } else if (arg.startsWith("--uri=")) {
                uri = arg.substring("--uri=".length());
            } else {
                System.err.println(
                        "unknown argument " + arg
                                + "; usage: RedisLatency [--samples=N] [--warmup=N] [--keys=N] [--threads=N] [--uri=redis://...]");
                System.exit(2);
                return;
            }
        }
        String prefix = "abuse-guard-latency:" + UUID.randomUUID() + ":";
        RedisStateStore store = RedisStateStore.builder()
                .uri(uri)
                .keyPrefix(prefix)
                .commandTimeout(Duration.ofSeconds(1))
                .build();
        RedisClient client = RedisClient.create(RedisURI.create(uri));
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> bare = connection.sync();
            AbuseGuard engine = AbuseGuard.builder()
                    .guard(RateLimitGuard.builder()
                            .store(store)
                            .rule(RateLimitRule.builder("per-ip")
                                    .path("/api/**")
                                    .limit(Limit.of(1_000_000_000_000L, Duration.ofDays(1)))
                                    .build())
                            .build())
                    .build();
            GuardRequest[] requests = new GuardRequest[keys];
            for (int k = 0; k < keys; k++) {
                String address = "10." + (k >> 16 & 255) + "." + (k >> 8 & 255) + "." + (k & 255);
                requests[k] = GuardRequest.builder("GET", "/api/scores/chess")
                        .client(address)
                        .build();
            }
            // The floor's two keys expire on their own (INCR keeps a key's expiry), like the buckets.
            String getKey = prefix + "get";
            String incrKey = prefix + "incr";
            bare.psetex(getKey, 3_600_000, "1");
            bare.psetex(incrKey, 3_600_000, "0");

            long[] get = new long[samples];
            long[] incr = new long[samples];
            long[] decision = new long[samples];
            // Every thread shares the store's one connection and the floor's, as a server's request threads do.
            int perThread = samples / threads;
            int keyCount = keys;
            int warmupPerThread = warmup / threads;
            double loadBefore = loadAverage();
            long[] gcBefore = new long[2];
            CyclicBarrier measuring = new CyclicBarrier(threads, () -> {
                gcBefore[0] = gcCount();
                gcBefore[1] = gcMillis();
            });
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> running = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int offset = t * perThread;
                    int thread = t;
                    running.add(pool.submit(() -> {
                        for (int i = -warmupPerThread; i < perThread; i++) {
                            if (i == 0) {
                                measuring.await(5, TimeUnit.MINUTES);
                            }
                            int k = Math.floorMod(i + thread * 7919, keyCount);
                            // A new order of the three each sample, so none is always measured right after another.
                            int first = Math.floorMod(i, 3);
                            for (int turn = 0; turn < 3; turn++) {
                                int which = (first + turn) % 3;
                                long start = System.nanoTime();
                                if (which == 0) {
                                    bare.get(getKey);
                                } else if (which == 1) {
                                    bare.incr(incrKey);
                                } else if (engine.evaluate(requests[k]).isDenied()) {
                                    throw new IllegalStateException(
                                            "a decision was refused; the limit is meant never to be reached");
                                }
                                long took = System.nanoTime() - start;
                                if (i >= 0) {
                                    (which == 0 ? get : which == 1 ? incr : decision)[offset + i] = took;
                                }
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> thread : running) {
                    thread.get();
                }
            } finally {
                pool.shutdownNow();
            }
            samples = perThread * threads;
            long gcCountBefore = gcBefore[0];
            long gcMillisBefore = gcBefore[1];
            long gcCount = gcCount() - gcCountBefore;
            long gcMillis = gcMillis() - gcMillisBefore;
            double loadAfter = loadAverage();
            System.out.printf(
                    Locale.ROOT,
                    "%,d samples each (after %,d warm-up) from %d threads, %,d client keys, %d cores, load average"
                            + " %.1f before and %.1f after, %d collections (%d ms) while measuring%n",
                    samples,
                    warmup,
                    threads,
                    keys,
                    Runtime.getRuntime().availableProcessors(),
                    loadBefore,
                    loadAfter,
                    gcCount,
                    gcMillis);
            System.out.printf(
                    Locale.ROOT, "%-34s %9s %9s %9s %9s %9s %9s%n", "µs", "mean", "p50", "p90", "p99", "p99.9", "max");
            print("bare GET (floor)", Arrays.copyOf(get, samples));
            print("bare INCR (floor)", Arrays.copyOf(incr, samples));
            print("rate-limit decision on Redis", Arrays.copyOf(decision, samples));
        } finally {
            client.shutdown();
            store.close();
        }
    }

    private static void print(String name, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(0);
        System.out.printf(
                Locale.ROOT,
                "%-34s %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f%n",
                name,
                mean / 1_000,
                percentile(sorted, 0.50),
                percentile(sorted, 0.90),
                percentile(sorted, 0.99),
                percentile(sorted, 0.999),
                sorted[sorted.length - 1] / 1_000.0);
    }

    /** The nearest-rank percentile of sorted nanoseconds, in microseconds. */
    static double percentile(long[] sorted, double quantile) {
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1_000.0;
    }

    private static int bounded(String arg, int min, int max) {
        String value = arg.substring(arg.indexOf('=') + 1);
        int parsed;
        try {
            parsed = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(arg + ": not a number");
        }
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException(arg + ": must be " + min + " to " + max);
        }
        return parsed;
    }

    private static double loadAverage() throws IOException {
        Path loadavg = Path.of("/proc/loadavg");
        if (!Files.isReadable(loadavg)) {
            return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        }
        return Double.parseDouble(Files.readString(loadavg).split(" ")[0]);
    }

    private static long gcCount() {
        long count = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
        }
        return count;
    }

    private static long gcMillis() {
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            millis += Math.max(0, gc.getCollectionTime());
        }
        return millis;
    }
}
