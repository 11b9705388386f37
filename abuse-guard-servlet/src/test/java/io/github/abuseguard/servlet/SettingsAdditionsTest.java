package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardListener;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.OutcomeObserver;
import io.github.abuseguard.RouteTable;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.testing.FakeTimeSource;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * user61 F2: a plain servlet application configured from a settings file had no way to give the filter its route
 * templates, a metrics listener or a clock without the builder's engine assembly, which is internal. {@code
 * fromSettings(settings, additions)} takes them.
 */
class SettingsAdditionsTest {

    @TempDir
    Path directory;

    private AbuseGuardSettings settings(String yaml) throws Exception {
        Path file = directory.resolve("abuse-guard.yml");
        Files.writeString(file, yaml);
        return SettingsFile.load(file);
    }

    private static final String ONE_PER_MINUTE = """
            abuse-guard:
              rate-limit:
                rules:
                  scores:
                    paths: ["/api/scores/**"]
                    key: ip
                    limits:
                      - capacity: 1
                        period: 1m
            """;

    @Test
    void listenersHearTheRouteTemplateAndObserversTheAnsweredStatus() throws Exception {
        List<String> routes = new CopyOnWriteArrayList<>();
        List<Integer> statuses = new CopyOnWriteArrayList<>();
        GuardListener metrics = new GuardListener() {
            @Override
            public void onEvaluation(GuardRequest request, Evaluation evaluation, long elapsedNanos) {
                routes.add(request.route());
            }
        };
        OutcomeObserver audit = new OutcomeObserver() {
            @Override
            public String name() {
                return "audit";
            }

            @Override
            public void observe(GuardRequest request, int status) {
                statuses.add(status);
            }
        };
        AbuseGuardFilter filter = AbuseGuardFilter.fromSettings(
                settings(ONE_PER_MINUTE),
                add -> add.routes(RouteTable.of(List.of("/api/scores/{game}")))
                        .listener(metrics)
                        .observer(audit));
        try (TestServer server = new TestServer(filter)) {
            assertThat(server.get("/api/scores/chess").statusCode()).isEqualTo(200);
            assertThat(server.get("/api/scores/go").statusCode()).isEqualTo(429);
        } finally {
            filter.destroy();
        }
        assertThat(routes).containsExactly("/api/scores/{game}", "/api/scores/{game}");
        assertThat(statuses).containsExactly(200);
    }

    @Test
    void theClockGivenMovesTheWindows() throws Exception {
        FakeTimeSource clock = new FakeTimeSource();
        AbuseGuardFilter filter = AbuseGuardFilter.fromSettings(settings(ONE_PER_MINUTE), add -> add.timeSource(clock));
        try (TestServer server = new TestServer(filter)) {
            assertThat(server.get("/api/scores/chess").statusCode()).isEqualTo(200);
            HttpResponse<String> refused = server.get("/api/scores/chess");
            assertThat(refused.statusCode()).isEqualTo(429);

            clock.advance(Duration.ofSeconds(61));

            assertThat(server.get("/api/scores/chess").statusCode()).isEqualTo(200);
        } finally {
            filter.destroy();
        }
    }

    @Test
    void withoutRoutesTheRouteIsUnknown() throws Exception {
        List<String> routes = new CopyOnWriteArrayList<>();
        AbuseGuardFilter filter = AbuseGuardFilter.fromSettings(
                settings(ONE_PER_MINUTE),
                add -> add.listener(new GuardListener() {
                    @Override
                    public void onEvaluation(GuardRequest request, Evaluation evaluation, long elapsedNanos) {
                        routes.add(request.route());
                    }
                }));
        try (TestServer server = new TestServer(filter)) {
            server.get("/api/scores/chess");
        } finally {
            filter.destroy();
        }
        assertThat(routes).containsExactly((String) null);
    }

    @Test
    void anObserverAddedTwiceIsRefusedBeforeAnythingIsBuilt() throws Exception {
        OutcomeObserver audit = new OutcomeObserver() {
            @Override
            public String name() {
                return "audit";
            }

            @Override
            public void observe(GuardRequest request, int status) {}
        };
        var loaded = settings(ONE_PER_MINUTE);
        assertThatThrownBy(() -> AbuseGuardFilter.fromSettings(
                        loaded, add -> add.observer(audit).observer(audit)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'audit' was added already");
    }
}
