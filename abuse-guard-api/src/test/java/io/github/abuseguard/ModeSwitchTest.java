package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Switching a guard or one of its rules between monitor and enforce while the engine runs. */
class ModeSwitchTest {

    /** Denies /a under rule "a" and /b under rule "b". */
    private static final Guard TWO_RULES = new Guard() {
        @Override
        public String name() {
            return "trap";
        }

        @Override
        public Decision check(GuardRequest request) {
            String rule = request.path().substring(1);
            return Decision.deny(Action.REJECT)
                    .guard("trap")
                    .rule(rule)
                    .reason("caught")
                    .build();
        }
    };

    private static boolean denied(AbuseGuard engine, String path) {
        return engine.evaluate(GuardRequest.builder("GET", path).build()).isDenied();
    }

    @Test
    void aRuleSwitchedToEnforceRefusesWhileTheRestOfItsMonitoredGuardOnlyReports() {
        List<GuardEvent.Kind> kinds = new ArrayList<>();
        AbuseGuard engine = AbuseGuard.builder()
                .guard(TWO_RULES, Mode.MONITOR)
                .listener(new GuardListener() {
                    @Override
                    public void onEvent(GuardEvent event) {
                        kinds.add(event.kind());
                    }
                })
                .build();
        assertThat(denied(engine, "/a")).isFalse();

        engine.switchMode("trap", "a", Mode.ENFORCE);

        assertThat(denied(engine, "/a")).isTrue();
        assertThat(denied(engine, "/b")).isFalse();
        assertThat(kinds).containsExactly(GuardEvent.Kind.WOULD_DENY, GuardEvent.Kind.DENY, GuardEvent.Kind.WOULD_DENY);
        assertThat(engine.switchedModes()).containsExactly(java.util.Map.entry("trap/a", Mode.ENFORCE));
        assertThat(engine.modeOf(TWO_RULES)).isEqualTo(Mode.MONITOR);
    }

    /**
     * user68 F1: the cross-site check is switched live by its name, as a guard is; a guard of one's own cannot take
     * that name (its switch would switch the check too), and a name no guard has is answered with the names there are.
     */
    @Test
    void theCrossSiteCheckIsSwitchedByItsNameWhichNoGuardMayTake() {
        AbuseGuard engine = AbuseGuard.builder().guard(TWO_RULES).build();
        assertThat(engine.crossSiteMode()).isEqualTo(Mode.ENFORCE);

        engine.switchMode(CrossSiteRequests.NAME, null, Mode.MONITOR);

        assertThat(engine.crossSiteMode()).isEqualTo(Mode.MONITOR);
        assertThat(engine.modeOf(TWO_RULES)).as("no guard switched with it").isEqualTo(Mode.ENFORCE);
        engine.clearMode(CrossSiteRequests.NAME, null);
        assertThat(engine.crossSiteMode()).isEqualTo(Mode.ENFORCE);
        assertThatThrownBy(() -> engine.switchMode("email", null, Mode.MONITOR))
                .hasMessage("no guard named 'email'; the guards: trap, cross-site");

        Guard namedLikeTheCheck = new Guard() {
            @Override
            public String name() {
                return CrossSiteRequests.NAME;
            }

            @Override
            public Decision check(GuardRequest request) {
                return Decision.allow();
            }
        };
        assertThatThrownBy(() -> AbuseGuard.builder().guard(namedLikeTheCheck))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cross-site check's name");
        AbuseGuard unchecked = AbuseGuard.builder()
                .guard(TWO_RULES)
                .crossSiteRequests(CrossSiteRequests.allowed())
                .build();
        assertThat(unchecked.checksCrossSiteRequests()).isFalse();
        assertThatThrownBy(() -> unchecked.switchMode(CrossSiteRequests.NAME, null, Mode.MONITOR))
                .as("no check to switch")
                .hasMessage("no guard named 'cross-site'; the guards: trap");
    }

