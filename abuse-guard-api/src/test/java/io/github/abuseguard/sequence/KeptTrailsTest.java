package io.github.abuseguard.sequence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KeptTrailsTest {

    private final AtomicLong nanos = new AtomicLong();
    private final KeptTrails kept = new KeptTrails(10, 3, Duration.ofHours(1), nanos::get);

    @Test
    void aSessionsTrailKeepsItsLastStepsOldestFirst() {
        for (int step = 1; step <= 5; step++) {
            kept.append("203.0.113.1", "s", "step" + step);
        }
        assertThat(kept.get("s")).containsExactly("step3", "step4", "step5");
        assertThat(kept.holds("s")).isTrue();
        assertThat(kept.get("unknown")).isEmpty();
        assertThat(kept.holds("unknown")).isFalse();
    }

    @Test
    void whenFullANewSessionPushesOutOneOfTheSiteThatHoldsTheMost() {
        kept.append("crowd", "crowd-1", "a");
        kept.append("crowd", "crowd-2", "a");
        for (int i = 0; i < 100; i++) {
            kept.append("flooder-" + (i % 3), "flood-" + i, "a");
        }
        assertThat(kept.size()).isEqualTo(10);
        assertThat(kept.get("crowd-1")).as("the crowd's first session").containsExactly("a");
        assertThat(kept.get("crowd-2")).as("the crowd's second session").containsExactly("a");
        assertThat(kept.get("flood-99")).as("the newest flood session").containsExactly("a");
        assertThat(kept.get("flood-0")).as("the oldest flood session").isEmpty();
    }

    @Test
    void aSiteHoldsAtLeastItsFairShareEvenWhenItFloodsLast() {
        for (int i = 0; i < 10; i++) {
            kept.append("flooder", "flood-" + i, "a");
        }
        for (int i = 0; i < 10; i++) {
            kept.append("crowd", "crowd-" + i, "a");
        }
        long crowdKept = List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9).stream()
                .filter(i -> kept.holds("crowd-" + i))
                .count();
        assertThat(crowdKept)
                .as("of the crowd's 10 sessions, kept beside a flooder's 10")
                .isEqualTo(5);
        assertThat(kept.holds("crowd-9")).as("its newest").isTrue();
        assertThat(kept.holds("crowd-0")).as("its oldest").isFalse();
    }

    @Test
    void theLeastRecentlySteppedSessionOfTheLargestSiteGoesFirst() {
        for (int i = 0; i < 10; i++) {
            kept.append("site", "s" + i, "a");
        }
        kept.append("site", "s0", "b"); // s0 stepped again: s1 is now the least recent
        kept.append("other", "o", "a");
        assertThat(kept.get("s0")).containsExactly("a", "b");
        assertThat(kept.holds("s1")).isFalse();
        assertThat(kept.holds("o")).isTrue();
    }

    @Test
    void anIdleSessionIsGoneAndStartsAnewWhenSteppedAgain() {
        kept.append("site", "s", "a");
        nanos.addAndGet(Duration.ofMinutes(59).toNanos());
        assertThat(kept.get("s")).containsExactly("a");
        nanos.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(kept.get("s")).isEmpty();
        kept.append("site", "s", "b");
        assertThat(kept.get("s")).containsExactly("b");
        assertThat(kept.size()).isEqualTo(1);
    }

    @Test
    void aSitesIdleSessionsMakeRoomBeforeAnyoneIsPushedOut() {
        for (int i = 0; i < 5; i++) {
            kept.append("crowd", "crowd-" + i, "a");
        }
        nanos.addAndGet(Duration.ofHours(2).toNanos());
        for (int i = 0; i < 5; i++) {
            kept.append("flooder", "flood-" + i, "a");
        }
        kept.append("crowd", "crowd-new", "a");
        assertThat(kept.size()).as("the crowd's five idle sessions dropped").isEqualTo(6);
        for (int i = 0; i < 5; i++) {
            assertThat(kept.holds("flood-" + i)).isTrue();
        }
    }

    @Test
    void refusesANonPositiveBound() {
        assertThatThrownBy(() -> new KeptTrails(0, 3, Duration.ofHours(1), nanos::get))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
