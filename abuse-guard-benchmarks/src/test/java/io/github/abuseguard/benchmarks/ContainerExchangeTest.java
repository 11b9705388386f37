package io.github.abuseguard.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardListener;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.servlet.AbuseGuardFilter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks' browser request is what the default chain sees as a browser: a request the filter took
 * for one without a user agent would be flagged, and {@link DefaultChainBenchmark} would measure the
 * flag's path instead of the allow path it names.
 */
class ContainerExchangeTest {

    @Test
    void theDefaultChainTakesTheBrowsersRequestForAnUnflaggedBrowser() throws Exception {
        List<Evaluation> evaluations = new ArrayList<>();
        AbuseGuardFilter filter = DefaultChainBenchmark.demoChain(new GuardListener() {
            @Override
            public void onEvaluation(GuardRequest request, Evaluation evaluation, long elapsedNanos) {
                evaluations.add(evaluation);
            }
        });
        try {
            for (String path : List.of("/api/scores/chess", "/api/news", "/assets/app.js")) {
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
