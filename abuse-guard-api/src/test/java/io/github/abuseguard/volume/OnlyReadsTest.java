package io.github.abuseguard.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The "only reads" signal: many products read, nothing else ever done. */
class OnlyReadsTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).build();

    private VolumeGuard guard(OnlyReads onlyReads) {
        return VolumeGuard.builder()
                .store(store)
                .timeSource(clock)
                .seed(7)
                .rule(DistinctRule.builder("products")
                        .path("/api/products/{id}")
                        .maxDistinct(200)
                        .onlyReads(onlyReads)
                        .build())
                .build();
    }

    private static GuardRequest request(String method, String address, String path) {
        return GuardRequest.builder(method, path).client(address).build();
    }

    /** Reads {@code products} distinct products; returns the last decision. */
    private static Decision browse(VolumeGuard guard, String address, int products) {
        Decision last = Decision.allow();
        for (int i = 0; i < products; i++) {
            last = guard.check(request("GET", address, "/api/products/p-" + i));
        }
        return last;
    }

    @Test
    void aClientThatOnlyReadsManyResourcesIsFlaggedWithTheScore() {
        VolumeGuard guard = guard(new OnlyReads(20, 50, Action.THROTTLE));
        Decision decision = browse(guard, "198.51.100.1", 60);
        assertThat(decision.isFlag()).isTrue();
        assertThat(decision.score()).isEqualTo(50);
        assertThat(decision.reason()).isEqualTo(VolumeGuard.ONLY_READS);
    }

    @Test
    void aReaderOfAFewResourcesIsNotFlagged() {
        VolumeGuard guard = guard(new OnlyReads(20, 50, Action.THROTTLE));
        for (int repeat = 0; repeat < 50; repeat++) {
            assertThat(browse(guard, "198.51.100.1", 19).isAllow()).isTrue();
        }
    }

    @Test
    void aClientThatDidSomethingElseSuccessfullyIsNotFlagged() {
        VolumeGuard guard = guard(new OnlyReads(20, 50, Action.THROTTLE));
        GuardRequest order = request("POST", "198.51.100.1", "/api/orders");
        guard.check(order);
        guard.observe(order, 201);
        assertThat(browse(guard, "198.51.100.1", 60).isAllow()).isTrue();
    }

    @Test
    void aFailedWriteOrAPreflightDoesNotCountAsDoingSomething() {
        VolumeGuard guard = guard(new OnlyReads(20, 50, Action.THROTTLE));
        GuardRequest login = request("POST", "198.51.100.1", "/api/login");
        guard.observe(login, 401);
        guard.observe(login, 302); // a failed form login redirecting back to the form
        GuardRequest preflight = request("OPTIONS", "198.51.100.1", "/api/products/p-1");
        guard.observe(preflight, 204);
        GuardRequest page = request("GET", "198.51.100.1", "/");
        guard.observe(page, 200);
        assertThat(browse(guard, "198.51.100.1", 60).isFlag()).isTrue();
    }

    @Test
    void withoutAScoreTheClientIsAnsweredWithTheAction() {
        VolumeGuard guard = guard(new OnlyReads(20, 0, Action.REJECT));
        Decision decision = browse(guard, "198.51.100.1", 60);
        assertThat(decision.isDeny()).isTrue();
        assertThat(decision.action()).isEqualTo(Action.REJECT);
        assertThat(decision.reason()).isEqualTo(VolumeGuard.ONLY_READS);
    }

    @Test
    void theSignalFadesWithTheRulesWindow() {
        VolumeGuard guard = guard(new OnlyReads(20, 50, Action.THROTTLE));
        assertThat(browse(guard, "198.51.100.1", 60).isFlag()).isTrue();
        clock.advance(Duration.ofMinutes(21));
        assertThat(browse(guard, "198.51.100.1", 5).isAllow()).isTrue();
    }

    @Test
    void theSignalMustSitBelowTheRulesBound() {
        assertThatThrownBy(() -> DistinctRule.builder("products")
                        .path("/api/products/{id}")
                        .maxDistinct(20)
                        .onlyReads(new OnlyReads(20, 50, Action.THROTTLE))
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("max-distinct");
        assertThatThrownBy(() -> new OnlyReads(0, 50, Action.THROTTLE)).hasMessageContaining("min-distinct");
        assertThatThrownBy(() -> new OnlyReads(20, -1, Action.THROTTLE)).hasMessageContaining("score");
    }
}
