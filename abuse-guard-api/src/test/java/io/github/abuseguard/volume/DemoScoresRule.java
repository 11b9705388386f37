package io.github.abuseguard.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.testing.FakeTimeSource;

/** The demo's scores rule and what a scrape crowd sends it: the scrape-mode tests' common ground. */
final class DemoScoresRule {
    private DemoScoresRule() {}

    /**
     * One instance of the demo's rule (max-distinct 30 per 10 minutes, the library's under-scrape defaults) on
     * {@code store}; instances on one store share the seed, as on Redis.
     */
    static VolumeGuard on(StateStore store, FakeTimeSource clock) {
        return VolumeGuard.builder()
                .store(store)
                .timeSource(clock)
                .seed(1234)
                .rule(DistinctRule.builder("scores")
                        .path("/api/scores/{game}")
                        .methods("GET")
                        .maxDistinct(30)
                        .underScrape(UnderScrape.defaults())
                        .build())
                .build();
    }

    static GuardRequest get(String address, String path) {
        return GuardRequest.builder("GET", path).client(address).build();
    }

    /** A proof (a page on a route another guard watches): the history that lets a reader through the mode. */
    static void prove(VolumeGuard guard, String address) {
        GuardRequest page =
                GuardRequest.builder("GET", "/api/cart").client(address).build();
        assertThat(guard.check(page).isAllow()).isTrue();
        guard.observe(page, 200, true);
    }
}
