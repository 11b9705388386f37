package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.spring.validation.NotDisposableEmail;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

class NotDisposableEmailTest {

    record SignUp(@NotDisposableEmail String email) {}

    @Test
    void disposableAddressesAreInvalidAndRealOnesValid() {
        try (ValidatorFactory factory = Validation.buildDefaultValidatorFactory()) {
            Validator validator = factory.getValidator();
            assertThat(validator.validate(new SignUp("bot@post-shift.ru")))
                    .singleElement()
                    .satisfies(violation ->
                            assertThat(violation.getMessage()).isEqualTo("must not be a disposable e-mail address"));
            assertThat(validator.validate(new SignUp("ann@gmail.com"))).isEmpty();
            assertThat(validator.validate(new SignUp(null))).isEmpty();
        }
    }

    @ParameterizedTest(name = "unreadable: {0}")
    @ValueSource(
            strings = {
                "a@yop\uFFFCmail.com",
                "a@yop..mail.com",
                "a@.yopmail.com",
                "b@gmail.com, a@yop\uFFFCmail.com",
                "\"Ann\" <a@yop\uFFFCmail.com>",
                "a@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example",
            })
    void anAddressWhoseDomainCannotBeReadIsInvalidAsTheGuardRefusesIt(String address) {
        try (ValidatorFactory factory = Validation.buildDefaultValidatorFactory()) {
            assertThat(factory.getValidator().validate(new SignUp(address)))
                    .as(address)
                    .singleElement()
                    .satisfies(violation -> assertThat(violation.getMessage())
                            .isEqualTo("must have a domain that is a valid domain name"));
        }
    }

    record Custom(
            @NotDisposableEmail(unreadableDomainMessage = "check the domain")
            String email) {}

    @Test
    void theUnreadableDomainMessageCanBeReplacedAndAddressesWithoutADomainAreLeftToEmail() {
        try (ValidatorFactory factory = Validation.buildDefaultValidatorFactory()) {
            Validator validator = factory.getValidator();
            assertThat(validator.validate(new Custom("a@yop\uFFFCmail.com")))
                    .singleElement()
                    .satisfies(violation -> assertThat(violation.getMessage()).isEqualTo("check the domain"));
            assertThat(validator.validate(new Custom("no-at-sign"))).isEmpty();
            assertThat(validator.validate(new Custom("ann@m\u00FCnchen.de"))).isEmpty();
        }
    }

    @ParameterizedTest(name = "no public domain: {0}")
    @ValueSource(strings = {"a@[192.0.2.1]", "a@[IPv6:::1]", "a@localhost", "ann@gmailcom", "a@192.0.2.1"})
    void anAddressOfNoPublicDomainIsInvalidAsTheGuardRefusesIt(String address) {
        try (ValidatorFactory factory = Validation.buildDefaultValidatorFactory()) {
            assertThat(factory.getValidator().validate(new SignUp(address)))
                    .as(address)
                    .singleElement()
                    .satisfies(violation ->
                            assertThat(violation.getMessage()).isEqualTo("must have a public mail domain"));
        }
    }

    record Intranet(
            @NotDisposableEmail(requirePublicDomain = false) String email) {}

    record Worded(
            @NotDisposableEmail(nonPublicDomainMessage = "use your public address")
            String email) {}

    @Test
    void anIntranetAllowsNonPublicDomainsAndTheMessageCanBeReplaced() {
        try (ValidatorFactory factory = Validation.buildDefaultValidatorFactory()) {
            Validator validator = factory.getValidator();
            assertThat(validator.validate(new Intranet("ops@localhost"))).isEmpty();
            assertThat(validator.validate(new Intranet("ops@[192.0.2.1]"))).isEmpty();
            assertThat(validator.validate(new Intranet("bot@post-shift.ru"))).hasSize(1);
            assertThat(validator.validate(new Worded("ops@localhost")))
                    .singleElement()
                    .satisfies(violation -> assertThat(violation.getMessage()).isEqualTo("use your public address"));
        }
    }

