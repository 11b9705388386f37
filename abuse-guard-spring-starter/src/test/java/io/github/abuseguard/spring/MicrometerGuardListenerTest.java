package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class MicrometerGuardListenerTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();

    /** Denies requests to {@code /admin}, allows the rest. */
    private final Guard adminOnly = new Guard() {
        @Override
        public String name() {
            return "admin-only";
        }

        @Override
        public Decision check(GuardRequest request) {
            return request.path().startsWith("/admin")
                    ? Decision.deny(Action.REJECT).guard(name()).reason("no").build()
                    : request.path().startsWith("/login")
                            ? Decision.deny(Action.THROTTLE)
                                    .guard(name())
                                    .rule(request.path().endsWith("/sso") ? "sso-login" : "login")
                                    .reason("rate-limited")
                                    .build()
                            : Decision.allow();
        }
    };

    private final AbuseGuard engine = AbuseGuard.builder()
            .guard(adminOnly)
            .listener(new MicrometerGuardListener(registry))
            .build();

    private double allowed(String route) {
        return registry.get(MicrometerGuardListener.DECISIONS)
                .tag("outcome", "allow")
                .tag("route", route)
                .counter()
                .count();
    }

    @Test
    void allowedRequestsAreCountedPerRouteTemplateOrUnmatched() {
        for (int i = 0; i < 3; i++) {
            engine.evaluate(GuardRequest.builder("GET", "/games/" + i)
                    .route("/games/{id}")
                    .build());
        }
        engine.evaluate(GuardRequest.builder("GET", "/other").build());
        engine.evaluate(GuardRequest.builder("GET", "/admin").route("/admin").build());

        assertThat(allowed("/games/{id}")).isEqualTo(3);
        assertThat(allowed("UNMATCHED")).isEqualTo(1);
        assertThat(registry.get(MicrometerGuardListener.DECISIONS)
                        .tag("outcome", "deny")
                        .tag("guard", "admin-only")
                        .tag("action", "reject")
                        .tag("route", "/admin")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.find(MicrometerGuardListener.DECISIONS)
                        .tag("outcome", "allow")
                        .tag("route", "/admin")
                        .counter())
                .isNull();
    }

    /** user65 F7: which rule refused is a tag, so a dashboard tells the login rule's denials from the search rule's. */
    @Test
    void denialsAreCountedPerRuleAndEverySeriesHasTheRuleTag() {
        for (int i = 0; i < 2; i++) {
            engine.evaluate(
                    GuardRequest.builder("POST", "/login").route("/login").build());
        }
        engine.evaluate(
                GuardRequest.builder("POST", "/login/sso").route("/login/sso").build());
        engine.evaluate(GuardRequest.builder("GET", "/admin").route("/admin").build());
        engine.evaluate(
                GuardRequest.builder("GET", "/games/1").route("/games/{id}").build());

        assertThat(registry.get(MicrometerGuardListener.DECISIONS)
                        .tag("outcome", "deny")
                        .tag("rule", "login")
                        .counter()
                        .count())
                .isEqualTo(2);
        assertThat(registry.get(MicrometerGuardListener.DECISIONS)
                        .tag("outcome", "deny")
                        .tag("rule", "sso-login")
                        .tag("route", "/login/sso")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get(MicrometerGuardListener.DECISIONS)
                        .tag("guard", "admin-only")
                        .tag("rule", "none")
                        .tag("route", "/admin")
                        .counter()
                        .count())
                .isEqualTo(1);
        // Prometheus refuses a name whose series differ in their tag keys: every series carries the same five.
        assertThat(registry.find(MicrometerGuardListener.DECISIONS).counters())
                .hasSize(4)
                .allSatisfy(counter -> assertThat(counter.getId().getTags())
                        .extracting(io.micrometer.core.instrument.Tag::getKey)
                        .containsExactlyInAnyOrder("guard", "rule", "outcome", "action", "route"));
    }
}
