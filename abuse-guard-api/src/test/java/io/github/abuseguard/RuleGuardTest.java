package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.failure.UnderAttack;
import io.github.abuseguard.origin.OriginGuard;
import io.github.abuseguard.origin.OriginRule;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.volume.DistinctRule;
import io.github.abuseguard.volume.UnderScrape;
import io.github.abuseguard.volume.VolumeGuard;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A guard that is its rules is asked only on the routes and methods its rules may watch. */
class RuleGuardTest {

    @Test
    void aGuardOfRulesMayApplyOnlyWhereOneOfItsRulesMay() {
        OriginRule checkout = OriginRule.builder("checkout")
                .path("/api/checkout/**")
                .methods("POST")
                .allowOrigin("https://shop.example")
                .build();
        OriginGuard guard = OriginGuard.of(List.of(checkout));

        assertThat(guard.name()).isEqualTo(OriginGuard.NAME);
        assertThat(guard.rules()).containsExactly(checkout);
        assertThat(guard.mayApply("POST", PathPattern.parse("/api/checkout/{cart}")))
                .isTrue();
        assertThat(guard.mayApply("GET", PathPattern.parse("/api/checkout/{cart}")))
                .isFalse();
        assertThat(guard.mayApply("POST", PathPattern.parse("/api/search"))).isFalse();
    }

    @Test
    void aRateLimitGuardReportsItsRulesInOrderAndIsSkippedOnRoutesNoneWatches() {
        RateLimitRule search = RateLimitRule.builder("search")
                .path("/api/search")
                .limit(Limit.of(10, Duration.ofMinutes(1)))
                .build();
        RateLimitRule login = RateLimitRule.builder("login")
                .path("/api/login")
                .limit(Limit.of(5, Duration.ofMinutes(1)))
                .build();
        RateLimitGuard guard = RateLimitGuard.builder().rule(search).rule(login).build();

        assertThat(guard.rules()).extracting(RateLimitRule::name).containsExactly("search", "login");
        assertThat(guard.mayApply("GET", PathPattern.parse("/api/login"))).isTrue();
        assertThat(guard.mayApply("GET", PathPattern.parse("/api/orders/{id}"))).isFalse();
    }

    @Test
    void aGuardOfRulesDescribesEachRuleScopeFirstThenItsOwnSettingsThenItsState() {
        RateLimitRule search = RateLimitRule.builder("search")
                .path("/api/search")
                .limit(Limit.of(10, Duration.ofMinutes(1)))
                .build();
        FailureGuard failure = FailureGuard.builder()
                .store(LocalStateStore.builder().build())
                .rule(FailureRule.builder("login")
                        .path("/api/login")
                        .underAttack(UnderAttack.defaults())
                        .build())
                .build();

        GuardDescription limits = RateLimitGuard.builder().rule(search).build().describe();
        assertThat(limits.name()).isEqualTo(RateLimitGuard.NAME);
        assertThat(limits.rules()).singleElement().satisfies(rule -> {
            assertThat(rule.name()).isEqualTo("search");
            assertThat(rule.settings().keySet()).containsExactly("paths", "methods", "key", "cost", "action", "limits");
        });
        assertThat(limits.state()).isEmpty();

        GuardDescription failures = failure.describe();
        assertThat(failures.rules())
                .singleElement()
                .satisfies(rule -> assertThat(rule.settings().keySet())
                        .startsWith("paths", "methods", "statuses")
                        .endsWith("action", "underAttack"));
        assertThat(failures.state()).containsKey("failureBaselines");
    }

    @Test
    void guardsThatLearnAClientsHistoryFromEveryOutcomeAreAskedOnEveryRoute() {
        // the surge detectors tell a fresh client from one with successful requests anywhere in the API
        FailureGuard failure = FailureGuard.builder()
                .store(LocalStateStore.builder().build())
                .rule(FailureRule.builder("login")
                        .path("/api/login")
                        .underAttack(UnderAttack.defaults())
                        .build())
                .build();
        VolumeGuard volume = VolumeGuard.builder()
                .store(LocalStateStore.builder().build())
                .rule(DistinctRule.builder("cards")
                        .path("/api/giftcards/{code}")
                        .underScrape(UnderScrape.defaults())
                        .build())
                .build();

        assertThat(failure.mayApply("GET", PathPattern.parse("/api/orders/{id}")))
                .isTrue();
        assertThat(volume.mayApply("GET", PathPattern.parse("/api/orders/{id}")))
                .isTrue();
    }
}
