package io.github.abuseguard.failure;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import org.junit.jupiter.api.Test;

/**
 * probe83a F2 in process: the failures that cross the mode's count, heard at once on one instance's threads, each
 * remembered the mode's sites again ({@link ModeStartersRace}).
 */
class Probe83aModeStartersRaceLocalTest {

    @Test
    void racingFailuresThatStartTheModeOnOneInProcessInstanceRememberItsSitesForThreeDurationsNotLonger()
            throws Exception {
        // a race: it doubled the memory in 3 of 5 of probe83a's invocations; twenty runs, each on a fresh store
        for (int attempt = 0; attempt < 20; attempt++) {
            run(true);
        }
    }

    @Test
    void controlInProcessTheSameFailuresHeardOneAfterAnotherRememberItsSitesForThreeDurations() throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            run(false);
        }
    }

    private static void run(boolean racing) throws Exception {
        FakeTimeSource clock = new FakeTimeSource();
        LocalStateStore store =
                LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build();
        AbuseGuard single = ModeStartersRace.engine(store, clock);
        ModeStartersRace.play(new AbuseGuard[] {single, single}, clock, racing);
    }
}
