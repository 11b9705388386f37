package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LiveBansTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final StateStore store = LocalStateStore.builder().timeSource(clock).build();
    private final LiveBans bans = new LiveBans(store, clock);

    private boolean refused(String client) {
        return bans.check(GuardRequest.builder("GET", "/api/x").client(client).build())
                .isDeny();
    }

    @Test
    void aBannedClientIsRefusedUntilTheBanEnds() {
        bans.ban("203.0.113.7", Duration.ofMinutes(10));

        assertThat(refused("203.0.113.7")).isTrue();
        assertThat(refused("203.0.113.8")).isFalse();
        assertThat(bans.active()).extracting(LiveBans.Ban::key).containsExactly("203.0.113.7");
        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        assertThat(refused("203.0.113.7")).isFalse();
        assertThat(bans.active()).isEmpty();
    }

    @Test
    void aBanLiftedThroughTheStoreDropsOutOfTheList() {
        bans.ban("203.0.113.7", Duration.ofMinutes(10));
        new LiveBans(store, clock).lift("203.0.113.7");

        assertThat(refused("203.0.113.7")).isFalse();
        assertThat(bans.active()).isEmpty();
    }

    @Test
    void bansSetThroughAnotherInstanceOfTheStoreAreListedSoonestToEndFirst() {
        new LiveBans(store, clock).ban("198.51.100.2", Duration.ofHours(2));
        bans.ban("203.0.113.7", Duration.ofMinutes(10));

        assertThat(bans.active())
                .extracting(LiveBans.Ban::key, LiveBans.Ban::until)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "203.0.113.7", clock.instant().plus(Duration.ofMinutes(10))),
                        org.assertj.core.groups.Tuple.tuple(
                                "198.51.100.2", clock.instant().plus(Duration.ofHours(2))));
    }

    @Test
    void unboundedDurationsAndBlankOrHugeKeysAreRefused() {
        assertThatThrownBy(() -> bans.ban("k", Duration.ofDays(366))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bans.ban("k", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bans.ban(" ", Duration.ofMinutes(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bans.ban("k".repeat(257), Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(bans.active()).isEmpty();
    }
}
