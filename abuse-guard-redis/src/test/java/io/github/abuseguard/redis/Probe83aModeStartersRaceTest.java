package io.github.abuseguard.redis;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.failure.ModeStartersRace;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * probe83a F2 on two instances sharing Redis: the failures that cross the mode's count, heard at once on both, each
 * remembered the mode's sites again ({@link ModeStartersRace}).
 */
class Probe83aModeStartersRaceTest {

    @Test
    void racingFailuresThatStartTheModeOnTwoInstancesRememberItsSitesForThreeDurationsNotLonger() throws Exception {
        // a race: about one run in two doubled the memory in probe83a's runs; five runs, each on a fresh prefix
        for (int attempt = 0; attempt < 5; attempt++) {
            run(true);
        }
    }

    @Test
    void controlTheSameFailuresHeardOneAfterAnotherRememberItsSitesForThreeDurations() throws Exception {
        for (int attempt = 0; attempt < 5; attempt++) {
            run(false);
        }
    }

    private static void run(boolean racing) throws Exception {
        String uri = RedisAvailability.requireRedis();
        String prefix = "probe83a:" + UUID.randomUUID() + ":";
        FakeTimeSource clock = new FakeTimeSource();
        try (RedisStateStore first = RedisAvailability.store(uri, prefix, clock);
                RedisStateStore second = RedisAvailability.store(uri, prefix, clock)) {
            AbuseGuard[] instances = {ModeStartersRace.engine(first, clock), ModeStartersRace.engine(second, clock)};
            // connected before the race
            first.counters("warm-up", Duration.ofMinutes(1)).get("x");
            second.counters("warm-up", Duration.ofMinutes(1)).get("x");
            ModeStartersRace.play(instances, clock, racing);
        }
    }
}
