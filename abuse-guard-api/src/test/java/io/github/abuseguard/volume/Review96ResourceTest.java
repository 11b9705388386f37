package io.github.abuseguard.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.Action;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import org.junit.jupiter.api.Test;

/** review96: a volume rule's resource (user64 F1 fix). */
class Review96ResourceTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).build();

    private VolumeGuard guard(DistinctRule rule) {
        return VolumeGuard.builder()
                .store(store)
                .timeSource(clock)
                .seed(99)
                .rule(rule)
                .build();
    }

    /**
     * F1: resource query:a+query:b joins the two values with '|' before hashing, so (a=s|s, b=s) and (a=s, b=s|s) are
     * one resource: a value holding the separator moves the boundary, and 39 different requests (which the
     * application reads as 39 different (a, b) pairs) count as one.
     */
    @Test
    void twoParametersWhoseJoinIsTheSameAreNotOneResource() {
        VolumeGuard guard = guard(DistinctRule.builder("search")
                .path("/api/search")
                .methods("GET")
                .maxDistinct(5)
                .resource("query:a+query:b")
                .build());
        int segments = 40;
        int allowed = 0;
        for (int i = 1; i < segments; i++) {
            String a = "s" + "|s".repeat(i - 1);
            String b = "s" + "|s".repeat(segments - i - 1);
            allowed += guard.check(GuardRequest.builder("GET", "/api/search")
                                    .client("198.51.100.9")
                                    .queryParameter("a", a)
                                    .queryParameter("b", b)
                                    .build())
                            .isAllow()
                    ? 1
                    : 0;
        }
        assertThat(allowed).as("39 different (a, b) pairs past a bound of 5").isLessThanOrEqualTo(8);
    }

    /**
     * F2: a rule on literal paths with only-reads below the number of its paths refuses a client that read them
     * all and wrote nothing, yet neverPassesItsBound() (the start-up WARN "it never refuses") holds for it.
     */
    @Test
    void aLiteralRuleWithOnlyReadsCanRefuseSoItIsNotWarnedAsNeverRefusing() {
        DistinctRule rule = DistinctRule.builder("pages")
                .path("/a")
                .path("/b")
                .path("/c")
                .methods("GET")
                .maxDistinct(50)
                .onlyReads(new OnlyReads(2, 0, Action.REJECT))
                .build();
        VolumeGuard guard = guard(rule);
        boolean refused = false;
        for (String path : new String[] {"/a", "/b", "/c"}) {
            refused |= guard.check(GuardRequest.builder("GET", path)
                            .client("198.51.100.10")
                            .build())
                    .isDeny();
        }
        assertThat(refused)
                .as("only-reads refuses a reader of the literal paths")
                .isTrue();
        assertThat(rule.neverPassesItsBound())
                .as("the WARN says it never refuses")
                .isFalse();
    }
}
