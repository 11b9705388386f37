package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.email.EmailRule;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * On a route where some guards read the body, the guards that need none are asked first; an exemption by a
 * guard that reads it must still mean what it means in the guards' order: the guards after it say nothing,
 * those before it keep their answers (review39 F2, F3).
 */
class ExemptionOutOfOrderTest {

    private static GuardRequest signUp() {
        return GuardRequest.builder("POST", "/api/accounts")
                .route("/api/accounts")
                .client("203.0.113.40")
                .body("application/json", "{\"email\":\"ops@example.com\"}")
                .build();
    }

    /** A guard that needs no body, answering {@code decision}. */
    private static Guard bodyFree(String name, Decision decision) {
        return new FixedAnswer(name, decision);
    }

    /** A guard whose rule reads the body, answering {@code decision} once it has. */
    private static final class ReadsBody extends RuleGuard<EmailRule> {
        private final Decision decision;

        ReadsBody(String name, Decision decision) {
            super(name, List.of(EmailRule.builder(name).path("/api/accounts").build()));
            this.decision = decision;
        }

        @Override
        protected boolean readsBody(EmailRule rule) {
            return true;
        }

        @Override
        public Decision check(GuardRequest request) {
            request.bodyField("/email");
            return decision;
        }
    }

    @Test
    void aFlagOfAGuardAfterTheExemptionDoesNotRefuseTheExemptRequest() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(new ReadsBody("exempting", Decision.exempt()))
                .guard(bodyFree("flagging", Decision.flag("flagging", "odd", 100)))
                .riskThreshold(100)
                .build();
        Evaluation evaluation = engine.evaluate(signUp());
        assertThat(evaluation.isDenied()).isFalse();
        assertThat(evaluation.riskScore()).isZero();
        assertThat(evaluation.signals()).isEmpty();
    }

    @Test
    void aFlagOfAGuardBeforeTheExemptionStillCounts() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(bodyFree("flagging", Decision.flag("flagging", "odd", 100)))
                .guard(new ReadsBody("exempting", Decision.exempt()))
                .riskThreshold(100)
                .build();
        Evaluation evaluation = engine.evaluate(signUp());
        assertThat(evaluation.decision().guard()).isEqualTo("risk");
    }

    /** A tarpit or a tag of a guard before the exempter in the guards' order stands; one after it is dropped. */
    @ParameterizedTest
    @EnumSource(
            value = Action.class,
            names = {"TARPIT", "TAG"})
    void anAnswerBeforeTheExemptionIsKeptAndOneAfterItDropped(Action action) {
        Decision before = Decision.deny(action).guard("before").reason("odd").build();
        Decision after = Decision.deny(action).guard("after").reason("odd").build();
        AbuseGuard engine = AbuseGuard.builder()
                .guard(new ReadsBody("before", before))
                .guard(new ReadsBody("exempting", Decision.exempt()))
                .guard(bodyFree("after", after))
                .build();
        Evaluation evaluation = engine.evaluate(signUp());
        assertThat(evaluation.decision().action()).isEqualTo(action);
        assertThat(evaluation.decision().guard()).isEqualTo("before");
        assertThat(evaluation.signals()).doesNotContain(after);
    }

    /** Without an exemption, the answer passed on is the first in the guards' order, not the first asked. */
    @Test
    void ofTwoTagsTheFirstInTheGuardsOrderIsTheAnswer() {
        Decision first = Decision.deny(Action.TAG).guard("first").reason("odd").build();
        Decision second =
                Decision.deny(Action.TAG).guard("second").reason("odd").build();
        AbuseGuard engine = AbuseGuard.builder()
                .guard(new ReadsBody("first", first))
                .guard(bodyFree("second", second))
                .build();
        assertThat(engine.evaluate(signUp()).decision().guard()).isEqualTo("first");
    }
}
