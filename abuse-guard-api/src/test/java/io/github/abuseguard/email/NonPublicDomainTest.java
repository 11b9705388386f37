package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.Decision;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.internal.SettingsAssembler;
import io.github.abuseguard.internal.SettingsBinder;
import io.github.abuseguard.store.LocalStateStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An address that names no public mail domain: {@code a@[192.0.2.1]} is delivered to whatever host the
 * sender names, a mailbox on the client's own server that no list of disposable domains can hold, and
 * {@code a@localhost} to the site's own mail server. Every other check passed them (probe43: 201 for
 * {@code a@[IPv6:::1]}, {@code a@localhost} and {@code a@com} on the demo's sign-up).
 */
class NonPublicDomainTest {
    private final DisposableDomains bundled = DisposableDomains.bundled();
    private final DisposableEmailGuard guard = DisposableEmailGuard.of(bundled, List.of(signUpRule()));

    @ParameterizedTest(name = "refused: {0}")
    @ValueSource(
            strings = {
                "a@[192.0.2.1]",
                "a@[IPv6:2001:db8::1]",
                "a@[IPv6:::1]",
                "a@\u200B[192.0.2.1]",
                "Ann <a@[192.0.2.1]>",
                "a@(work)[192.0.2.1]",
                "b@gmail.com, a@[192.0.2.1]",
                "a@[192.0.2.1], b@gmail.com",
                "a@192.0.2.1",
                "a@192.0.2.1.",
                "a@localhost",
                "a@LOCALHOST.",
                "a@\uFF4C\uFF4F\uFF43\uFF41\uFF4C\uFF48\uFF4F\uFF53\uFF54",
                "a@local\u200Bhost",
                "ann@gmailcom",
                "a@com",
                // review43 F3: special-use names that resolve to the site's own or internal hosts
                "a@x.localhost",
                "a@localhost.localdomain",
                "a@mail.internal",
                "a@printer.local",
                "a@nas.home.arpa",
                // review43 F4: addresses to inet_aton although their last label is not all digits
                "a@1.2.3.0x4",
                "a@0x7f.0.0.0x1",
                "ann@mail.example.co1",
                // probe44a F6: names under a top-level name the root zone does not have, which only a site's
                // own resolver answers
                "x@kubernetes.default.svc",
                "x@mail.consul",
                "x@host.docker",
                "x@mail.localnet",
                "x@x.workgroup",
                "x@speedport.ip",
                "x@mail.xn--zzzz9",
                // probe48c F5: nothing after the @ but dots and invisible characters names no domain at all
                "trailing@",
                "trailing@\u200E.",
                "x@.",
                "x@..",
                "x@\u200B",
            })
    void anAddressOfNoPublicDomainIsRefused(String address) {
        assertThat(bundled.match(address)).as("no list names %s", address).isNull();
        assertThat(DisposableDomains.hasNonPublicDomain(address)).as(address).isTrue();

        Decision decision = guard.check(signUp(address));

        assertThat(decision.isDeny()).as(address).isTrue();
        assertThat(decision.status()).isEqualTo(422);
        assertThat(decision.reason()).isEqualTo("non-public-email-domain");
        assertThat(decision.rule()).isEqualTo("sign-up");
        assertThat(decision.detail())
                .contains("'email'")
                .contains("public mail domain")
                .doesNotContain("a@");
        assertThat(guard.refusalSpendsQuota(decision))
                .as("a typing error (ann@gmailcom) costs the client no rate-limit token")
                .isFalse();
    }

    @ParameterizedTest(name = "not refused: {0}")
    @ValueSource(
            strings = {
                "ann@gmail.com",
                "ann@m\u00FCnchen.de",
                "ann@192.0.2.1.example.com",
                "ann@x.test",
                "ann@x.example",
                "ann@x.invalid",
                "ann@mail.xn--p1ai",
                "ann@\u043F\u043E\u0447\u0442\u0430.\u0440\u0444",
                "ann@mail.museum",
                "ann@shop.app",
                "ann@x.co.uk",
                "ann%localhost@gmail.com",
                "\"a@localhost\"@gmail.com",
                "ann@gmail.com (not a@[192.0.2.1])",
                "no-at-sign",
            })
    void anAddressOfAPublicDomainOrOfNoneIsNotRefused(String address) {
        assertThat(DisposableDomains.hasNonPublicDomain(address)).as(address).isFalse();
        assertThat(guard.check(signUp(address)).isAllow()).as(address).isTrue();
    }

    @Test
    void everyValueOfTheFieldCounts() {
        GuardRequest array = GuardRequest.builder("POST", "/api/accounts")
                .body("application/json", "{\"email\":[\"ann@gmail.com\",\"a@[192.0.2.1]\"]}")
                .build();
        GuardRequest repeated = GuardRequest.builder("POST", "/api/accounts")
                .body("application/x-www-form-urlencoded", "email=a%40localhost&email=ann%40gmail.com")
                .build();

        assertThat(guard.check(array).reason()).isEqualTo("non-public-email-domain");
        assertThat(guard.check(repeated).reason()).isEqualTo("non-public-email-domain");
    }

    @Test
    void aLiteralInFullWidthBracketsIsRefusedAsUnreadable() {
        assertThat(guard.check(signUp("a@\uFF3B192.0.2.1\uFF3D")).reason()).isEqualTo("unreadable-email-domain");
    }

