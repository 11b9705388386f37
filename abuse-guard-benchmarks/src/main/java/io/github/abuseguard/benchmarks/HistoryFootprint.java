package io.github.abuseguard.benchmarks;

import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.Histories;
import io.github.abuseguard.store.LocalStateStore;
import java.time.Duration;
import org.openjdk.jol.info.GraphLayout;

/**
 * Measures the heap the histories of one namespace cost in the in-process store, against the plain counter
 * namespace they were kept in before: {@code C} clients (distinct IPv4 addresses) each earn a history on a
 * store of {@code N} keys per namespace, which holds {@code 2N} histories ({@code N} kept, {@code N}
 * recent) and {@code N} counters. Reported: the size of the namespace's object graph (JOL) and the bytes per
 * history held. Run with {@code java -Djdk.attach.allowAttachSelf -cp abuse-guard-benchmarks/target/benchmarks.jar
 * io.github.abuseguard.benchmarks.HistoryFootprint [C] [N]}.
 */
public final class HistoryFootprint {
    private HistoryFootprint() {}

    public static void main(String[] args) {
        int bound = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 4 * bound;
        LocalStateStore histories = LocalStateStore.builder().maximumKeys(bound).build();
        long empty = GraphLayout.parseInstance(histories).totalSize();
        Histories history = histories.histories("failure:history", Duration.ofHours(24));
        for (int i = 0; i < clients; i++) {
            String address = address(i);
            if (!history.has(address)) {
                history.earn(address);
            }
        }
        long held = Math.min(clients, 2L * bound);
        long graph = GraphLayout.parseInstance(histories).totalSize() - empty;
        System.out.printf(
                "histories: %d clients, bound %d keys, %d held, %.1f MiB, %d bytes per history%n",
                clients, bound, held, graph / 1048576.0, graph / held);

        LocalStateStore counters = LocalStateStore.builder().maximumKeys(bound).build();
        empty = GraphLayout.parseInstance(counters).totalSize();
        Counters counts = counters.counters("failure:history", Duration.ofHours(24));
        for (int i = 0; i < clients; i++) {
            String address = address(i);
            if (counts.get(address) < 1) {
                counts.add(address, 1);
            }
        }
        held = Math.min(clients, bound);
        graph = GraphLayout.parseInstance(counters).totalSize() - empty;
        System.out.printf(
                "counters (before): %d clients, bound %d keys, %d held, %.1f MiB, %d bytes per key%n",
                clients, bound, held, graph / 1048576.0, graph / held);
    }

    private static String address(int i) {
        return (10 + (i >>> 24)) + "." + (i >>> 16 & 0xff) + "." + (i >>> 8 & 0xff) + "." + (i & 0xff);
    }
}
