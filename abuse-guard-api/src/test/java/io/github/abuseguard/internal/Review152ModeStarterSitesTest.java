package io.github.abuseguard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * review152: a821a835 gives a site's claim back when the operator ends the whole mode ({@link ModeStarterSites#forget()})
 * but not when the operator lifts one site ({@link ModeStarterSites#forget(String)}, called by RouteSurge.trust from
 * FailureGuard.lift with a client key). A site lifted within 10 s of its remembering, that starts or extends the mode
 * again at once, finds its old claim (the count is 2) and is not remembered: its evidence counts again and, once the
 * mode ends, it can start it again at once, which the memory exists to prevent.
 */
class Review152ModeStarterSitesTest {

    private static final String SITE = "203.0.113.9";

    @Test
    void aSiteLiftedByTheOperatorThatStartsTheModeAgainIsRememberedAgain() {
        FakeTimeSource clock = new FakeTimeSource();
        LocalStateStore store = LocalStateStore.builder().timeSource(clock).build();
        ModeStarterSites starters =
                new ModeStarterSites(store, "review152", "r", store.bans("review152-modes"), Duration.ofMinutes(5), 1);
        starters.remember(List.of(SITE), clock.epochMillis());
        assertThat(starters.contains(SITE, clock.epochMillis())).isTrue();
        starters.forget(SITE); // the operator lifts what was held against the site
        assertThat(starters.contains(SITE, clock.epochMillis())).isFalse();
        clock.advance(Duration.ofSeconds(3));
        // the site's failures start (or extend) the mode again: it is among the starters listed
        starters.remember(List.of(SITE), clock.epochMillis());
        assertThat(starters.contains(SITE, clock.epochMillis()))
                .as("a site that starts the mode again after the operator lifted it is remembered again")
                .isTrue();
    }
}
