package io.github.abuseguard.benchmarks.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.benchmarks.cost.CostHarness.Variant;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The harness's servers are real processes: one that fails to start or to get ready stops the others. */
class CostHarnessStartTest {
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopWhatTheTestStarted() throws InterruptedException {
        for (Process process : started) {
            process.destroyForcibly();
            process.waitFor(15, TimeUnit.SECONDS);
        }
    }

    /** A long-lived process standing in for a server; {@code sleep} ends as soon as it is destroyed. */
    private ServerProcess sleeper(Variant variant) throws Exception {
        Process process = new ProcessBuilder("sleep", "600").start();
        started.add(process);
        return new ServerProcess(variant.name(), 0, process, System.nanoTime());
    }

    private static List<Variant> variants(String... names) {
        List<Variant> variants = new ArrayList<>();
        for (String name : names) {
            variants.add(new Variant(name, Path.of(name + ".jar"), List.of()));
        }
        return variants;
    }

    @Test
    void aServerThatFailsToStartStopsTheServersAlreadyStarted() throws Exception {
        assertThatThrownBy(() -> CostHarness.startAll(
                        variants("first", "second", "third"),
                        variant -> {
                            if (variant.name().equals("third")) {
                                throw new IllegalStateException("third.jar is missing");
                            }
                            return sleeper(variant);
                        },
                        (server, count) -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("third.jar is missing");

        assertThat(started).hasSize(2);
        for (Process process : started) {
            assertThat(process.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(process.isAlive()).isFalse();
        }
    }

    @Test
    void aServerThatIsNeverReadyStopsEveryServerStarted() throws Exception {
        assertThatThrownBy(() -> CostHarness.startAll(variants("first", "second"), this::sleeper, (server, count) -> {
                    if (server.name.equals("second")) {
                        throw new IllegalStateException("second was not ready within PT3M");
                    }
                }))
                .hasMessage("second was not ready within PT3M");

        assertThat(started).hasSize(2);
        for (Process process : started) {
            assertThat(process.waitFor(15, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void serversThatStartAndGetReadyAreReturnedRunning() throws Exception {
        List<ServerProcess> servers =
                CostHarness.startAll(variants("first", "second"), this::sleeper, (server, count) -> {});

        assertThat(servers).extracting(server -> server.name).containsExactly("first", "second");
        assertThat(started).allMatch(Process::isAlive);
    }
}
