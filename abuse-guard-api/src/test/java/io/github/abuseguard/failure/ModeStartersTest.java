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
    private final ModeStarters starters =
            new ModeStarters("login", settings(), store, store.bans("failure:under-attack"));

    private static UnderAttack settings() {
        return new UnderAttack(
                Duration.ofSeconds(UnderAttack.DEFAULT_WINDOW_SECONDS),
                UnderAttack.DEFAULT_MULTIPLIER,
                UnderAttack.DEFAULT_MIN_FAILURES,
                UnderAttack.DEFAULT_MIN_RATIO,
                Duration.ofMinutes(UnderAttack.DEFAULT_DURATION_MINUTES),
                Action.REJECT,
                EnumSet.allOf(UnderAttack.Signal.class),
                null,
                UnderAttack.DEFAULT_HISTORY,
                Duration.ofMinutes(UnderAttack.DEFAULT_SLOW_WINDOW_MINUTES));
    }

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

    /**
     * review55 F1's rest: an operator's end of the mode skipped the false alarm's notes on the instance that ended it
     * only, so another instance's next mode remembered the alarm's sites, and refused them for three durations.
     */
    @Test
    void theNotesOfAFalseAlarmAreSkippedOnEveryInstance() {
        ModeStarters other = new ModeStarters("login", settings(), store, store.bans("failure:under-attack"));
        starters.contributed(site(0));
        starters.contributedSlowly(site(1));
        clock.advance(Duration.ofSeconds(1));

        starters.forget(clock.epochMillis()); // the operator's end-attack, through this instance
        clock.advance(Duration.ofSeconds(3));
        other.contributed(site(2)); // the real crowd, after the end
        other.remember(clock.epochMillis(), true);

        assertThat(other.contains(site(0), clock.epochMillis()))
                .as("the alarm's site")
                .isFalse();
        assertThat(other.contains(site(1), clock.epochMillis()))
                .as("the alarm's slow site")
                .isFalse();
        assertThat(other.contains(site(2), clock.epochMillis()))
                .as("noted after the end")
                .isTrue();
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

    /**
     * A route with about 3,600 sign-ins per 10 minutes at 13% typos has some 1,100 customer sites noted by the
     * slow window in 20 minutes; a paced crowd of 150 sites then starts the mode from the slow window. The
     * listing (at most 1,000) reads the latest notes first, so the customers' older typos do not take the
     * crowd's places (review13: 1,000 customers remembered and none of the crowd, oldest first).
     */
    @Test
    void aBusyRoutesOlderTypoSitesDoNotTakeThePacedCrowdsPlacesInTheListing() {
        for (int n = 0; n < 1_100; n++) { // customers' typos over the first 16.5 minutes
            starters.contributedSlowly(site(n));
            clock.advance(Duration.ofMillis(900));
        }
        for (int n = 5_000; n < 5_150; n++) { // the crowd over the last 3 minutes
            starters.contributedSlowly(site(n));
            clock.advance(Duration.ofMillis(1_200));
        }
        starters.remember(clock.epochMillis(), true);

        assertThat(remembered(5_000, 5_150)).as("the crowd's sites").isEqualTo(150);
        assertThat(remembered(0, 1_100))
                .as("customers' sites, the latest first")
                .isEqualTo(850);
    }

    /**
     * Two instances start the mode within a second (their counts are shared): the second read the marker "no
     * site remembered" before the first remembered the starters, and must not count them again: a site
     * remembered the first time gets three durations (15 minutes), not six (review13).
     */
    @Test
    void twoInstancesStartingTheModeTogetherDoNotDoubleASitesFirstMemory() {
        ModeStarters other = new ModeStarters("login", settings(), store, store.bans("failure:under-attack"));
        assertThat(other.contains(site(1), clock.epochMillis())).isFalse(); // its marker read: none
        starters.contributed(site(1));
        clock.advance(Duration.ofMillis(100));
        starters.remember(clock.epochMillis(), false);
        clock.advance(Duration.ofMillis(100));
        other.remember(clock.epochMillis(), false);

        assertThat(store.bans("failure:mode-starters:login").remaining(site(1)))
                .isLessThanOrEqualTo(Duration.ofMinutes(3L * UnderAttack.DEFAULT_DURATION_MINUTES));
    }
}
