package io.github.abuseguard.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * The bans a request refused a route's newcomer place is told of, with two failure rules on the sign-in (a per-address
 * ban rule, and a rule that watches the route with an under-attack mode, the usual pair).
 */
class PlaceRefusalBanTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build();

    private static GuardRequest login(String address, String username) {
        return GuardRequest.builder("POST", "/api/login")
                .client(address)
                .header("User-Agent", "python-requests/2.31")
                .body("application/json", "{\"username\":\"" + username + "\",\"password\":\"x\"}")
                .build();
    }

    private static void exchange(AbuseGuard engine, GuardRequest request, int status) {
        Evaluation evaluation = engine.evaluate(request);
        if (!evaluation.decision().isDeny() || evaluation.decision().action().passesRequestOn()) {
            engine.complete(request, status);
        }
    }

    private static UnderAttack surge() {
        return new UnderAttack(
                Duration.ofSeconds(10),
                5.0,
                20,
                0.2,
                Duration.ofMinutes(2),
                Action.REJECT,
                EnumSet.allOf(UnderAttack.Signal.class),
                null);
    }

    /** The address rule (3 wrong passwords ban the address, answered with {@code addressAction}) and the watching rule. */
    private AbuseGuard engine(Action addressAction) {
        FailureGuard guard = FailureGuard.builder()
                .store(store)
                .timeSource(clock)
                .rule(FailureRule.builder("login-address")
                        .path("/api/login")
                        .methods("POST")
                        .key("ip")
                        .maxRetry(3)
                        .action(addressAction)
                        .build())
                .rule(FailureRule.builder("login-watch")
                        .path("/api/login")
                        .methods("POST")
                        .key("body:/username")
                        .maxRetry(1_000)
                        .underAttack(surge())
                        .build())
                .build();
        return AbuseGuard.builder().guard(guard).timeSource(clock).build();
    }

    /**
     * review127: probe72b F2's fix asked the ban of the rule whose route place was refused only: a client banned by the
     * address rule was told 429 too-many-unknown-in-flight, Retry-After 1 s, whenever the watching rule's places of its
     * site were taken (the first rule's ban was found only in the store step, which a refusal skips).
     */
    @Test
    void aClientBannedByTheAddressRuleIsToldItsBanWhileTheWatchingRulesPlacesAreTaken() {
        AbuseGuard engine = engine(Action.REJECT);
        String banned = "2001:db8:1:1::1";
        for (int i = 0; i < 3; i++) {
            exchange(engine, login(banned, "victim" + i), 401);
        }
        Decision ban = engine.evaluate(login(banned, "victim9")).decision();
        assertThat(ban.reason()).as("banned by its address").isEqualTo("too-many-failures");
        for (int i = 2; i < 4; i++) {
            assertThat(engine.evaluate(login("2001:db8:1:" + i + "::1", "other" + i))
                            .decision()
                            .isAllow())
                    .as("another address of the /48, in flight")
                    .isTrue();
        }

        Decision again = engine.evaluate(login(banned, "victim9")).decision();

        assertThat(again.reason()).as("still its ban").isEqualTo("too-many-failures");
        assertThat(again.retryAfter()).as("the ban's time, not a second").isGreaterThan(Duration.ofSeconds(1));
    }

    /**
     * review128 F3: a request refused a route place was told "the ban of the first rule of the route whose key is
     * banned" whatever that rule's action: the ban of a rule that only logs (an operator's trial rule beside the real
     * one) replaced the enforced place refusal, and the request, passed on, reached the application past the places
     * every other new client of its /48 is refused by.
     */
    @Test
    void aBanOfALogOnlyRuleDoesNotLiftThePlaceRefusal() {
        AbuseGuard engine = engine(Action.LOG);
        String logBanned = "2001:db8:1:1::1";
        for (int i = 0; i < 3; i++) {
            exchange(engine, login(logBanned, "victim" + i), 401);
        }
        for (int i = 2; i < 4; i++) {
            assertThat(engine.evaluate(login("2001:db8:1:" + i + "::1", "other" + i))
                            .decision()
                            .isAllow())
                    .as("another address of the /48, in flight")
                    .isTrue();
        }
        Decision newcomer = engine.evaluate(login("2001:db8:1:9::1", "fresh")).decision();
        assertThat(newcomer.reason())
                .as("a new client of the /48 while its places are taken")
                .isEqualTo("too-many-unknown-in-flight");

        Decision banned = engine.evaluate(login(logBanned, "victim9")).decision();

        assertThat(banned.isDeny() && !banned.action().passesRequestOn())
                .as(
                        "the log-only rule's ban lets the request on, past the places every newcomer is refused by: %s",
                        banned)
                .isTrue();
    }
}
