package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.volume.DistinctRule;
import io.github.abuseguard.volume.VolumeGuard;
import org.junit.jupiter.api.Test;

/** The builders of the store-backed guards check the same things and say which guard they build. */
class StoreRuleBuilderTest {

    private static FailureRule login() {
        return FailureRule.builder("login").path("/api/login").build();
    }

    private static DistinctRule scores() {
        return DistinctRule.builder("scores").path("/api/scores/{game}").build();
    }

    @Test
    void aSecondRuleOfTheSameNameIsRefusedNamingTheGuard() {
        assertThatThrownBy(() -> FailureGuard.builder().rule(login()).rule(login()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a failure rule named 'login' exists already");
        assertThatThrownBy(() -> VolumeGuard.builder().rule(scores()).rule(scores()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a volume rule named 'scores' exists already");
    }

    @Test
    void aGuardWithoutAStoreOrWithoutRulesIsNotBuilt() {
        assertThatThrownBy(() -> FailureGuard.builder().rule(login()).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a failure guard needs a store");
        assertThatThrownBy(() -> VolumeGuard.builder()
                        .store(LocalStateStore.builder().build())
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a volume guard needs at least one rule");
    }

    @Test
    void rulesAreCheckedInTheOrderTheyWereAdded() {
        FailureRule signup = FailureRule.builder("signup").path("/api/signup").build();
        FailureGuard guard = FailureGuard.builder()
                .store(LocalStateStore.builder().build())
                .rule(signup)
                .rule(login())
                .build();

        assertThat(guard.rules()).extracting(FailureRule::name).containsExactly("signup", "login");
    }
}
