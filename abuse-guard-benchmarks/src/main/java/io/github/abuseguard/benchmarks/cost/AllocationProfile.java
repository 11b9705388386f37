package io.github.abuseguard.benchmarks.cost;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Attributes the sampled allocations of a JFR recording ({@code jdk.ObjectAllocationSample}, whose
 * weight estimates the bytes a thread allocated since its previous sample) to abuse-guard's code.
 *
 * <p>An allocation belongs to abuse-guard when, walking its stack from the allocating frame down, a frame
 * of {@code io.github.abuseguard} comes before the servlet filter chain ({@code ApplicationFilterChain}):
 * so the application's own allocations, which run inside the guard's filter, are not counted as ours,
 * while the work after the exchange and in listeners (Micrometer included) is. The site is that first
 * abuse-guard frame (the example applications' classes are the application, not ours). Stacks cut by the
 * recording's stack depth count as "truncated".
 *
 * <p>JFR's sample weights add up to more than the threads allocated (1.56 times on the demo, against
 * {@code ThreadMXBean}), so the report scales them to the allocation measured by {@code ThreadMXBean}
 * in the same runs: the shares are JFR's, the total is the exact one. The samples are taken where a
 * thread-local allocation buffer fills up, and a request allocates the same sequence every time, so
 * some sites are sampled far more often than their bytes deserve: two recordings of the same jar can
 * put an allocated class at 8% or at 2%. A recording of {@code jdk.ObjectAllocationOutsideTLAB} from a
 * JVM run with {@code -XX:-UseTLAB} has every allocation with its exact size, and is read the same way.
 *
 * <p>Usage on an existing recording: {@code java -cp abuse-guard-benchmarks/target/benchmarks.jar
 * io.github.abuseguard.benchmarks.cost.AllocationProfile RECORDING.jfr MEASURED-BYTES-PER-REQUEST [TOP]}.
 */
public final class AllocationProfile {
    private static final String OURS = "io.github.abuseguard.";

    private AllocationProfile() {}

    /** Sampled bytes by site, the total on request threads, and how much of it is ours. */
    record Summary(
            Map<String, Long> oursBySite, Map<String, Long> oursByClass, long requestThreadBytes, long truncated) {
        long ours() {
            return oursBySite.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Reads {@code recording}, counting only threads whose name matches {@code requestThreads}. */
    static Summary read(Path recording, String requestThreads) throws IOException {
        Map<String, Long> bySite = new HashMap<>();
        Map<String, Long> byClass = new HashMap<>();
        long total = 0;
        long truncated = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                String eventType = event.getEventType().getName();
                boolean exact = eventType.equals("jdk.ObjectAllocationOutsideTLAB");
                if (!(exact || eventType.equals("jdk.ObjectAllocationSample"))
                        || event.getThread("eventThread") == null
                        || !String.valueOf(event.getThread("eventThread").getJavaName())
                                .matches(requestThreads)) {
                    continue;
                }
                long weight = exact ? event.getLong("allocationSize") : event.getLong("weight");
                total += weight;
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null) {
                    continue;
                }
                if (stack.isTruncated()) {
                    truncated += weight;
                }
                // the rule of the CPU samples: ours up to the filter chain, not what a wrapper of ours hands on
                int at = CpuProfile.ourFrame(stack.getFrames());
                if (at >= 0) {
                    RecordedFrame frame = stack.getFrames().get(at);
                    String site = frame.getMethod().getType().getName().substring(OURS.length()) + "."
                            + frame.getMethod().getName() + ":" + frame.getLineNumber();
                    bySite.merge(site, weight, Long::sum);
                    byClass.merge(event.getClass("objectClass").getName(), weight, Long::sum);
                }
            }
        }
        return new Summary(bySite, byClass, total, truncated);
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: AllocationProfile RECORDING.jfr MEASURED-BYTES-PER-REQUEST [TOP]");
            System.exit(2);
        }
        System.out.print(report(
                read(Path.of(args[0]), "http-nio-.*-exec-\\d+"),
                Double.parseDouble(args[1]),
                args.length > 2 ? Integer.parseInt(args[2]) : 15));
    }

    /**
     * The {@code top} sites and allocated classes of {@code summary} in bytes per request, as text: each
     * site's share of the sampled weight times {@code measuredBytesPerRequest}.
     */
    static String report(Summary summary, double measuredBytesPerRequest, int top) {
        if (summary.requestThreadBytes() == 0) {
            return "no allocation samples on request threads\n";
        }
        double requests = summary.requestThreadBytes() / measuredBytesPerRequest;
        StringBuilder text = new StringBuilder();
        text.append(String.format(
                Locale.ROOT,
                "request threads allocate %.0f B/request (ThreadMXBean); abuse-guard code (before the filter"
                        + " chain) has %.1f%% of the sampled weight: %.0f B/request; stacks truncated: %.1f%%%n",
                measuredBytesPerRequest,
                100.0 * summary.ours() / summary.requestThreadBytes(),
                summary.ours() / requests,
                100.0 * summary.truncated() / summary.requestThreadBytes()));
        text.append("| abuse-guard site (first frame of ours) | B/request | share of ours |\n|---|---|---|\n");
        for (Map.Entry<String, Long> site : largest(summary.oursBySite(), top)) {
            text.append(String.format(
                    Locale.ROOT,
                    "| `%s` | %.0f | %.1f%% |%n",
                    site.getKey(),
                    (double) site.getValue() / requests,
                    100.0 * site.getValue() / Math.max(1, summary.ours())));
        }
        text.append("| class allocated by abuse-guard code | B/request |\n|---|---|\n");
        for (Map.Entry<String, Long> type : largest(summary.oursByClass(), top)) {
            text.append(String.format(
                    Locale.ROOT, "| `%s` | %.0f |%n", type.getKey(), (double) type.getValue() / requests));
        }
        return text.toString();
    }

    private static List<Map.Entry<String, Long>> largest(Map<String, Long> weights, int top) {
        List<Map.Entry<String, Long>> entries = new ArrayList<>(weights.entrySet());
        entries.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        return entries.subList(0, Math.min(top, entries.size()));
    }
}
