package io.github.abuseguard.benchmarks;

import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.LocalStateStore;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.openjdk.jol.info.GraphLayout;

/**
 * Measures the heap one tracked client key costs in the in-process store, two ways: the growth of the
 * used heap (after full GCs) divided by the keys tracked, and the size of the store's object graph (JOL)
 * divided by the same. The store is bounded at {@code N} keys and first filled with {@code N} distinct
 * IPv4 clients; with a flood factor {@code F > 1}, {@code F * N} random addresses arrive instead, so the
 * bound and the evictions are measured too. Run with {@code java -Djdk.attach.allowAttachSelf -cp
 * abuse-guard-benchmarks/target/benchmarks.jar io.github.abuseguard.benchmarks.TrackedKeyFootprint [N]
 * [F]}.
 */
public final class TrackedKeyFootprint {
    private TrackedKeyFootprint() {}

    public static void main(String[] args) throws InterruptedException {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int flood = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        long before = usedHeap();
        LocalStateStore store = LocalStateStore.builder().maximumKeys(keys).build();
        RateLimitGuard guard = RateLimitGuard.builder()
                .store(store)
                .rule(RateLimitRule.builder("per-ip")
                        .path("/**")
                        .limit(Limit.of(100, Duration.ofMinutes(5)))
                        .build())
                .build();
        long requests = (long) keys * flood;
        for (long i = 0; i < requests; i++) {
            int n = flood == 1 ? (int) i : ThreadLocalRandom.current().nextInt();
            String address = (n >>> 24 & 0xff) + "." + (n >>> 16 & 0xff) + "." + (n >>> 8 & 0xff) + "." + (n & 0xff);
            if (flood == 1) {
                address = "10." + (n >>> 16 & 0xff) + "." + (n >>> 8 & 0xff) + "." + (n & 0xff);
            }
            guard.check(GuardRequest.builder("GET", "/x").client(address).build());
        }
        long tracked = guard.trackedKeys("per-ip");
        long after = usedHeap();
        long graph = GraphLayout.parseInstance(store).totalSize();
        System.out.printf(
                "requests: %d, tracked keys: %d, heap growth: %.1f MiB, bytes per tracked key: %d (heap), %d"
                        + " (object graph of the store)%n",
                requests, tracked, (after - before) / 1048576.0, (after - before) / tracked, graph / tracked);
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
