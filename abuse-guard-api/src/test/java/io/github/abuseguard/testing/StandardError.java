package io.github.abuseguard.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** What the library's log (the JDK's, to standard error in tests) printed while a piece of a test ran. */
public final class StandardError {
    /** A piece of a test that may throw. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    private StandardError() {}

    /** Runs {@code step} with standard error captured, restores it, and returns what was printed. */
    public static String printedBy(Step step) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
            step.run();
        } finally {
            System.setErr(original);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }
}
