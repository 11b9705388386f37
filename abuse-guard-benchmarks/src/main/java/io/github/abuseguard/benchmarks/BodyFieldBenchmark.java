package io.github.abuseguard.benchmarks;

import io.github.abuseguard.BodyField;
import io.github.abuseguard.RequestBody;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading one field from a whole request body, as an e-mail rule or a {@code body:} key does: a small
 * sign-up body, and the same field behind 9 KiB of padding (what the guard must now parse instead of
 * judging a prefix), as JSON and as a form.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class BodyFieldBenchmark {
    @Param({"json", "form"})
    public String type;

    @Param({"small", "padded-9k"})
    public String layout;

    private byte[] bytes;
    private String contentType;

    @Setup
    public void setUp() {
        String padding = layout.equals("small") ? "" : "x".repeat(9 * 1024);
        String text = type.equals("json")
                ? "{\"name\":\"Ann\",\"padding\":\"" + padding + "\",\"email\":\"ann@example.com\"}"
                : "name=Ann&padding=" + padding + "&email=ann%40example.com";
        bytes = text.getBytes(StandardCharsets.UTF_8);
        contentType = type.equals("json") ? "application/json" : "application/x-www-form-urlencoded";
        if (!field().values().contains("ann@example.com")) {
            throw new IllegalStateException("the benchmark body does not hold the field");
        }
    }

    /** A fresh body each time, as each request brings its own. */
    @Benchmark
    public BodyField field() {
        return RequestBody.whole(bytes, bytes.length, contentType).field("/email");
    }
}
