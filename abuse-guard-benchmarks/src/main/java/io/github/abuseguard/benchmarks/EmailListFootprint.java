package io.github.abuseguard.benchmarks;

import io.github.abuseguard.email.DomainList;
import io.github.abuseguard.email.DomainSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures the heap a bundled domain list holds once loaded: reads the resource {@code N} times into
 * separate {@link DomainList}s, all kept reachable, and divides the growth of the used heap (after full
 * GCs) by {@code N}. Run with {@code java -cp abuse-guard-benchmarks/target/benchmarks.jar
 * io.github.abuseguard.benchmarks.EmailListFootprint [copies]}.
 */
public final class EmailListFootprint {
    private EmailListFootprint() {}

    public static void main(String[] args) throws Exception {
        int copies = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        DomainSource.majorProviders().current(); // load the classes and the small allowlist before measuring
        for (String resource : List.of("disposable-domains.txt", "mailchecker-domains.txt")) {
            read(resource);
            long before = usedHeap();
            List<DomainList> kept = new ArrayList<>();
            for (int i = 0; i < copies; i++) {
                kept.add(read(resource));
            }
            long after = usedHeap();
            System.out.printf(
                    "%s: %d domains, %.2f MiB per loaded list (%d bytes per domain)%n",
                    resource,
                    kept.get(0).size(),
                    (after - before) / (double) copies / 1048576.0,
                    (after - before) / copies / kept.get(0).size());
            if (kept.size() != copies) {
                throw new IllegalStateException("keep the lists reachable");
            }
        }
    }

    private static DomainList read(String resource) throws IOException {
        try (InputStream in = DomainSource.class.getResourceAsStream(resource)) {
            return DomainList.read(new InputStreamReader(in, StandardCharsets.UTF_8));
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
