package io.github.abuseguard.benchmarks;

import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.LocalStateStore;
import java.time.Duration;

/**
 * Measures the heap one tracked client key costs in the in-process store: fills a rate-limit rule with
 * {@code N} distinct IPv4 clients and divides the growth of the used heap (after full GCs) by {@code N}.
 * Run with {@code java -cp abuse-guard-benchmarks/target/benchmarks.jar
 * io.github.abuseguard.benchmarks.TrackedKeyFootprint}.
 */
public final class TrackedKeyFootprint {
    private TrackedKeyFootprint() {}

    public static void main(String[] args) throws InterruptedException {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        long before = usedHeap();
        RateLimitGuard guard = RateLimitGuard.builder()
                .store(LocalStateStore.builder().maximumKeys(keys).build())
                .rule(RateLimitRule.builder("per-ip")
                        .path("/**")
                        .limit(Limit.of(100, Duration.ofMinutes(5)))
                        .build())
                .build();
        for (int i = 0; i < keys; i++) {
            String address = "10." + (i >>> 16 & 0xff) + "." + (i >>> 8 & 0xff) + "." + (i & 0xff);
            guard.check(GuardRequest.builder("GET", "/x").client(address).build());
        }
        long tracked = guard.trackedKeys("per-ip");
        long after = usedHeap();
        System.out.printf(
                "tracked keys: %d, heap growth: %.1f MiB, bytes per tracked key: %d%n",
                tracked, (after - before) / 1048576.0, (after - before) / tracked);
        if (guard.rules().isEmpty()) {
            throw new IllegalStateException("keep the guard reachable");
        }
    }

    private static long usedHeap() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
