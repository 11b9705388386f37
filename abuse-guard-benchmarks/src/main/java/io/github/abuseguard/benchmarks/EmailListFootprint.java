package io.github.abuseguard.benchmarks;

import io.github.abuseguard.email.EmailBenchmarkAccess;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Measures the heap a bundled domain list holds once loaded: reads the resource {@code N} times into
 * separate domain lists (the api's package-private {@code DomainList}), all kept reachable, and divides the growth of the used heap (after full
 * GCs) by {@code N}. Run with {@code java -cp abuse-guard-benchmarks/target/benchmarks.jar
 * io.github.abuseguard.benchmarks.EmailListFootprint [copies]}.
 */
public final class EmailListFootprint {
    private EmailListFootprint() {}

    public static void main(String[] args) throws Exception {
        int copies = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        EmailBenchmarkAccess.loadClasses(); // and the small allowlist, before measuring
        for (String resource : List.of("disposable-domains.txt", "mailchecker-domains.txt")) {
            EmailBenchmarkAccess.readBundled(resource);
            long before = usedHeap();
            List<IntSupplier> kept = new ArrayList<>();
            for (int i = 0; i < copies; i++) {
                kept.add(EmailBenchmarkAccess.readBundled(resource));
            }
            long after = usedHeap();
            System.out.printf(
                    "%s: %d domains, %.2f MiB per loaded list (%d bytes per domain)%n",
                    resource,
                    kept.get(0).getAsInt(),
                    (after - before) / (double) copies / 1048576.0,
                    (after - before) / copies / kept.get(0).getAsInt());
            if (kept.size() != copies) {
                throw new IllegalStateException("keep the lists reachable");
            }
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