    /**
     * review43 F10: in a Spring application the constraint follows {@code abuse-guard.email.require-public-domain},
     * as the guard does, so an intranet that turns the check off does not find its validator refusing what the
     * guard lets through.
     */
    @Test
    void inASpringApplicationThePropertyTurnsTheCheckOffToo() {
        ApplicationContextRunner runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class));
        runner.withPropertyValues("abuse-guard.email.require-public-domain=false")
                .run(context -> {
                    Validator validator = context.getBean(Validator.class);
                    assertThat(validator.validate(new SignUp("ops@localhost"))).isEmpty();
                    assertThat(validator.validate(new SignUp("bot@post-shift.ru")))
                            .hasSize(1);
                });
        runner.run(context -> assertThat(context.getBean(Validator.class).validate(new SignUp("ops@localhost")))
                .singleElement()
                .satisfies(
                        violation -> assertThat(violation.getMessage()).isEqualTo("must have a public mail domain")));
    }

    /**
     * With the MX check on, an address naming more fresh domains than it may look up is not known to be clean: invalid,
     * as the guard refuses it, with a message that says to try again rather than calling it disposable.
     */
    @Test
    void anAddressWhoseMailServersCannotBeCheckedNowIsToldSo() {
        new org.springframework.boot.test.context.runner.WebApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(ValidationAutoConfiguration.class, AbuseGuardAutoConfiguration.class))
                .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL))
                .withPropertyValues("abuse-guard.email.mx-check=true")
                .run(context -> {
                    Validator validator = context.getBean(Validator.class);
                    SignUp fiveFreshHops =
                            new SignUp("a%fresh-h1.com%fresh-h2.com%fresh-h3.com%fresh-h4.com@fresh-h5.com");
                    assertThat(validator.validate(fiveFreshHops))
                            .singleElement()
                            .satisfies(violation -> assertThat(violation.getMessage())
                                    .isEqualTo(NotDisposableEmail.UNCHECKED_DOMAIN_MESSAGE));
                    assertThat(validator.validate(new SignUp("bot@post-shift.ru")))
                            .singleElement()
                            .satisfies(violation -> assertThat(violation.getMessage())
                                    .isEqualTo("must not be a disposable e-mail address"));
                });
    }

    /**
     * review44 F8: the application's allowlist makes a domain public for the constraint as for the guard, so a
     * top-level name delegated after this release is let through by naming it.
     */
    @Test
    void inASpringApplicationTheAllowlistMakesADomainPublic() {
        new org.springframework.boot.test.context.runner.WebApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(ValidationAutoConfiguration.class, AbuseGuardAutoConfiguration.class))
                .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL))
                .withPropertyValues("abuse-guard.email.allowlist=zzfuture")
                .run(context -> {
                    Validator validator = context.getBean(Validator.class);
                    assertThat(validator.validate(new SignUp("ann@shop.zzfuture")))
                            .isEmpty();
                    assertThat(validator.validate(new SignUp("ann@shop.zzother")))
                            .hasSize(1);
                    assertThat(validator.validate(new SignUp("bot@post-shift.ru")))
                            .hasSize(1);
                });
    }
    /**
     * user60 F4: README's snippet puts {@code @NotDisposableEmail} beside {@code @RejectDisposableEmail}, and under
     * {@code abuse-guard.mode: monitor} the constraint still refused a yopmail sign-up with a 400: a dry run refused
     * what it should only have reported. It follows the e-mail guard's mode, the engine's included.
     */
    @Test
    void inMonitorModeTheConstraintRefusesNothing() {
        org.springframework.boot.test.context.runner.WebApplicationContextRunner runner =
                new org.springframework.boot.test.context.runner.WebApplicationContextRunner()
                        .withConfiguration(AutoConfigurations.of(
                                ValidationAutoConfiguration.class, AbuseGuardAutoConfiguration.class))
                        .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL));
        runner.withPropertyValues("abuse-guard.mode=monitor")
                .run(context -> assertThat(context.getBean(Validator.class).validate(new SignUp("bot@yopmail.com")))
                        .isEmpty());
        runner.withPropertyValues("abuse-guard.email.mode=monitor")
                .run(context -> assertThat(context.getBean(Validator.class).validate(new SignUp("bot@yopmail.com")))
                        .isEmpty());
        runner.withPropertyValues("abuse-guard.rate-limit.mode=monitor")
                .run(context -> assertThat(context.getBean(Validator.class).validate(new SignUp("bot@yopmail.com")))
                        .as("another guard's monitor mode is not the e-mail guard's")
                        .hasSize(1));
    }

    /**
     * user75 F1, as decided after review142 F3: one e-mail rule switched live to monitor does not reach the constraint,
     * which cannot tell which field a rule read (switched off wherever a monitored rule would refuse, a throw-away
     * address in a trial rule's other field switched it off for the constrained one). The guard switched whole does
     * (README, Monitor first).
     */
    @Test
    void aRuleSwitchedLiveToMonitorLeavesTheConstraintToTheGuardsMode() {
        new org.springframework.boot.test.context.runner.WebApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(ValidationAutoConfiguration.class, AbuseGuardAutoConfiguration.class))
                .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL))
                .withPropertyValues("abuse-guard.email.rules.sign-up.paths=/api/accounts")
                .run(context -> {
                    Validator validator = context.getBean(Validator.class);
                    jakarta.servlet.Filter filter = context.getBean(
                                    "abuseGuardFilterRegistration",
                                    org.springframework.boot.web.servlet.FilterRegistrationBean.class)
                            .getFilter();
                    int[] violations = {-1};
                    jakarta.servlet.FilterChain handler = (request, response) -> {
                        org.springframework.web.context.request.RequestContextHolder.setRequestAttributes(
                                new org.springframework.web.context.request.ServletRequestAttributes(
                                        (jakarta.servlet.http.HttpServletRequest) request));
                        try {
                            violations[0] = validator
                                    .validate(new SignUp("bot@yopmail.com"))
                                    .size();
                        } finally {
                            org.springframework.web.context.request.RequestContextHolder.resetRequestAttributes();
                        }
                    };
                    org.springframework.mock.web.MockHttpServletResponse refused =
                            new org.springframework.mock.web.MockHttpServletResponse();
                    filter.doFilter(signUp("198.51.100.110"), refused, handler);
                    assertThat(refused.getStatus())
                            .as("control: the rule refuses")
                            .isEqualTo(422);
                    assertThat(violations[0])
                            .as("control: the handler is not reached")
                            .isEqualTo(-1);

                    context.getBean(io.github.abuseguard.AbuseGuard.class)
                            .switchMode(
                                    io.github.abuseguard.email.DisposableEmailGuard.NAME,
                                    "sign-up",
                                    io.github.abuseguard.Mode.MONITOR);
                    org.springframework.mock.web.MockHttpServletResponse passed =
                            new org.springframework.mock.web.MockHttpServletResponse();
                    filter.doFilter(signUp("198.51.100.111"), passed, handler);
                    assertThat(violations[0])
                            .as("the constraint under a rule on trial: the guard is enforced")
                            .isEqualTo(1);
                    context.getBean(io.github.abuseguard.AbuseGuard.class)
                            .switchMode(
                                    io.github.abuseguard.email.DisposableEmailGuard.NAME,
                                    null,
                                    io.github.abuseguard.Mode.MONITOR);
                    filter.doFilter(
                            signUp("198.51.100.112"),
                            new org.springframework.mock.web.MockHttpServletResponse(),
                            handler);
                    assertThat(violations[0])
                            .as("the constraint with the guard switched whole")
                            .isZero();
                });
    }

    private static org.springframework.mock.web.MockHttpServletRequest signUp(String client) {
        org.springframework.mock.web.MockHttpServletRequest request =
                new org.springframework.mock.web.MockHttpServletRequest("POST", "/api/accounts");
        request.setServletPath("/api/accounts");
        request.setRemoteAddr(client);
        request.setContentType("application/json");
        request.setContent("{\"email\":\"bot@yopmail.com\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        request.addHeader("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0");
        return request;
    }

    /**
     * review59 F4: the constraint's look-ups were made for no client, so they shared one cap per registered domain and
     * no client's share of those in flight: one client's slow decoys made everyone's addresses wait. It asks for the
     * site of the request being validated, as the application's client resolver tells it.
     */
    @Test
    void theConstraintAsksForTheClientSiteOfTheRequestBeingValidated() {
        io.github.abuseguard.email.DisposableDomains lists =
                org.mockito.Mockito.spy(io.github.abuseguard.email.DisposableDomains.bundled());
        new org.springframework.boot.test.context.runner.WebApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(ValidationAutoConfiguration.class, AbuseGuardAutoConfiguration.class))
                .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL))
                .withBean(io.github.abuseguard.email.DisposableDomains.class, () -> lists)
                .run(context -> {
                    Validator validator = context.getBean(Validator.class);
                    assertThat(validator.validate(new SignUp("ann@fresh-company.example")))
                            .isEmpty();
                    org.mockito.Mockito.verify(lists)
                            .match("ann@fresh-company.example", (String) null); // outside a request: no site
                    org.springframework.mock.web.MockHttpServletRequest request =
                            new org.springframework.mock.web.MockHttpServletRequest();
                    request.setRemoteAddr("2001:db8:7:1::25");
                    org.springframework.web.context.request.RequestContextHolder.setRequestAttributes(
                            new org.springframework.web.context.request.ServletRequestAttributes(request));
                    try {
                        assertThat(validator.validate(new SignUp("bot@post-shift.ru")))
                                .hasSize(1);
                    } finally {
                        org.springframework.web.context.request.RequestContextHolder.resetRequestAttributes();
                    }
                    org.mockito.Mockito.verify(lists).match("bot@post-shift.ru", "2001:db8:7:0:0:0:0:0/48");
                });
    }
}
