package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.email.EmailRule;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A rule name derived from a handler is always one every rule builder accepts, however the handler is named. */
class DerivedRuleNameTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "customer-onboarding-registration-controller.registerWithEmailAndPasswordAndConsent",
                "account-controller.register$app_main",
                "_private-controller.sign",
                ".anonymous.m",
                "über-controller.anmelden",
                "x"
            })
    void aDerivedNameIsAValidRuleName(String raw) {
        String name = HandlerRoute.ruleName(raw);
        assertThat(name).hasSizeLessThanOrEqualTo(HandlerRoute.MAX_BASE_NAME);
        assertThat(EmailRule.builder(name).path("/signup").build().name()).isEqualTo(name);
    }

    @org.junit.jupiter.api.Test
    void twoLongHandlerNamesWithTheSameStartStayApart() {
        String start = "customer-onboarding-registration-controller.registerWithEmailAnd";
        assertThat(HandlerRoute.ruleName(start + "Password")).isNotEqualTo(HandlerRoute.ruleName(start + "Passkey"));
        assertThat(HandlerRoute.ruleName("account-controller.signUp")).isEqualTo("account-controller.signUp");
    }
}