    @Test
    void aGuardSwitchedToMonitorStopsRefusingAndComesBackWhenCleared() {
        AbuseGuard engine = AbuseGuard.builder().guard(TWO_RULES).build();

        engine.switchMode("trap", null, Mode.MONITOR);

        assertThat(denied(engine, "/a")).isFalse();
        assertThat(engine.modeOf(TWO_RULES)).isEqualTo(Mode.MONITOR);
        engine.clearMode("trap", null);
        assertThat(denied(engine, "/a")).isTrue();
        assertThat(engine.switchedModes()).isEmpty();
    }

    @Test
    void aRuleModeWinsOverItsGuardModeButTheEngineWideMonitorWinsOverBoth() {
        AbuseGuard engine = AbuseGuard.builder().guard(TWO_RULES).build();
        engine.switchMode("trap", null, Mode.MONITOR);
        engine.switchMode("trap", "b", Mode.ENFORCE);

        assertThat(denied(engine, "/a")).isFalse();
        assertThat(denied(engine, "/b")).isTrue();

        AbuseGuard monitoring =
                AbuseGuard.builder().guard(TWO_RULES).mode(Mode.MONITOR).build();
        monitoring.switchMode("trap", "b", Mode.ENFORCE);
        assertThat(denied(monitoring, "/b")).isFalse();
    }

    @Test
    void switchingAGuardTheEngineDoesNotHaveIsRefused() {
        AbuseGuard engine = AbuseGuard.builder().guard(TWO_RULES).build();

        assertThatThrownBy(() -> engine.switchMode("nope", null, Mode.ENFORCE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope");
        assertThat(engine.switchedModes()).isEmpty();
    }

    /** A guard that hears which of its rules are monitored, as the failure and rate-limit guards do. */
    private static final class HearsModes implements Guard {
        private volatile java.util.function.Predicate<String> monitored = rule -> false;

        @Override
        public String name() {
            return "hears-modes";
        }

        @Override
        public Decision check(GuardRequest request) {
            return monitored.test("a") ? Decision.allow() : TWO_RULES.check(request);
        }

        @Override
        public void monitoredRules(java.util.function.Predicate<String> monitored) {
            this.monitored = monitored;
        }
    }

    @Test
    void aGuardThatHearsItsRulesModesServesOneOpenEngineAtATime() {
        HearsModes guard = new HearsModes();
        AbuseGuard first = AbuseGuard.builder().guard(guard).build();
        first.switchMode("hears-modes", "a", Mode.MONITOR);

        assertThatThrownBy(() -> AbuseGuard.builder().guard(guard).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'hears-modes'")
                .hasMessageContaining("another engine that is not closed");
        assertThat(denied(first, "/a"))
                .as("the first engine's modes still rule the guard")
                .isFalse();

        first.close();
        AbuseGuard second = AbuseGuard.builder().guard(guard).build();
        assertThat(denied(second, "/a")).as("the second engine's modes now").isTrue();
        assertThat(AbuseGuard.builder().guard(TWO_RULES).build().modeOf(TWO_RULES))
                .as("a guard that hears no modes may serve several engines")
                .isEqualTo(Mode.ENFORCE);
    }

    @Test
    void anEngineThatFailsToBuildLeavesItsGuardsFreeForTheNextEngine() {
        HearsModes first = new HearsModes();
        boolean[] failing = {true};
        Guard refusesModesOnce = new Guard() {
            @Override
            public String name() {
                return "refuses-modes-once";
            }

            @Override
            public Decision check(GuardRequest request) {
                return Decision.allow();
            }

            @Override
            public void monitoredRules(java.util.function.Predicate<String> monitored) {
                if (failing[0]) {
                    throw new IllegalArgumentException("not ready");
                }
            }
        };
        assertThatThrownBy(() -> AbuseGuard.builder()
                        .guard(first)
                        .guard(refusesModesOnce)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not ready");

        failing[0] = false;
        AbuseGuard retried =
                AbuseGuard.builder().guard(first).guard(refusesModesOnce).build();
        assertThat(denied(retried, "/a"))
                .as("the retried engine holds the guard")
                .isTrue();
    }
}
