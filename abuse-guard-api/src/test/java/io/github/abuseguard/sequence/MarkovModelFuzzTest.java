package io.github.abuseguard.sequence;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Model import on arbitrary bytes: a model or {@link IllegalArgumentException}, nothing else; an
 * imported model scores every path finitely (or at the maximum), and export then import is stable.
 */
class MarkovModelFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void anyFileImportsToAStableFiniteModelOrIsRefused(byte[] input) {
        MarkovModel model;
        try {
            model = MarkovModel.fromJson(new String(input, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException refused) {
            return;
        }
        String exported = model.toJson();
        MarkovModel copy = MarkovModel.fromJson(exported);
        assertThat(copy.toJson()).isEqualTo(exported);
        assertThat(copy.states()).isEqualTo(model.states());

        List<String> states = new ArrayList<>();
        for (String transition : model.topTransitions(8)) {
            String pair = transition.substring(0, transition.lastIndexOf(" = "));
            states.add(pair.substring(pair.indexOf(" -> ") + 4));
        }
        states.add("GET /never-seen");
        states.add(MarkovModel.OTHER);
        List<String> path = new ArrayList<>();
        for (String state : states) {
            path.add(state);
            double score = model.score(path);
            assertThat(score).isNotNaN().isGreaterThanOrEqualTo(0).isLessThanOrEqualTo(Double.MAX_VALUE);
            assertThat(copy.score(path)).isEqualTo(score);
        }
        double threshold = model.threshold(0.99);
        assertThat(threshold).isNotNaN();
        assertThat(copy.threshold(0.99)).isEqualTo(threshold);
    }
}