    /** An address literal spelt as a public name: wildcard DNS answers with the address the name spells. */
    @ParameterizedTest(name = "wildcard DNS: {0}")
    @ValueSource(
            strings = {
                "a@mx.192.0.2.1.nip.io",
                "a@192-0-2-1.sslip.io",
                "a@10-0-0-1.traefik.me",
                "a@app.localtest.me",
                "a@lvh.me",
                "a@x.localho.st"
            })
    void aWildcardDnsNameIsListedAsDisposable(String address) {
        assertThat(guard.check(signUp(address)).reason()).as(address).isEqualTo("disposable-email");
        assertThat(bundled.match(address)).as(address).isNotNull();
    }

    @Test
    void aListedDomainInBracketsIsStillDisposable() {
        // an application that strips the brackets delivers to mailinator.com: the list's answer comes first
        assertThat(guard.check(signUp("a@[mailinator.com]")).reason()).isEqualTo("disposable-email");
    }

    @Test
    void aFlagRuleFlagsAndADecoyRuleRefuses() {
        Decision flagged = answering(EmailRule.Response.FLAG, 40).check(signUp("a@[192.0.2.1]"));
        assertThat(flagged.isFlag()).isTrue();
        assertThat(flagged.reason()).isEqualTo("non-public-email-domain");
        assertThat(flagged.score()).isEqualTo(40);

        Decision refused = answering(EmailRule.Response.DECOY, 0).check(signUp("ann@gmailcom"));
        assertThat(refused.status())
                .as("a decoy's fake success would hide a typing error from a real user")
                .isEqualTo(422);
        assertThat(refused.reason()).isEqualTo("non-public-email-domain");
    }

    @Test
    void aGuardBuiltToAllowThemLetsThemThroughAndStillRefusesListedOnes() {
        DisposableEmailGuard intranet = DisposableEmailGuard.of(bundled, List.of(signUpRule()), null, false);

        assertThat(intranet.check(signUp("ops@localhost")).isAllow()).isTrue();
        assertThat(intranet.check(signUp("ops@[192.0.2.1]")).isAllow()).isTrue();
        assertThat(intranet.check(signUp("a@mailinator.com")).reason()).isEqualTo("disposable-email");
    }

    /**
     * review44 F8: a top-level name delegated after this release, or an intranet's own mail domain, is let
     * through by naming it on the allowlist; every other non-public domain is still refused.
     */
    @Test
    void aDomainOnTheAllowlistIsPublicAndNoOtherIs() {
        DisposableDomains allowing = new DisposableDomains(
                List.of(DomainSource.bundled()),
                List.of(
                        DomainSource.majorProviders(),
                        DomainSource.of("allowlist", DomainList.of(List.of("zzfuture", "mail.corp.internal")))),
                null);
        DisposableEmailGuard guard = DisposableEmailGuard.of(allowing, List.of(signUpRule()));

        assertThat(guard.check(signUp("ann@shop.zzfuture")).isAllow())
                .as("under an allowed top-level name")
                .isTrue();
        assertThat(guard.check(signUp("ann@ZZFUTURE.")).isAllow())
                .as("the name itself, as it is normalised")
                .isTrue();
        assertThat(guard.check(signUp("ops@mail.corp.internal")).isAllow()).isTrue();
        assertThat(allowing.namesNonPublicDomain("ops@mail.corp.internal"))
                .as("the validator's reading")
                .isFalse();
        for (String refused : List.of(
                "ann@shop.zzother",
                "ops@corp.internal",
                "ops@localhost",
                "a@[192.0.2.1]",
                "ann@shop.zzfuture, b@localhost")) {
            assertThat(guard.check(signUp(refused)).reason()).as(refused).isEqualTo("non-public-email-domain");
            assertThat(allowing.namesNonPublicDomain(refused)).as(refused).isTrue();
        }
        assertThat(guard.check(signUp("a@mailinator.com")).reason()).isEqualTo("disposable-email");
        assertThat(bundled.namesNonPublicDomain("ann@shop.zzfuture"))
                .as("without the entry")
                .isTrue();
    }

    @Test
    void thePropertySwitchesItOff() {
        Map<String, String> rule = Map.of(
                "abuse-guard.email.rules.signup.paths", "/api/accounts",
                "abuse-guard.email.rules.signup.field", "/email");
        Map<String, String> allowing = new java.util.HashMap<>(rule);
        allowing.put("abuse-guard.email.require-public-domain", "false");

        assertThat(emailGuard(rule).check(signUp("ops@localhost")).reason()).isEqualTo("non-public-email-domain");
        assertThat(emailGuard(allowing).check(signUp("ops@localhost")).isAllow())
                .isTrue();
    }

    private Guard emailGuard(Map<String, String> properties) {
        return SettingsAssembler.guard(
                SettingsBinder.bind(properties),
                EmailGuardFactory.NAME,
                GuardContext.builder()
                        .store(LocalStateStore.builder().build())
                        .timeSource(TimeSource.system())
                        .component(DisposableDomains.class, bundled)
                        .build());
    }

    private DisposableEmailGuard answering(EmailRule.Response response, int score) {
        return DisposableEmailGuard.of(
                bundled,
                List.of(EmailRule.builder("sign-up")
                        .path("/api/accounts")
                        .response(response, score)
                        .build()));
    }

    private static EmailRule signUpRule() {
        return EmailRule.builder("sign-up").path("/api/accounts").build();
    }

    private static GuardRequest signUp(String address) {
        String json = address.replace("\\", "\\\\").replace("\"", "\\\"");
        return GuardRequest.builder("POST", "/api/accounts")
                .body("application/json", "{\"email\":\"" + json + "\"}")
                .build();
    }
}
