package io.github.abuseguard.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardListener;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.RouteTable;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.internal.SettingsAssembler;
import io.github.abuseguard.internal.SettingsBinder;
import io.github.abuseguard.servlet.AbuseGuardFilter;
import io.github.abuseguard.store.StateStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks' browser request is what the default chain sees as a browser: a request the filter took
 * for one without a user agent would be flagged, and the benchmark would measure the flag's path instead
 * of the allow path it names.
 */
class ContainerExchangeTest {

    @Test
    void theDefaultChainTakesTheBrowsersRequestForAnUnflaggedBrowser() throws Exception {
        AbuseGuardSettings settings = SettingsBinder.bind(Map.of(
                "abuse-guard.rate-limit.rules.scores.paths[0]", "/api/scores/{game}",
                "abuse-guard.rate-limit.rules.scores.limits[0].capacity", "1000",
                "abuse-guard.rate-limit.rules.scores.limits[0].period", "1m"));
        TimeSource time = TimeSource.system();
        StateStore store = SettingsAssembler.stateStore(settings, time);
        RouteTable routes = RouteTable.of(List.of("/api/scores/{game}", "/api/news"));
        List<Evaluation> evaluations = new ArrayList<>();
        AbuseGuard.Builder engine = SettingsAssembler.assemble(
                settings,
                GuardContext.builder()
                        .store(store)
                        .timeSource(time)
                        .routes(routes)
                        .build());
        engine.listener(new GuardListener() {
            @Override
            public void onEvaluation(GuardRequest request, Evaluation evaluation, long elapsedNanos) {
                evaluations.add(evaluation);
            }
        });
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(engine.build())
                .settings(settings)
                .routes(routes)
                .build();
        try {
            for (String path : List.of("/api/scores/chess", "/api/news")) {
                ContainerExchange.Response response = new ContainerExchange.Response();
                filter.doFilter(ContainerExchange.browserGet(path), response, (request, answer) -> {});
                assertThat(response.getStatus()).as(path).isEqualTo(200);
            }
        } finally {
            filter.engine().close();
        }
        assertThat(evaluations)
                .isNotEmpty()
                .allSatisfy(evaluation -> assertThat(evaluation.toString()).doesNotContain("FLAG"));
    }
}
