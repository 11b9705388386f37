package io.github.abuseguard.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardEvent;
import io.github.abuseguard.GuardListener;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.KeyResolver;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.sequence.SequenceGuard;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import io.github.abuseguard.volume.DistinctRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A rule keyed {@code global}: one bucket for every client, charged only by requests that every per-client
 * rule lets through, so that one client cannot spend the cap alone.
 */
class GlobalCapTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    private RateLimitGuard guard(RateLimitRule... rules) {
        RateLimitGuard.Builder builder = RateLimitGuard.builder()
                .store(LocalStateStore.builder().timeSource(clock).build());
        for (RateLimitRule rule : rules) {
            builder.rule(rule);
        }
        return builder.build();
    }

    private static RateLimitRule siteWide(long capacity, Duration period) {
        return RateLimitRule.builder("signup-site")
                .path("/api/signup")
                .key("global")
                .limit(Limit.of(capacity, period))
                .build();
    }

    private static RateLimitRule perAddress(long capacity, Duration period) {
        return RateLimitRule.builder("signup-per-ip")
                .path("/api/signup")
                .limit(Limit.of(capacity, period))
                .build();
    }

    private static GuardRequest signUp(String address) {
        return GuardRequest.builder("POST", "/api/signup").client(address).build();
    }

    /** The n-th of many addresses, each a /24 of its own. */
    private static String address(int n) {
        return "10." + (n / 256) % 256 + "." + n % 256 + ".7";
    }

    private static RateLimitRule perAddressTarpit(long capacity) {
        return RateLimitRule.builder("signup-per-ip")
                .path("/api/signup")
                .action(Action.TARPIT)
                .limit(Limit.of(capacity, Duration.ofHours(1)))
                .build();
    }

    /**
     * review14 F7: a per-client rule that tarpits passes the request on after the delay ({@code then: pass})
     * or at once from a full tarpit, so the cap counts it as a request that goes on: ten requests of one
     * address over its own limit of one spend the cap, and the cap refuses when it is spent.
     */
    @Test
    void requestsAPerClientTarpitMayPassOnSpendTheCap() {
        RateLimitGuard guard = guard(siteWide(3, Duration.ofHours(1)), perAddressTarpit(1));
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Decision decision = guard.check(signUp("203.0.113.5"));
            answers.add(decision.isAllow() ? "allow" : decision.action() + ":" + decision.rule());
        }
        assertThat(answers.subList(0, 3)).containsExactly("allow", "TARPIT:signup-per-ip", "TARPIT:signup-per-ip");
        assertThat(answers.subList(3, 10)).containsOnly("THROTTLE:signup-site");
        for (int n = 1; n <= 5; n++) {
            assertThat(guard.check(signUp("198.51.100." + n)).isAllow())
                    .as("three requests went on: the cap of three is spent")
                    .isFalse();
        }
    }

    /** A tarpit that refuses in the end ({@code then: reject}) has its request cancelled: the cap is given back. */
    @Test
    void aTarpittedRequestRefusedInTheEndGivesTheCapBack() {
        RateLimitGuard guard = guard(siteWide(3, Duration.ofHours(1)), perAddressTarpit(1));
        assertThat(guard.check(signUp("203.0.113.5")).isAllow()).isTrue();
        GuardRequest held = signUp("203.0.113.5");
        assertThat(guard.check(held).action()).isEqualTo(Action.TARPIT);
        guard.cancel(held); // the tarpit refused it after the delay
        assertThat(guard.check(signUp("198.51.100.1")).isAllow()).isTrue();
        assertThat(guard.check(signUp("198.51.100.2")).isAllow())
                .as("the refused request's cap token came back")
                .isTrue();
        assertThat(guard.check(signUp("198.51.100.3")).isAllow()).isFalse();
        Decision again = guard.check(signUp("203.0.113.5"));
        assertThat(again.action() + ":" + again.rule())
                .as("over its own limit, and the cap spent: the cap's refusal answers, not the tarpit")
                .isEqualTo("THROTTLE:signup-site");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(
            value = io.github.abuseguard.Action.class,
            names = {"DECOY", "TARPIT"})
    void aCapThatWouldNotRefuseIsRefusedWhenBuilt(io.github.abuseguard.Action action) {
        // review14: a spent cap that decoys answers every customer with a fake success, and one that tarpits
        // passes requests on (then: pass, or a full tarpit) after giving back their per-client tokens
        RateLimitRule.Builder cap = RateLimitRule.builder("signup-site")
                .path("/api/signup")
                .key("global")
                .action(action)
                .limit(Limit.of(100, Duration.ofMinutes(1)));
        org.assertj.core.api.Assertions.assertThatIllegalStateException()
                .isThrownBy(cap::build)
                .withMessageContaining("'signup-site' is keyed global")
                .withMessageContaining(action.name().toLowerCase(java.util.Locale.ROOT));
    }

    @Test
    void aGlobalKeyCountsEveryClientAgainstOneBucket() {
        RateLimitGuard guard = guard(siteWide(3, Duration.ofMinutes(1)));

        for (int n = 0; n < 3; n++) {
            assertThat(guard.check(signUp(address(n))).isAllow()).isTrue();
        }
        Decision refused = guard.check(signUp(address(3)));

        assertThat(refused.isDeny()).isTrue();
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.action()).isEqualTo(Action.THROTTLE);
        assertThat(refused.rule()).isEqualTo("signup-site");
        assertThat(refused.reason()).isEqualTo(RateLimitGuard.CAPACITY_REACHED);
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(20)); // one token per 20 s
        assertThat(guard.trackedKeys("signup-site")).isOne();
    }

    @Test
    void aGlobalRuleTellsNoClientWhatIsLeftOfTheCap() {
        RateLimitGuard guard = guard(siteWide(3, Duration.ofMinutes(1)), perAddress(5, Duration.ofMinutes(10)));

        Decision allowed = guard.check(signUp("203.0.113.7"));
        assertThat(allowed.isAllow()).isTrue();
        assertThat(allowed.rateLimits())
                .as("the per-address quota only")
                .extracting(status -> status.policy())
                .containsExactly("signup-per-ip");

        guard.check(signUp(address(1)));
        guard.check(signUp(address(2)));
        Decision refused = guard.check(signUp(address(3)));
        assertThat(refused.reason()).isEqualTo(RateLimitGuard.CAPACITY_REACHED);
        assertThat(refused.rateLimits()).isEmpty();
        assertThat(refused.detail()).doesNotContain("3 requests");
    }

    @Test
    void oneAddressHammeringTheRouteLeavesTheGlobalCapToTheOthers() {
        // The cap is added first: the guard still charges it only after the per-address rule.
        RateLimitGuard guard = guard(siteWide(100, Duration.ofMinutes(1)), perAddress(5, Duration.ofMinutes(10)));

        int attackerThrough = 0;
        for (int i = 0; i < 1_000; i++) {
            Decision decision = guard.check(signUp("203.0.113.66"));
            if (decision.isAllow()) {
                attackerThrough++;
            } else {
                assertThat(decision.rule()).isEqualTo("signup-per-ip");
            }
        }
        assertThat(attackerThrough).isEqualTo(5);

        for (int n = 0; n < 95; n++) {
            assertThat(guard.check(signUp(address(n))).isAllow())
                    .as("honest sign-up %d", n)
                    .isTrue();
        }
        assertThat(guard.check(signUp(address(95))).reason())
                .as("the cap, reached by 100 sign-ups that got through")
                .isEqualTo(RateLimitGuard.CAPACITY_REACHED);
    }

    @Test
    void aRequestTheCapRefusesGivesBackThePerAddressTokensItTook() {
        RateLimitGuard guard = guard(perAddress(2, Duration.ofHours(1)), siteWide(1, Duration.ofMinutes(1)));
        assertThat(guard.check(signUp(address(0))).isAllow()).isTrue();

        for (int i = 0; i < 5; i++) {
            assertThat(guard.check(signUp("198.51.100.9")).reason()).isEqualTo(RateLimitGuard.CAPACITY_REACHED);
        }
        clock.advance(Duration.ofMinutes(1));

        Decision later = guard.check(signUp("198.51.100.9"));
        assertThat(later.isAllow())
                .as("refused by everyone's traffic, the client kept its own quota")
                .isTrue();
        assertThat(later.rateLimits().get(0).remaining()).isOne();
    }

    @Test
    void aRequestRefusedByOneCapSpendsNothingOfAnotherCap() {
        RateLimitRule daily = RateLimitRule.builder("signup-daily")
                .path("/api/signup")
                .key("global")
                .limit(Limit.of(2, Duration.ofHours(10)))
                .build();
        RateLimitRule hourly = RateLimitRule.builder("signup-hourly")
                .path("/api/signup")
                .key("global")
                .limit(Limit.of(1, Duration.ofHours(1)))
                .build();
        RateLimitGuard guard = guard(daily, hourly);

        assertThat(guard.check(signUp(address(0))).isAllow()).isTrue();
        for (int n = 1; n < 10; n++) {
            assertThat(guard.check(signUp(address(n))).rule()).isEqualTo("signup-hourly");
        }
        clock.advance(Duration.ofHours(1));

        assertThat(guard.check(signUp(address(20))).isAllow())
                .as("the slower cap lost nothing to the nine refused")
                .isTrue();
    }

    @Test
    void aRequestAnEarlierGuardRefusedOnEvidenceSpendsTheClientsQuotaButNotTheCap() {
        RateLimitGuard guard = guard(perAddress(5, Duration.ofHours(1)), siteWide(3, Duration.ofHours(1)));

        for (int i = 0; i < 10; i++) {
            guard.charge(signUp("203.0.113.66"));
        }
        assertThat(guard.check(signUp("203.0.113.66")).rule())
                .as("its own quota is spent")
                .isEqualTo("signup-per-ip");
        for (int n = 0; n < 3; n++) {
            assertThat(guard.check(signUp(address(n))).isAllow()).isTrue();
        }
        assertThat(guard.check(signUp(address(3))).reason()).isEqualTo(RateLimitGuard.CAPACITY_REACHED);
    }

    @Test
    void aRequestALaterGuardRefusesGivesItsTokenBackToTheCap() {
        RateLimitGuard limit = guard(siteWide(2, Duration.ofHours(1)));
        Guard refuseMarked = new Guard() {
            @Override
            public String name() {
                return "later";
            }

            @Override
            public Decision check(GuardRequest request) {
                return request.header("X-Refuse") == null
                        ? Decision.allow()
                        : Decision.deny(Action.REJECT)
                                .guard("later")
                                .reason("refused")
                                .status(403)
                                .build();
            }
        };
        AbuseGuard engine =
                AbuseGuard.builder().guard(limit).guard(refuseMarked).build();

        for (int i = 0; i < 10; i++) {
            GuardRequest refused = GuardRequest.builder("POST", "/api/signup")
                    .client("203.0.113.66")
                    .header("X-Refuse", "1")
                    .build();
            assertThat(engine.evaluate(refused).decision().reason()).isEqualTo("refused");
        }

        assertThat(engine.evaluate(signUp(address(0))).isDenied()).isFalse();
        assertThat(engine.evaluate(signUp(address(1))).isDenied()).isFalse();
        assertThat(engine.evaluate(signUp(address(2))).decision().reason()).isEqualTo(RateLimitGuard.CAPACITY_REACHED);
    }

    @Test
    void theEventOfACapRefusalNamesTheRuleAndTheRealClient() {
        RateLimitGuard limit = guard(siteWide(1, Duration.ofHours(1)));
        List<GuardEvent> events = new ArrayList<>();
        AbuseGuard engine = AbuseGuard.builder()
                .guard(limit)
                .listener(new GuardListener() {
                    @Override
                    public void onEvent(GuardEvent event) {
                        events.add(event);
                    }
                })
                .build();

        engine.evaluate(signUp(address(0)));
        engine.evaluate(signUp("198.51.100.9"));

        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.kind()).isEqualTo(GuardEvent.Kind.DENY);
            assertThat(event.decision().rule()).isEqualTo("signup-site");
            assertThat(event.request().client().key()).isEqualTo("198.51.100.9");
        });
    }

    @Test
    void globalIsSpelledAloneAndTellsItself() {
        assertThat(KeyResolver.parse("global").isGlobal()).isTrue();
        assertThat(KeyResolver.parse(" Global ").isGlobal()).isTrue();
        assertThat(KeyResolver.parse("ip").isGlobal()).isFalse();
        assertThat(KeyResolver.parse("global").resolve(signUp("203.0.113.7"))).isEqualTo(KeyResolver.GLOBAL_KEY);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> KeyResolver.parse("ip+global"))
                .withMessageContaining("stands alone");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> KeyResolver.parse("global:signup"))
                .withMessageContaining("stands alone");
    }

    @Test
    void rulesThatWouldRefuseEveryClientForOnesDoingRefuseTheGlobalKey() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> FailureRule.builder("login").key("global"))
                .withMessageContaining("failure rule 'login'")
                .withMessageContaining("only a rate-limit rule");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> FailureRule.builder("login").key(KeyResolver.global(), "everyone"))
                .withMessageContaining("only a rate-limit rule");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> FailureRule.builder("login").distinct("global"))
                .withMessageContaining("nothing distinct");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DistinctRule.builder("cards").key("global"))
                .withMessageContaining("volume rule 'cards'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SequenceGuard.builder().session(KeyResolver.global()))
                .withMessageContaining("one trail");
        assertThat(RateLimitRule.builder("cap").key("global")).isNotNull();
    }
}
