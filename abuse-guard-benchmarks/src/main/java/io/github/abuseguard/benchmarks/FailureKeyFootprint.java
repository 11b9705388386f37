package io.github.abuseguard.benchmarks;

import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.store.LocalStateStore;
import org.openjdk.jol.info.GraphLayout;

/**
 * Measures the heap one key of a failure rule costs in the in-process store, and that a flood of new keys
 * stays within the store's bound: {@code C} clients (distinct IPv4 addresses) each fail one login (check,
 * then a 401 heard: a counted failure, its slot given back) on a store of at most {@code N} keys per
 * namespace; with {@code banned} every client is banned by that failure too (max-retry 1). Reported: the
 * growth of the used heap after full GCs and the size of the store's object graph (JOL), each divided by
 * the keys the store can hold, the fewer of {@code C} and {@code N}. Run with {@code java
 * -Djdk.attach.allowAttachSelf -cp abuse-guard-benchmarks/target/benchmarks.jar
 * io.github.abuseguard.benchmarks.FailureKeyFootprint [C] [N] [banned]}.
 */
public final class FailureKeyFootprint {
    private FailureKeyFootprint() {}

    public static void main(String[] args) throws InterruptedException {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int bound = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        boolean banned = args.length > 2 && "banned".equals(args[2]);
        long before = usedHeap();
        LocalStateStore store = LocalStateStore.builder().maximumKeys(bound).build();
        FailureGuard guard = FailureGuard.builder()
                .store(store)
                .rule(FailureRule.builder("login")
                        .path("/api/login")
                        .statuses("401")
                        .maxRetry(banned ? 1 : 1_000)
                        .build())
                .build();
        for (int i = 0; i < clients; i++) {
            String address = (10 + (i >>> 24)) + "." + (i >>> 16 & 0xff) + "." + (i >>> 8 & 0xff) + "." + (i & 0xff);
            GuardRequest login =
                    GuardRequest.builder("POST", "/api/login").client(address).build();
            guard.check(login);
            guard.observe(login, 401);
        }
        long after = usedHeap();
        long graph = GraphLayout.parseInstance(store).totalSize();
        long held = Math.min(clients, bound);
        System.out.printf(
                "clients: %d%s, bound: %d keys, heap growth: %.1f MiB, bytes per key: %d (heap), %d (object graph"
                        + " of the store)%n",
                clients,
                banned ? " (each banned)" : "",
                bound,
                (after - before) / 1048576.0,
                (after - before) / held,
                graph / held);
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
