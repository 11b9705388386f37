package io.github.abuseguard.sequence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class KeptTrailsTest {

    /** Takes every new session: the budget of new sessions is the guard's. */
    private static final BooleanSupplier ADMIT = () -> true;

    private final AtomicLong nanos = new AtomicLong();
    private final KeptTrails kept = new KeptTrails(10, 3, Duration.ofHours(1), nanos::get);

    @Test
    void aSessionsTrailKeepsItsLastStepsOldestFirst() {
        for (int step = 1; step <= 5; step++) {
            kept.append("203.0.113.1", "s", "step" + step, ADMIT);
        }
        assertThat(kept.get("s")).containsExactly("step3", "step4", "step5");
        assertThat(holds("s")).isTrue();
        assertThat(kept.get("unknown")).isEmpty();
        assertThat(holds("unknown")).isFalse();
    }

    @Test
    void whenFullANewSessionPushesOutOneOfTheSiteThatHoldsTheMost() {
        kept.append("crowd", "crowd-1", "a", ADMIT);
        kept.append("crowd", "crowd-2", "a", ADMIT);
        for (int i = 0; i < 100; i++) {
            kept.append("flooder-" + (i % 3), "flood-" + i, "a", ADMIT);
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
            kept.append("flooder", "flood-" + i, "a", ADMIT);
        }
        for (int i = 0; i < 10; i++) {
            kept.append("crowd", "crowd-" + i, "a", ADMIT);
        }
        long crowdKept = List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9).stream()
                .filter(i -> holds("crowd-" + i))
                .count();
        assertThat(crowdKept)
                .as("of the crowd's 10 sessions, kept beside a flooder's 10")
                .isEqualTo(5);
        assertThat(holds("crowd-9")).as("its newest").isTrue();
        assertThat(holds("crowd-0")).as("its oldest").isFalse();
    }

    @Test
    void theLeastRecentlySteppedSessionOfTheLargestSiteGoesFirst() {
        for (int i = 0; i < 10; i++) {
            kept.append("site", "s" + i, "a", ADMIT);
        }
        kept.append("site", "s0", "b", ADMIT); // s0 stepped again: s1 is now the least recent
        kept.append("other", "o", "a", ADMIT);
        assertThat(kept.get("s0")).containsExactly("a", "b");
        assertThat(holds("s1")).isFalse();
        assertThat(holds("o")).isTrue();
    }

    @Test
    void anIdleSessionIsGoneAndStartsAnewWhenSteppedAgain() {
        kept.append("site", "s", "a", ADMIT);
        nanos.addAndGet(Duration.ofMinutes(59).toNanos());
        assertThat(kept.get("s")).containsExactly("a");
        nanos.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(kept.get("s")).isEmpty();
        kept.append("site", "s", "b", ADMIT);
        assertThat(kept.get("s")).containsExactly("b");
        assertThat(kept.size()).isEqualTo(1);
    }

    @Test
    void aSitesIdleSessionsMakeRoomBeforeAnyoneIsPushedOut() {
        for (int i = 0; i < 5; i++) {
            kept.append("crowd", "crowd-" + i, "a", ADMIT);
        }
        nanos.addAndGet(Duration.ofHours(2).toNanos());
        for (int i = 0; i < 5; i++) {
            kept.append("flooder", "flood-" + i, "a", ADMIT);
        }
        kept.append("crowd", "crowd-new", "a", ADMIT);
        assertThat(kept.size()).as("the crowd's five idle sessions dropped").isEqualTo(6);
        for (int i = 0; i < 5; i++) {
            assertThat(holds("flood-" + i)).isTrue();
        }
    }

    /**
     * review110 F1: README keeps each session "for an hour idle", but only a site's own idle sessions make room: the
     * sessions of sites that left hours ago hold their places until pushed out as the largest site's, and a crowd
     * stepping now pushes out its own live sessions instead.
     */
    @Test
    void sessionsOfSitesThatLeftHoursAgoMakeRoomBeforeALiveSessionIsPushedOut() {
        for (int i = 0; i < 5; i++) {
            kept.append("gone-a", "gone-a-" + i, "a", ADMIT);
            kept.append("gone-b", "gone-b-" + i, "a", ADMIT);
        }
        nanos.addAndGet(Duration.ofHours(2).toNanos());
        for (int i = 0; i < 5; i++) {
            kept.append("crowd", "crowd-" + i, "a", ADMIT);
        }
        assertThat(holds("gone-a-4")).as("a session idle two hours").isFalse();
        assertThat(holds("crowd-0"))
                .as("the crowd's first live session, of 5, with 10 places of which 10 held sessions idle two hours")
                .isTrue();
    }

    @Test
    void aNewSessionIsKeptOnlyWhenItIsAdmittedAndItsLaterStepsAreNotAskedAgain() {
        AtomicLong asked = new AtomicLong();
        assertThat(kept.append("site", "refused", "a", () -> false)).isFalse();
        assertThat(holds("refused")).isFalse();
        assertThat(kept.append("site", "s", "a", () -> asked.incrementAndGet() > 0))
                .isTrue();
        assertThat(kept.append("site", "s", "b", () -> asked.incrementAndGet() < 0))
                .isTrue();
        assertThat(kept.get("s")).containsExactly("a", "b");
        assertThat(asked).as("places taken for one session of two steps").hasValue(1);
    }

    private boolean holds(String sessionKey) {
        return !kept.get(sessionKey).isEmpty();
    }

    @Test
    void aSessionSteppedByAnotherSiteIsThatSitesAndGoesFirstWhenItHoldsTheMost() {
        for (int i = 0; i < 6; i++) {
            kept.append("flooder-" + i, "flood-" + i, "a", ADMIT);
        }
        for (int i = 0; i < 6; i++) {
            kept.append("keeper", "flood-" + i, "b", ADMIT); // keeps every flooder's session alive
        }
        for (int i = 0; i < 4; i++) {
            kept.append("crowd", "crowd-" + i, "a", ADMIT);
        }
        kept.append("crowd", "crowd-4", "a", ADMIT); // full: the keeper holds 6, the crowd 4
        assertThat(holds("flood-0"))
                .as("the keeper's least recently stepped, pushed out")
                .isFalse();
        assertThat(holds("crowd-0")).as("the crowd's oldest").isTrue();
        assertThat(kept.get("flood-1")).containsExactly("a", "b");
    }

    @Test
    void refusesANonPositiveBound() {
        assertThatThrownBy(() -> new KeptTrails(0, 3, Duration.ofHours(1), nanos::get))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
