package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Guard;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class AbuseGuardControlAutoConfigurationTest {
    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(AbuseGuardAutoConfiguration.class, AbuseGuardControlAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL));

    /** A ban or unban as an anonymous operator. */
    private static void change(AbuseGuardControlEndpoint control, String action, String key, String duration) {
        control.change(
                org.springframework.boot.actuate.endpoint.SecurityContext.NONE,
                action,
                null,
                null,
                null,
                key,
                duration);
    }

    /** A request of the client an access log shows as {@code address}. */
    private static io.github.abuseguard.GuardRequest requestOf(
            org.springframework.context.ApplicationContext context, String address) {
        io.github.abuseguard.identity.ClientResolver clients =
                context.getBean(io.github.abuseguard.identity.ClientResolver.class);
        return io.github.abuseguard.GuardRequest.builder("GET", "/")
                .client(clients.resolve(address, name -> java.util.List.of()))
                .build();
    }

    /** The runner with the control endpoint exposed and open. */
    private WebApplicationContextRunner openControl() {
        return runner.withPropertyValues(
                "management.endpoints.web.exposure.include=abuseguardcontrol",
                "management.endpoint.abuseguardcontrol.access=UNRESTRICTED");
    }

    private static boolean hasLiveBanGuard(AbuseGuard engine) {
        return engine.guards().stream().map(Guard::name).anyMatch(LiveBans.NAME::equals);
    }

    @Test
    void withoutExposureThereIsNoControlNoBanGuardAndNoReportListener() {
        runner.run(context -> {
            assertThat(context).doesNotHaveBean(AbuseGuardControlEndpoint.class);
            assertThat(context).doesNotHaveBean(LiveBans.class);
            assertThat(context).doesNotHaveBean(RolloutReport.class);
            assertThat(hasLiveBanGuard(context.getBean(AbuseGuard.class))).isFalse();
        });
    }

    @Test
    void exposingTheControlEndpointIsNotEnoughItsAccessMustBeGrantedToo() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=abuseguardcontrol")
                .run(context -> assertThat(context).doesNotHaveBean(AbuseGuardControlEndpoint.class));
    }

    @Test
    void exposedWithAccessTheControlEndpointAndItsBanGuardAreInstalled() {
        runner.withPropertyValues(
                        "management.endpoints.web.exposure.include=abuseguardcontrol",
                        "management.endpoint.abuseguardcontrol.access=UNRESTRICTED")
                .run(context -> {
                    assertThat(context).hasSingleBean(AbuseGuardControlEndpoint.class);
                    assertThat(hasLiveBanGuard(context.getBean(AbuseGuard.class)))
                            .isTrue();
                });
    }

    /**
     * user60 F5: the read-only endpoint, exposed over HTTP with no Spring Security, showed anyone every rule's
     * thresholds and the addresses of the clients denied most, and nothing warned although README says never to expose
     * it anonymously.
     */
    @Test
    void anAnonymouslyExposedReportEndpointIsAWarningUnlessOnAPortOfItsOwn(CapturedOutput output) {
        WebApplicationContextRunner endpoint =
                runner.withConfiguration(AutoConfigurations.of(AbuseGuardEndpointAutoConfiguration.class));
        endpoint.withPropertyValues("management.endpoints.web.exposure.include=health,abuseguard")
                .run(context -> assertThat(context).hasSingleBean(AbuseGuardEndpoint.class));
        assertThat(output.getAll()).contains("abuseguard endpoint is exposed over HTTP on the application's port");

        int before = output.getAll().length();
        endpoint.withPropertyValues(
                        "management.endpoints.web.exposure.include=abuseguard", "management.server.port=9001")
                .run(context -> assertThat(context).hasSingleBean(AbuseGuardEndpoint.class));
        endpoint.withPropertyValues("management.endpoints.web.exposure.include=health")
                .run(context -> assertThat(context).doesNotHaveBean(AbuseGuardEndpoint.class));
        assertThat(output.getAll().substring(before)).doesNotContain("abuseguard endpoint is exposed over HTTP");
    }

    /**
     * probe48e F8: opened without Spring Security, an anonymous caller switched the rate limits to monitor and nothing
     * warned. The starter warns at start-up.
     */
    @Test
    void anOpenControlEndpointWithoutSpringSecurityIsAWarning(CapturedOutput output) {
        runner.withPropertyValues(
                        "management.endpoints.web.exposure.include=abuseguardcontrol",
                        "management.endpoint.abuseguardcontrol.access=UNRESTRICTED")
                .run(context -> assertThat(context).hasSingleBean(AbuseGuardControlEndpoint.class));

        assertThat(output.getAll()).contains("abuseguardcontrol endpoint is open and no Spring Security filter chain");
    }

    /**
     * probe48e F6: under {@code abuse-guard.mode=monitor} an enforce switch was accepted and reported as switched
     * while nothing was enforced. It is refused naming the setting that wins.
     */
    @Test
    void anEnforceSwitchThatCannotTakeEffectIsRefused() {
        runner.withPropertyValues(
                        "management.endpoints.web.exposure.include=abuseguardcontrol",
                        "management.endpoint.abuseguardcontrol.access=UNRESTRICTED",
                        "abuse-guard.mode=monitor")
                .run(context -> {
                    AbuseGuardControlEndpoint control = context.getBean(AbuseGuardControlEndpoint.class);
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> control.change(
                                    org.springframework.boot.actuate.endpoint.SecurityContext.NONE,
                                    "mode",
                                    "client-signals",
                                    null,
                                    "enforce",
                                    null,
                                    null))
                            .isInstanceOf(
                                    org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException.class)
                            .hasMessageContaining("abuse-guard.mode is monitor");
                    assertThat(context.getBean(AbuseGuard.class).switchedModes())
                            .isEmpty();
                });
    }

    /**
     * probe52d F1: an operator could not end a failure rule's under-attack mode: the Java method existed, no operation
     * called it, and on Redis a restart did not end it either.
     */
    @Test
    void anOperatorEndsAFailureRulesUnderAttackMode() {
        openControl()
                .withPropertyValues(
                        "abuse-guard.failure.rules.login.paths=/api/login",
                        "abuse-guard.failure.rules.login.statuses=401",
                        "abuse-guard.failure.rules.login.key=ip",
                        "abuse-guard.failure.rules.login.under-attack.enabled=true")
                .run(context -> {
                    AbuseGuard engine = context.getBean(AbuseGuard.class);
                    io.github.abuseguard.failure.FailureGuard failures = engine.guards().stream()
                            .filter(io.github.abuseguard.failure.FailureGuard.class::isInstance)
                            .map(io.github.abuseguard.failure.FailureGuard.class::cast)
                            .findFirst()
                            .orElseThrow();
                    for (int i = 0; i < 400 && failures.underAttack().isEmpty(); i++) {
                        io.github.abuseguard.GuardRequest guess = io.github.abuseguard.GuardRequest.builder(
                                        "POST", "/api/login")
                                .route("/api/login")
                                .client("198.51." + i / 250 + "." + (i % 250 + 1))
                                .build();
                        engine.evaluate(guess);
                        engine.complete(guess, 401);
                    }
                    assertThat(failures.underAttack())
                            .as("a crowd of failing addresses")
                            .containsExactly("login");
                    AbuseGuardControlEndpoint control = context.getBean(AbuseGuardControlEndpoint.class);

                    control.change(
                            org.springframework.boot.actuate.endpoint.SecurityContext.NONE,
                            "end-attack",
                            null,
                            "login",
                            null,
                            null,
                            null);

                    assertThat(failures.underAttack()).as("after end-attack").isEmpty();
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> control.change(
                                    org.springframework.boot.actuate.endpoint.SecurityContext.NONE,
                                    "end-attack",
                                    null,
                                    "no-such-rule",
                                    null,
                                    null,
                                    null))
                            .isInstanceOf(
                                    org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException.class)
                            .hasMessageContaining("no-such-rule");
                });
    }

    /** probe52d F9: a {@code mode} call with an empty rule switched the whole guard. */
    @Test
    void aModeSwitchNamingABlankRuleIsRefused() {
        openControl().run(context -> {
            AbuseGuardControlEndpoint control = context.getBean(AbuseGuardControlEndpoint.class);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> control.change(
                            org.springframework.boot.actuate.endpoint.SecurityContext.NONE,
                            "mode",
                            "client-signals",
                            " ",
                            "monitor",
                            null,
                            null))
                    .isInstanceOf(org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException.class)
                    .hasMessageContaining("'rule' is blank");
            assertThat(context.getBean(AbuseGuard.class).switchedModes()).isEmpty();
        });
    }

    @Test
    void aBanOfAnAddressAsALogShowsItBansThatClientAndAKeyWithALineBreakIsRefused() {
        runner.withPropertyValues(
                        "management.endpoints.web.exposure.include=abuseguardcontrol",
                        "management.endpoint.abuseguardcontrol.access=UNRESTRICTED")
                .run(context -> {
                    AbuseGuardControlEndpoint control = context.getBean(AbuseGuardControlEndpoint.class);
                    AbuseGuard engine = context.getBean(AbuseGuard.class);
                    change(control, "ban", "2001:db8::7", "PT10M");
                    io.github.abuseguard.GuardRequest fromIt = requestOf(context, "2001:db8::7");
                    assertThat(engine.evaluate(fromIt).decision().isDeny())
                            .as("the address as an access log shows it bans its client key (its /64)")
                            .isTrue();
                    // probe52d F9: a line separator or a bidi override forged or hid part of the audit line too
                    for (String forged : new String[] {
                        "x\nabuse-guard control: admin lifted every ban",
                        "x\u2028abuse-guard control: admin lifted every ban",
                        "198.51.100.9\u202Eevil",
                        "198.51.100.9\uDB40\uDC41evil" // review55 F7: a TAG character, outside the BMP
                    }) {
                        org.assertj.core.api.Assertions.assertThatThrownBy(() -> change(control, "unban", forged, null))
                                .isInstanceOf(
                                        org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException.class)
                                .hasMessageContaining("control, format or line-separating character");
                    }
                });
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {"198.51.100.5:443", "[2001:db8:1:2::1]", "198.51.100.6 ", "198.51.100.8/32"})
    void aBanOfAnAddressSpelledWithPortBracketsSpaceOrHostPrefixBansThatClient(String spelling) {
        runner.withPropertyValues(
                        "management.endpoints.web.exposure.include=abuseguardcontrol",
                        "management.endpoint.abuseguardcontrol.access=UNRESTRICTED")
                .run(context -> {
                    AbuseGuardControlEndpoint control = context.getBean(AbuseGuardControlEndpoint.class);
                    AbuseGuard engine = context.getBean(AbuseGuard.class);
                    change(control, "ban", spelling, "PT10M");
                    String address =
                            spelling.replaceAll("^\\[|\\].*$|:443$|/32$", "").strip();
                    io.github.abuseguard.GuardRequest fromIt = requestOf(context, address);
                    assertThat(engine.evaluate(fromIt).decision().isDeny())
                            .as("a ban of '" + spelling + "' bans " + address)
                            .isTrue();
                    change(control, "unban", spelling, null);
                    assertThat(engine.evaluate(fromIt).decision().isDeny())
                            .as("the unban of the same spelling lifts it")
                            .isFalse();
                });
    }

    /**
     * probe52d F2: an unban lifted the operator's own bans only, so an address or an account a failure rule banned
     * stayed refused until its ban ended; it lifts those too, says which, and logs them.
     */
    @Test
    void anUnbanLiftsTheBansOfFailureRulesOnTheAddressAndOnTheUserName(CapturedOutput output) {
        openControl()
                .withPropertyValues(
                        "abuse-guard.failure.rules.login.paths=/api/login",
                        "abuse-guard.failure.rules.login.max-retry=2",
                        "abuse-guard.failure.rules.account.paths=/api/login",
                        "abuse-guard.failure.rules.account.key=body:/username",
                        "abuse-guard.failure.rules.account.max-retry=2")
                .run(context -> {
                    AbuseGuardControlEndpoint control = context.getBean(AbuseGuardControlEndpoint.class);
                    AbuseGuard engine = context.getBean(AbuseGuard.class);
                    for (int i = 0; i < 2; i++) {
                        failedLogin(engine, "198.51.100.9", "Mallory");
                    }
                    assertThat(engine.evaluate(login("198.51.100.9", "other"))
                                    .decision()
                                    .isDeny())
                            .as("the address is banned")
                            .isTrue();
                    assertThat(engine.evaluate(login("198.51.100.10", "mallory"))
                                    .decision()
                                    .isDeny())
                            .as("and the account")
                            .isTrue();

                    assertThat(control.changes().get("failureBans"))
                            .asString()
                            .contains("login=[{")
                            .contains("key=198.51.100.9")
                            .contains("key=mallory");
                    Map<String, Object> answer = control.change(
                            org.springframework.boot.actuate.endpoint.SecurityContext.NONE,
                            "unban",
                            null,
                            null,
                            null,
                            "198.51.100.9:443",
                            null);
                    assertThat(answer.get("lifted"))
                            .isEqualTo(Map.of("key", "198.51.100.9", "failureRules", java.util.List.of("login")));
                    assertThat(engine.evaluate(login("198.51.100.9", "other"))
                                    .decision()
                                    .isDeny())
                            .isFalse();
                    assertThat(engine.evaluate(login("198.51.100.10", "mallory"))
                                    .decision()
                                    .isDeny())
                            .as("the account's ban is its own")
                            .isTrue();

                    change(control, "unban", "MALLORY", null);
                    assertThat(engine.evaluate(login("198.51.100.10", "mallory"))
                                    .decision()
                                    .isDeny())
                            .isFalse();
                    assertThat(control.changes().get("failureBans"))
                            .isEqualTo(Map.of("login", java.util.List.of(), "account", java.util.List.of()));
                    assertThat(output)
                            .contains("lifted the ban of client key 198.51.100.9 and its bans by failure rules [login]")
                            .contains("lifted the ban of client key MALLORY and its bans by failure rules [account]");
                });
    }

    /**
     * review56 F6: an unban of a user name's ban as a shared store lists it (its digest) lifts that ban, but the rule's
     * counted failures are kept by the name; the answer said nothing of it, and now says so.
     */
    @Test
    void anUnbanOfAListedDigestSaysTheCountsAreKeptByTheName() {
        openControl()
                .withPropertyValues(
                        "abuse-guard.failure.rules.account.paths=/api/login",
                        "abuse-guard.failure.rules.account.key=body:/username")
                .run(context -> {
                    AbuseGuardControlEndpoint control = context.getBean(AbuseGuardControlEndpoint.class);
                    Map<String, Object> listing = control.change(
                            org.springframework.boot.actuate.endpoint.SecurityContext.NONE,
                            "unban",
                            null,
                            null,
                            null,
                            "#Qm9iIHRoZSB1c2VyIG5hbWU",
                            null);
                    assertThat(listing.get("note")).asString().contains("unban with the name");
                    Map<String, Object> address = control.change(
                            org.springframework.boot.actuate.endpoint.SecurityContext.NONE,
                            "unban",
                            null,
                            null,
                            null,
                            "203.0.113.5",
                            null);
                    assertThat(address.get("note"))
                            .as("an address is no listing")
                            .isNull();
                });
    }

    private static io.github.abuseguard.GuardRequest login(String address, String username) {
        return io.github.abuseguard.GuardRequest.builder("POST", "/api/login")
                .client(address)
                .body("application/json", "{\"username\":\"" + username + "\"}")
                .build();
    }

    private static void failedLogin(AbuseGuard engine, String address, String username) {
        io.github.abuseguard.GuardRequest request = login(address, username);
        assertThat(engine.evaluate(request).decision().isDeny()).isFalse();
        engine.complete(request, 401);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"198.51.100.0/24", "alice", "#abc"})
    void aBanThatWouldBanNobodyIsRefusedNamingTheAcceptedForms(String key) {
        runner.withPropertyValues(
                        "management.endpoints.web.exposure.include=abuseguardcontrol",
                        "management.endpoint.abuseguardcontrol.access=UNRESTRICTED")
                .run(context -> {
                    AbuseGuardControlEndpoint control = context.getBean(AbuseGuardControlEndpoint.class);
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> change(control, "ban", key, "PT10M"))
                            .isInstanceOf(
                                    org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException.class)
                            .hasMessageContaining("198.51.100.7");
                    assertThat(control.changes().get("bans")).asList().isEmpty();
                });
    }

    @Test
    void theReportEndpointListensOnlyWhenExposedAndRefusesAWindowTooShort() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=abuseguardrollout")
                .run(context -> {
                    assertThat(context).hasSingleBean(AbuseGuardRolloutEndpoint.class);
                    assertThat(context).hasSingleBean(RolloutReport.class);
                });
        runner.withPropertyValues(
                        "management.endpoints.web.exposure.include=abuseguardrollout", "abuse-guard.report.window=1ms")
                .run(context ->
                        assertThat(context).getFailure().rootCause().hasMessageContaining("abuse-guard.report.window"));
    }
}
