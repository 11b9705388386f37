package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.config.InvalidSettingException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * cfg36: a sequence rule that names a step no route of the application serves is a start-up error, naming the
 * rule's property (or the annotation), the step and what is served; a request to a route is recorded under the
 * route's own method and template, so a misspelt {@code requires} refused every session and a misspelt
 * {@code forbids} never refused one. A step another service records is declared in
 * {@code abuse-guard.sequence.external-operations}.
 */
class UnservedSequenceStepsTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class, AbuseGuardAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL));

    @RestController
    static class Accounts {
        @PostMapping("/api/accounts/{id}/verify")
        String verify(@PathVariable("id") String id) {
            return id;
        }

        @PostMapping("/api/accounts/{id}/payment-methods")
        String pay(@PathVariable("id") String id) {
            return id;
        }

        @GetMapping("/api/cart")
        String cart() {
            return "";
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class AccountsApp {
        @Bean
        Accounts accounts() {
            return new Accounts();
        }
    }

    @RestController
    static class MisspeltPrior {
        @io.github.abuseguard.spring.annotation.RequiresPrior("POST /api/acounts/{id}/verify")
        @PostMapping("/api/accounts/{id}/payment-methods")
        String pay(@PathVariable("id") String id) {
            return id;
        }

        @PostMapping("/api/accounts/{id}/verify")
        String verify(@PathVariable("id") String id) {
            return id;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class MisspeltPriorApp {
        @Bean
        MisspeltPrior misspeltPrior() {
            return new MisspeltPrior();
        }
    }

    @RestController
    static class Prior {
        @io.github.abuseguard.spring.annotation.RequiresPrior("POST /api/accounts/{id}/verify")
        @PostMapping("/api/accounts/{id}/payment-methods")
        String pay(@PathVariable("id") String id) {
            return id;
        }

        @PostMapping("/api/accounts/{id}/verify")
        String verify(@PathVariable("id") String id) {
            return id;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PriorApp {
        @Bean
        Prior prior() {
            return new Prior();
        }
    }

    @RestController
    static class Versioned {
        @PostMapping({"/redeem", "/v1/redeem"})
        String redeem() {
            return "";
        }

        @PostMapping("/card")
        String card() {
            return "";
        }

        @PostMapping("/verify")
        String verify() {
            return "";
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class VersionedApp {
        @Bean
        Versioned versioned() {
            return new Versioned();
        }
    }

    /**
     * probe47a F1: a handler mapped to two paths is two operations, and a rule naming one let the other replay a
     * once-only step (and skip a {@code requires}), silently. Start-up fails naming the other path.
     */
    @Test
    void aRuleNamingOnePathOfAHandlerMappedToSeveralFailsStartUpNamingTheOthers() {
        runner.withUserConfiguration(VersionedApp.class)
                .withPropertyValues(rule("forbids", "POST /redeem", "POST /redeem"))
                .run(context -> {
                    assertThat(context).hasFailed();
                    InvalidSettingException error = cause(context.getStartupFailure(), InvalidSettingException.class);
                    assertThat(error.property()).isEqualTo("abuse-guard.sequence.rules.pay.operation");
                    assertThat(error.getMessage()).contains("also serves POST /v1/redeem");
                });
        runner.withUserConfiguration(VersionedApp.class)
                .withPropertyValues(rule("forbids", "POST /card", "POST /redeem"))
                .run(context -> {
                    assertThat(context).hasFailed();
                    InvalidSettingException error = cause(context.getStartupFailure(), InvalidSettingException.class);
                    assertThat(error.property()).isEqualTo("abuse-guard.sequence.rules.pay.forbids");
                });
        runner.withUserConfiguration(VersionedApp.class)
                .withPropertyValues(rule("requires", "POST /card", "POST /verify"))
                .run(context -> assertThat(context).hasNotFailed());
    }

    private static String[] rule(String kind, String operation, String prior) {
        return new String[] {
            "abuse-guard.sequence.rules.pay.operation=" + operation,
            "abuse-guard.sequence.rules.pay." + kind + "=" + prior
        };
    }

    @Test
    void aRequiresRuleNamingAMisspeltStepFailsStartUpNamingItsPropertyAndTheClosestServedStep() {
        runner.withUserConfiguration(AccountsApp.class)
                .withPropertyValues(
                        rule("requires", "POST /api/accounts/{id}/payment-methods", "POST /api/acounts/{id}/verify"))
                .run(context -> {
                    assertThat(context).hasFailed();
                    InvalidSettingException error = cause(context.getStartupFailure(), InvalidSettingException.class);
                    assertThat(error.property()).isEqualTo("abuse-guard.sequence.rules.pay.requires");
                    assertThat(error.getMessage())
                            .contains("names 'POST /api/acounts/{id}/verify', which no route of the application serves")
                            .contains("the rule would refuse every session")
                            .contains("Did you mean 'POST /api/accounts/{id}/verify'?")
                            .contains("Served: POST /api/accounts/{id}/payment-methods, POST /api/accounts/{id}/verify,"
                                    + " GET /api/cart")
                            .contains("abuse-guard.sequence.external-operations");
                });
    }

    @Test
    void aVariableSpeltOtherwiseThanTheRouteFailsStartUpNamingTheRoutesSpelling() {
        runner.withUserConfiguration(AccountsApp.class)
                .withPropertyValues(rule(
                        "forbids", "POST /api/accounts/{id}/payment-methods", "POST /api/accounts/{accountId}/verify"))
                .run(context -> {
                    InvalidSettingException error = cause(context.getStartupFailure(), InvalidSettingException.class);
                    assertThat(error.property()).isEqualTo("abuse-guard.sequence.rules.pay.forbids");
                    assertThat(error.getMessage())
                            .contains("the rule would never refuse")
                            .contains("Did you mean 'POST /api/accounts/{id}/verify'?");
                });
    }

    @Test
    void aGuardedOperationInAMethodItsRouteDoesNotTakeFailsStartUpNamingOperation() {
        runner.withUserConfiguration(AccountsApp.class)
                .withPropertyValues(rule("requires", "PUT /api/accounts/{id}/payment-methods", "GET /api/cart"))
                .run(context -> {
                    InvalidSettingException error = cause(context.getStartupFailure(), InvalidSettingException.class);
                    assertThat(error.property()).isEqualTo("abuse-guard.sequence.rules.pay.operation");
                    assertThat(error.getMessage())
                            .contains("the rule never applies")
                            .contains("Did you mean 'POST /api/accounts/{id}/payment-methods'?");
                });
    }

    /**
     * review17 F2: under {@code spring.mvc.servlet.path=/v1} the guard sees and records {@code /v1/api/...}; the
     * working rule naming {@code /v1/...} failed start-up, and the spelling it suggested never matched.
     */
    @Test
    void underAServletPathTheStepsAreTheHandlersPatternsUnderIt() {
        runner.withUserConfiguration(AccountsApp.class)
                .withPropertyValues(rule("requires", "POST /v1/api/accounts/{id}/payment-methods", "GET /v1/api/cart"))
                .withPropertyValues("spring.mvc.servlet.path=/v1")
                .run(context -> assertThat(context).hasNotFailed().hasBean("abuse-guard.sequence"));
        runner.withUserConfiguration(AccountsApp.class)
                .withPropertyValues(rule("requires", "POST /api/accounts/{id}/payment-methods", "GET /api/cart"))
                .withPropertyValues("spring.mvc.servlet.path=/v1/")
                .run(context -> {
                    InvalidSettingException error = cause(context.getStartupFailure(), InvalidSettingException.class);
                    assertThat(error.getMessage())
                            .contains("Did you mean 'POST /v1/api/accounts/{id}/payment-methods'?");
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class LegacyMappingApp {
        @Bean
        org.springframework.web.servlet.HandlerMapping legacyMapping() {
            return request -> null; // serves /legacy/* in an application; its routes cannot be listed
        }
    }

    /**
     * review17 F4: a step served by a handler mapping whose routes cannot be listed failed start-up; the guard
     * records it (the rule's template is kept), so nothing is checked where the routes cannot all be listed.
     */
    @Test
    void aStepAnUnlistableHandlerMappingMayServeIsNotRefused() {
        runner.withUserConfiguration(AccountsApp.class, LegacyMappingApp.class)
                .withPropertyValues(rule("requires", "POST /api/accounts/{id}/payment-methods", "GET /legacy/{id}"))
                .run(context -> assertThat(context).hasNotFailed().hasBean("abuse-guard.sequence"));
    }

    /**
     * review17 F5/F7: under a servlet path an annotation's prior step is written as the handler's mapping is and
     * recorded under the prefix; a misspelt one fails start-up there as at the root, a correct one starts.
     */
    @Test
    void underAServletPathAnAnnotationsStepIsCheckedUnderThePrefix() {
        runner.withUserConfiguration(MisspeltPriorApp.class)
                .withPropertyValues("spring.mvc.servlet.path=/v1")
                .run(context -> {
                    InvalidAnnotationException error =
                            cause(context.getStartupFailure(), InvalidAnnotationException.class);
                    assertThat(error.getMessage())
                            .contains("'POST /v1/api/acounts/{id}/verify'")
                            .contains("without spring.mvc.servlet.path '/v1'");
                });
        runner.withUserConfiguration(PriorApp.class)
                .withPropertyValues("spring.mvc.servlet.path=/v1")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void theServletPrefixIsTheServletPathWithoutItsTrailingSlashOrWildcard() {
        assertThat(HandlerRoutes.servletPrefix(null)).isEmpty();
        assertThat(HandlerRoutes.servletPrefix("/")).isEmpty();
        assertThat(HandlerRoutes.servletPrefix("/v1")).isEqualTo("/v1");
        assertThat(HandlerRoutes.servletPrefix("/v1/")).isEqualTo("/v1");
        assertThat(HandlerRoutes.servletPrefix("/v1/*")).isEqualTo("/v1");
    }

    @Test
    void aStepAnotherServiceRecordsIsAcceptedWhenTheExternalOperationsListIt() {
        runner.withUserConfiguration(AccountsApp.class)
                .withPropertyValues(
                        rule("requires", "POST /api/accounts/{id}/payment-methods", "post /api/identity/{id}/confirm"))
                .withPropertyValues("abuse-guard.sequence.external-operations[0]=POST /api/identity/{id}/confirm")
                .run(context -> assertThat(context).hasNotFailed().hasBean("abuse-guard.sequence"));
    }

    @Test
    void rulesNamingServedStepsStartAsBefore() {
        runner.withUserConfiguration(AccountsApp.class)
                .withPropertyValues(
                        rule("requires", "post /api/accounts/{id}/payment-methods", "POST /api/accounts/{id}/verify"))
                .withPropertyValues(
                        "abuse-guard.sequence.rules.cart.operation=HEAD /api/cart",
                        "abuse-guard.sequence.rules.cart.forbids=POST /api/accounts/{id}/verify")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void aRequiresPriorNamingAMisspeltStepFailsStartUpNamingTheAnnotationAndItsValue() {
        runner.withUserConfiguration(MisspeltPriorApp.class).run(context -> {
            InvalidAnnotationException error = cause(context.getStartupFailure(), InvalidAnnotationException.class);
            assertThat(error.where()).isEqualTo("MisspeltPrior.pay");
            assertThat(error.attribute()).isEqualTo("value");
            assertThat(error.getMessage())
                    .startsWith("@RequiresPrior on MisspeltPrior.pay cannot work: value: names"
                            + " 'POST /api/acounts/{id}/verify'")
                    .contains("the handler would refuse every session")
                    .contains("Did you mean 'POST /api/accounts/{id}/verify'?");
        });
    }

    @Test
    void aRequiresPriorOfAStepAnotherServiceRecordsStartsWhenListed() {
        runner.withUserConfiguration(MisspeltPriorApp.class)
                .withPropertyValues("abuse-guard.sequence.external-operations=POST /api/acounts/{id}/verify")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void withTheSequenceGuardOffNothingIsRefused() {
        runner.withUserConfiguration(MisspeltPriorApp.class)
                .withPropertyValues("abuse-guard.sequence.enabled=false")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Configuration(proxyBeanMethods = false)
    static class WelcomePage implements org.springframework.web.servlet.config.annotation.WebMvcConfigurer {
        @Override
        public void addViewControllers(org.springframework.web.servlet.config.annotation.ViewControllerRegistry views) {
            views.addViewController("/welcome").setViewName("welcome");
        }
    }

    @Test
    void aStepAUrlMappingServesIsServed() {
        runner.withUserConfiguration(AccountsApp.class, WelcomePage.class)
                .withPropertyValues(rule("requires", "POST /api/accounts/{id}/payment-methods", "GET /welcome"))
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Configuration(proxyBeanMethods = false)
    static class FunctionalRoutes {
        @Bean
        org.springframework.web.servlet.function.RouterFunction<org.springframework.web.servlet.function.ServerResponse>
                routes() {
            return org.springframework.web.servlet.function.RouterFunctions.route()
                    .POST(
                            "/api/orders",
                            request -> org.springframework.web.servlet.function.ServerResponse.ok()
                                    .build())
                    .build();
        }
    }

    @Test
    void withFunctionalRoutesWhichCannotBeListedNothingIsChecked() {
        runner.withUserConfiguration(AccountsApp.class, FunctionalRoutes.class)
                .withPropertyValues(rule("requires", "POST /api/orders", "POST /api/accounts/{id}/verify"))
                .run(context -> assertThat(context).hasNotFailed());
    }

    private static <T extends Throwable> T cause(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + failure, failure);
    }
}
