package io.github.abuseguard.benchmarks.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CostHarnessOptionsTest {

    @Test
    void defaultsMeasureTheDemoOnAgainstOffInAtLeastTenRounds() {
        CostHarness.Options options = CostHarness.Options.parse();

        assertThat(options.mode).isEqualTo("ab");
        assertThat(options.rounds).isGreaterThanOrEqualTo(10);
        assertThat(options.demo.toString()).endsWith("abuse-guard-demo.jar");
    }

    @Test
    void valuesAreReadByName() {
        CostHarness.Options options = CostHarness.Options.parse(
                "--mode=ablation", "--rounds=10", "--requests=5000", "--seed=3", "--run-limit-seconds=30");

        assertThat(options.mode).isEqualTo("ablation");
        assertThat(options.rounds).isEqualTo(10);
        assertThat(options.requests).isEqualTo(5000);
        assertThat(options.seed).isEqualTo(3);
        assertThat(options.runLimit).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void portsAreARangeOrAnyFreePort() {
        assertThat(CostHarness.Options.parse().ports).containsExactly(0, 0);
        assertThat(CostHarness.Options.parse("--ports=18200-18299").ports).containsExactly(18200, 18299);
        assertThatThrownBy(() -> CostHarness.Options.parse("--ports=18299-18200"))
                .hasMessageContaining("--ports must be 18299 to 65535");
        assertThatThrownBy(() -> CostHarness.Options.parse("--ports=18200"))
                .hasMessageContaining("--ports must be FROM-TO");
    }

    /**
     * A server is given the first port of the range that nothing listens on and no server was given
     * before: servers started side by side bind their ports only later.
     */
    @Test
    void aServerPortIsTheFirstFreeOneOfTheRangeNotGivenBefore() throws Exception {
        java.net.InetAddress loopback = java.net.InetAddress.getLoopbackAddress();
        // a port whose next two nothing listens on: on a busy machine another process may hold one of them
        // (a flake seen in CI), so such a port is skipped for another
        for (int attempt = 0; attempt < 50; attempt++) {
            try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, loopback)) {
                int port = taken.getLocalPort();
                if (port + 2 > 65535 || !free(loopback, port + 1) || !free(loopback, port + 2)) {
                    continue;
                }
                assertThat(ServerProcess.freePort(port, port + 2)).isEqualTo(port + 1);
                assertThat(ServerProcess.freePort(port, port + 2)).isEqualTo(port + 2);
                assertThatThrownBy(() -> ServerProcess.freePort(port, port + 2))
                        .hasMessage("no free port from " + port + " to " + (port + 2));
                return;
            }
        }
        throw new AssertionError("no port with two free ones after it in 50 attempts");
    }

    private static boolean free(java.net.InetAddress address, int port) {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(port, 1, address)) {
            return true;
        } catch (java.io.IOException inUse) {
            return false;
        }
    }

    @Test
    void aValueOutOfItsBoundsNamesTheOption() {
        assertThatThrownBy(() -> CostHarness.Options.parse("--connections=100000"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--connections must be 1 to 256");
        assertThatThrownBy(() -> CostHarness.Options.parse("--rounds=ten"))
                .hasMessageContaining("--rounds must be a whole number");
        assertThatThrownBy(() -> CostHarness.Options.parse("--heap=-Xdebug"))
                .hasMessageContaining("--heap must look like 512m");
    }

    @Test
    void anUnknownModeOrOptionIsRefused() {
        assertThatThrownBy(() -> CostHarness.Options.parse("--mode=fast")).hasMessageContaining("--mode must be");
        assertThatThrownBy(() -> CostHarness.Options.parse("--colour=red")).hasMessageContaining("unknown option");
        assertThatThrownBy(() -> CostHarness.Options.parse("ab")).hasMessageContaining("expected --name=value");
    }

    @Test
    void comparingVersionsNeedsTheJarToCompareWith() {
        assertThatThrownBy(() -> CostHarness.Options.parse("--mode=versions"))
                .hasMessageContaining("--mode=versions needs --before=JAR");
        assertThatThrownBy(() -> CostHarness.Options.parse("--mode=minimal-versions"))
                .hasMessageContaining("--mode=minimal-versions needs --before=JAR");

        CostHarness.Options options = CostHarness.Options.parse("--mode=versions", "--before=old/abuse-guard-demo.jar");

        assertThat(options.before).isEqualTo(Path.of("old/abuse-guard-demo.jar"));
    }

    @Test
    void theProfileRecordsTheDemoUnlessTheMinimalAppIsAsked() {
        assertThat(CostHarness.Options.parse("--mode=profile").app).isEqualTo("demo");
        assertThat(CostHarness.Options.parse("--mode=profile", "--app=minimal").app)
                .isEqualTo("minimal");
        assertThatThrownBy(() -> CostHarness.Options.parse("--app=petclinic"))
                .hasMessageContaining("--app must be demo or minimal");
    }

    @Test
    void theMinimalAppsAblationIsAMode() {
        assertThat(CostHarness.Options.parse("--mode=minimal-ablation").mode).isEqualTo("minimal-ablation");
    }

    @Test
    void oneRoundCannotBeCompared() {
        assertThatThrownBy(() -> CostHarness.Options.parse("--rounds=1")).hasMessageContaining("at least 2");
    }

    @Test
    void variantsAreChosenByTheirNamesAsSlugs() {
        assertThat(CostHarness.Options.parse("--variants=without-volume,no-guard").variants)
                .containsExactly("without-volume", "no-guard");
        assertThat(CostHarness.slug("without metrics listener")).isEqualTo("without-metrics-listener");
        assertThatThrownBy(() -> CostHarness.Options.parse("--variants=../etc,x"))
                .hasMessageContaining("--variants must be comma-separated names");
    }

    @Test
    void roundsArePairedWindowsUnlessSequentialIsAsked() {
        CostHarness.Options defaults = CostHarness.Options.parse();
        assertThat(defaults.paired).isTrue();
        assertThat(defaults.window).isEqualTo(Duration.ofSeconds(2));

        CostHarness.Options sequential = CostHarness.Options.parse("--schedule=sequential", "--window-millis=500");
        assertThat(sequential.paired).isFalse();
        assertThat(sequential.window).isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> CostHarness.Options.parse("--schedule=random"))
                .hasMessageContaining("--schedule must be paired or sequential");
        assertThatThrownBy(() -> CostHarness.Options.parse("--window-millis=10"))
                .hasMessageContaining("--window-millis must be 100 to 600000");
    }

    @Test
    void jvmOptionsAndServerCpusAreCheckedBeforeAnyServerStarts() {
        CostHarness.Options options = CostHarness.Options.parse(
                "--jvm-option=-XX:-DoEscapeAnalysis", "--jvm-option=-Dx=1", "--server-cpus=1");
        assertThat(options.jvmOptions).containsExactly("-XX:-DoEscapeAnalysis", "-Dx=1");
        assertThat(options.serverCpus).isEqualTo("1");
        assertThatThrownBy(() -> CostHarness.Options.parse("--jvm-option=-jar"))
                .hasMessageContaining("--jvm-option must be one -XX: or -D option");
        assertThatThrownBy(() -> CostHarness.Options.parse("--server-cpus=1;reboot"))
                .hasMessageContaining("--server-cpus must be a CPU list");
    }

    @Test
    void serversKeepTheirConnectionsOpenSoNoRequestPaysForAReconnection() {
        List<String> args = CostHarness.appArgs(
                new CostHarness.Variant("guard off", Path.of("demo.jar"), List.of("--abuse-guard.enabled=false")));

        assertThat(args).contains("--server.tomcat.max-keep-alive-requests=-1").endsWith("--abuse-guard.enabled=false");
    }

    @Test
    void eachVariantRunsInTwoJvmsUnderC2UnlessAskedOtherwise() {
        CostHarness.Options defaults = CostHarness.Options.parse();
        assertThat(defaults.forks).isEqualTo(2);
        assertThat(defaults.compiler).isEqualTo("c2");

        CostHarness.Options options = CostHarness.Options.parse("--forks=3", "--compiler=c1");
        assertThat(options.forks).isEqualTo(3);
        assertThat(options.compiler).isEqualTo("c1");
        assertThatThrownBy(() -> CostHarness.Options.parse("--forks=9")).hasMessageContaining("--forks must be 1 to 8");
        assertThatThrownBy(() -> CostHarness.Options.parse("--compiler=graal"))
                .hasMessageContaining("--compiler must be c1 or c2");
    }

    @Test
    void aServerWhoseJitStillTakesMoreThanFivePercentIsNotSettled() {
        assertThat(CostHarness.settled(run(60.0, 2.0))).isTrue();
        assertThat(CostHarness.settled(run(60.0, 3.0))).isTrue();
        assertThat(CostHarness.settled(run(60.0, 9.6))).isFalse();
    }

    @Test
    void anExactProfileDividesEachRecordingByTheRequestsItsRunsAnswered() {
        CostHarness.Run full = run(60.0, 2.0);
        CostHarness.Run cut =
                new CostHarness.Run(60, 62, 7, 2, 0.4, 300, 53_000, 53_100, 8_000, 350_000, 2_000_000, 0, 20, 1_942);

        assertThat(CostHarness.answered(List.of(full, cut))).isEqualTo(21_942);
        assertThat(CostHarness.answered(List.of())).isEqualTo(1);
    }

    private static CostHarness.Run run(double requestCpuMicros, double jitMicros) {
        return new CostHarness.Run(
                requestCpuMicros,
                requestCpuMicros + jitMicros,
                7,
                jitMicros,
                0.4,
                300,
                53_000,
                53_100,
                8_000,
                350_000,
                2_000_000,
                0,
                20,
                20_000);
    }
}
