package io.github.abuseguard.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.Action;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** Which noted sites a mode remembers, and how many a listing reaches. */
class ModeStartersTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build();
    private final ModeStarters starters = new ModeStarters(
            "login",
            new UnderAttack(
                    Duration.ofSeconds(UnderAttack.DEFAULT_WINDOW_SECONDS),
                    UnderAttack.DEFAULT_MULTIPLIER,
                    UnderAttack.DEFAULT_MIN_FAILURES,
                    UnderAttack.DEFAULT_MIN_RATIO,
                    Duration.ofMinutes(UnderAttack.DEFAULT_DURATION_MINUTES),
                    Action.REJECT,
                    EnumSet.allOf(UnderAttack.Signal.class),
                    null,
                    UnderAttack.DEFAULT_HISTORY,
                    Duration.ofMinutes(UnderAttack.DEFAULT_SLOW_WINDOW_MINUTES)),
            store,
            store.bans("failure:under-attack"));

    private static String site(int n) {
        return "100.64." + (n / 250) + "." + (n % 250 + 1);
    }

    private int remembered(int from, int to) {
        int remembered = 0;
        for (int n = from; n < to; n++) {
            remembered += starters.contains(site(n), clock.epochMillis()) ? 1 : 0;
        }
        return remembered;
    }

    /** A mode the route's 10 s window starts remembers the sites of that window, not those of the slow one. */
    @Test
    void aModeTheRouteWindowStartsRemembersOnlyTheSitesOfItsWindow() {
        starters.contributedSlowly(site(0));
        starters.contributed(site(1));

        starters.remember(clock.epochMillis(), false);

        assertThat(starters.contains(site(0), clock.epochMillis())).isFalse();
        assertThat(starters.contains(site(1), clock.epochMillis())).isTrue();
        starters.remember(clock.epochMillis(), true);
        assertThat(starters.contains(site(0), clock.epochMillis()))
                .as("a surge of the slow window while the mode is on")
                .isTrue();
    }

    /**
     * A slow window's notes last twenty minutes: the notes a listing read before must not take the places of the
     * sites noted since, or a paced crowd of more sites than one listing (1,000) would never be remembered past
     * its first thousand while the mode goes on.
     */
    @Test
    void sitesNotedAfterAFullListingAreRememberedOnTheNextSurge() {
        for (int n = 0; n < ModeStarters.MAX_LISTED; n++) {
            starters.contributedSlowly(site(n));
            clock.advance(Duration.ofMillis(100));
        }
        starters.remember(clock.epochMillis(), true);
        assertThat(remembered(0, ModeStarters.MAX_LISTED)).isEqualTo(ModeStarters.MAX_LISTED);

        for (int n = ModeStarters.MAX_LISTED; n < ModeStarters.MAX_LISTED + 500; n++) {
            starters.contributedSlowly(site(n));
            clock.advance(Duration.ofMillis(20));
        }
        clock.advance(Duration.ofSeconds(UnderAttack.DEFAULT_WINDOW_SECONDS));
        starters.remember(clock.epochMillis(), true);

        assertThat(remembered(ModeStarters.MAX_LISTED, ModeStarters.MAX_LISTED + 500))
                .as("the 500 sites noted since the first listing")
                .isEqualTo(500);
    }
}
