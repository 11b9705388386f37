package io.github.abuseguard.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.Action;
import org.junit.jupiter.api.Test;

/**
 * review97 F2: only-reads with a score (a flag, the default: score 50) or an action that refuses nothing (LOG, TAG)
 * never refuses, yet it silences the start-up WARN that the literal-path rule never refuses.
 */
class Review97OnlyReadsWarnTest {

    private static DistinctRule rule(OnlyReads onlyReads) {
        return DistinctRule.builder("pages")
                .path("/a")
                .path("/b")
                .path("/c")
                .methods("GET")
                .maxDistinct(50)
                .onlyReads(onlyReads)
                .build();
    }

    @Test
    void anOnlyReadsThatRefusesNothingDoesNotSilenceTheWarn() {
        assertThat(rule(new OnlyReads(2, 50, Action.THROTTLE)).neverPassesItsBound())
                .as("a flag of 50 only")
                .isTrue();
        assertThat(rule(new OnlyReads(2, 0, Action.LOG)).neverPassesItsBound())
                .as("a LOG only")
                .isTrue();
    }
}
