package io.github.abuseguard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * review150: the claim counter of {@link ModeStarterSites#remember} (10 s) outlasts what it guards. A remembering of a
 * site within 10 s of its last claim is dropped even where it is a new remembering: the site's memory already ended
 * (a mode shorter than 3.4 s: the volume guard's under-scrape mode accepts 1 s), or an operator ended the mode as a
 * false alarm and a real one started.
 */
class Review150ModeStarterSitesTest {

    private static final String SITE = "203.0.113.5";

    @Test
    void aSiteRememberedAgainAfterItsMemoryEndedIsRememberedTwiceAsLong() {
        FakeTimeSource clock = new FakeTimeSource();
        LocalStateStore store = LocalStateStore.builder().timeSource(clock).build();
        // a one-second mode (the under-scrape mode's least): its starters are remembered for 3 s the first time
        ModeStarterSites starters =
                new ModeStarterSites(store, "review150", "r", store.bans("review150-modes"), Duration.ofSeconds(1), 1);
        starters.remember(List.of(SITE), clock.epochMillis());
        assertThat(starters.contains(SITE, clock.epochMillis())).isTrue();
        clock.advance(Duration.ofSeconds(4));
        assertThat(starters.contains(SITE, clock.epochMillis()))
                .as("its 3-second memory ended")
                .isFalse();
        // the site starts the next mode: remembered again, for twice as long (6 s)
        starters.remember(List.of(SITE), clock.epochMillis());
        assertThat(starters.contains(SITE, clock.epochMillis()))
                .as("a site that starts the mode again after its memory ended is remembered again")
                .isTrue();
    }

    @Test
    void aSiteThatStartsARealModeRightAfterAnOperatorEndedAFalseAlarmIsRemembered() {
        FakeTimeSource clock = new FakeTimeSource();
        LocalStateStore store = LocalStateStore.builder().timeSource(clock).build();
        ModeStarterSites starters =
                new ModeStarterSites(store, "review150", "r", store.bans("review150-modes"), Duration.ofMinutes(5), 1);
        starters.remember(List.of(SITE), clock.epochMillis());
        starters.forget(); // the operator ends the mode: a false alarm
        assertThat(starters.contains(SITE, clock.epochMillis())).isFalse();
        clock.advance(Duration.ofSeconds(3));
        // a real attack's mode starts, and the site is among its starters
        starters.remember(List.of(SITE), clock.epochMillis());
        assertThat(starters.contains(SITE, clock.epochMillis()))
                .as("the starters of a mode after an operator's false-alarm end are remembered")
                .isTrue();
    }

    /** Control: the same second remembering 11 s after the first (the claim over) remembers the site. */
    @Test
    void controlTheSameRememberingOnceTheClaimEndedRemembersTheSite() {
        FakeTimeSource clock = new FakeTimeSource();
        LocalStateStore store = LocalStateStore.builder().timeSource(clock).build();
        ModeStarterSites starters =
                new ModeStarterSites(store, "review150", "r", store.bans("review150-modes"), Duration.ofSeconds(1), 1);
        starters.remember(List.of(SITE), clock.epochMillis());
        clock.advance(Duration.ofSeconds(11));
        assertThat(starters.contains(SITE, clock.epochMillis())).isFalse();
        starters.remember(List.of(SITE), clock.epochMillis());
        assertThat(starters.contains(SITE, clock.epochMillis())).isTrue();
        assertThat(starters.remaining(SITE, clock.epochMillis())).isEqualTo(Duration.ofSeconds(6));
    }
}
