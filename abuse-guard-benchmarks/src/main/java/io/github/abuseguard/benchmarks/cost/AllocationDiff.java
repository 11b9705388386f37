package io.github.abuseguard.benchmarks.cost;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Compares the allocation sites of two exact recordings ({@code jdk.ObjectAllocationOutsideTLAB} from JVMs
 * run with {@code -XX:-UseTLAB}), such as the guarded and the unguarded demo: per request, the bytes of
 * each allocated class at each site (the allocating frame and the few frames below it), in one recording
 * and not the other. It finds what our filter makes <em>other</em> code allocate (the container reading a
 * header, a request wrapper, a framework's look-up), which a profile that keeps only abuse-guard's frames
 * cannot see.
 *
 * <p>Usage: {@code java -cp abuse-guard-benchmarks/target/benchmarks.jar
 * io.github.abuseguard.benchmarks.cost.AllocationDiff ON.jfr ON-REQUESTS OFF.jfr OFF-REQUESTS [DEPTH] [TOP]}:
 * the request counts are those the recordings cover, the depth (default 4) the frames that name a site.
 */
public final class AllocationDiff {

    private AllocationDiff() {}

    /** Bytes allocated on request threads by {@code class <- frame <- frame ...}, over the whole recording. */
    static Map<String, Long> sites(Path recording, String requestThreads, int depth) throws IOException {
        Map<String, Long> sites = new HashMap<>();
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (!event.getEventType().getName().equals("jdk.ObjectAllocationOutsideTLAB")
                        || event.getThread("eventThread") == null
                        || !String.valueOf(event.getThread("eventThread").getJavaName())
                                .matches(requestThreads)) {
                    continue;
                }
                StringBuilder site =
                        new StringBuilder(stable(event.getClass("objectClass").getName()));
                RecordedStackTrace stack = event.getStackTrace();
                if (stack != null) {
                    List<RecordedFrame> frames = stack.getFrames();
                    for (int i = 0; i < Math.min(depth, frames.size()); i++) {
                        RecordedFrame frame = frames.get(i);
                        String type = stable(frame.getMethod().getType().getName());
                        site.append(" <- ")
                                .append(type.substring(type.lastIndexOf('.') + 1))
                                .append('.')
                                .append(frame.getMethod().getName())
                                .append(':')
                                .append(frame.getLineNumber());
                    }
                }
                sites.merge(site.toString(), event.getLong("allocationSize"), Long::sum);
            }
        }
        return sites;
    }

    /**
     * A class name without what differs from one JVM to another: the numbers and addresses of lambda
     * and method-handle classes ({@code Foo$$Lambda$1437+0x00007f...}, {@code GeneratedMethodAccessor27}).
     */
    static String stable(String type) {
        return HIDDEN_SUFFIX.matcher(type).replaceAll("");
    }

    private static final java.util.regex.Pattern HIDDEN_SUFFIX = java.util.regex.Pattern.compile(
            "(\\$\\d+)?\\+0x[0-9a-f]+(\\.\\d+)?|(?<=Accessor)\\d+|(?<=\\$\\$Lambda)\\$\\d+");

    /** The sites whose bytes per request differ by at least half a byte, the largest difference first. */
    static String report(Map<String, Long> on, long onRequests, Map<String, Long> off, long offRequests, int top) {
        Set<String> keys = new HashSet<>(on.keySet());
        keys.addAll(off.keySet());
        List<Map.Entry<String, Double>> differences = new ArrayList<>();
        double totalOn = 0;
        double totalOff = 0;
        for (String key : keys) {
            double perOn = on.getOrDefault(key, 0L) / (double) onRequests;
            double perOff = off.getOrDefault(key, 0L) / (double) offRequests;
            totalOn += perOn;
            totalOff += perOff;
            if (Math.abs(perOn - perOff) >= 0.5) {
                differences.add(Map.entry(key, perOn - perOff));
            }
        }
        differences.sort((a, b) -> Double.compare(Math.abs(b.getValue()), Math.abs(a.getValue())));
        StringBuilder text = new StringBuilder(String.format(
                Locale.ROOT,
                "request threads: %.0f B/request against %.0f (recorded, %+.0f)%n"
                        + "| site (class <- allocating frames) | B/request added |%n|---|---|%n",
                totalOn,
                totalOff,
                totalOn - totalOff));
        for (Map.Entry<String, Double> difference : differences.subList(0, Math.min(top, differences.size()))) {
            text.append(String.format(Locale.ROOT, "| `%s` | %+.1f |%n", difference.getKey(), difference.getValue()));
        }
        return text.toString();
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 4 || args.length > 6) {
            System.err.println("usage: AllocationDiff ON.jfr ON-REQUESTS OFF.jfr OFF-REQUESTS [DEPTH] [TOP]");
            System.exit(2);
        }
        int depth = args.length > 4 ? Integer.parseInt(args[4]) : 4;
        String threads = "http-nio-.*-exec-\\d+";
        System.out.print(report(
                sites(Path.of(args[0]), threads, depth),
                Long.parseLong(args[1]),
                sites(Path.of(args[2]), threads, depth),
                Long.parseLong(args[3]),
                args.length > 5 ? Integer.parseInt(args[5]) : 40));
    }
}
