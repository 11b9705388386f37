package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.config.AbuseGuardSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * cfgrest 1: a plain-servlet filter configured from a file warns at start-up, naming the property, about each
 * switch that turns protection down, as the Spring Boot starter does; it used to say nothing.
 */
class FilterSettingsWarningsTest {

    /** What the filter of these properties logs while it is built. */
    private static String startUp(String... keyValues) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put(keyValues[i], keyValues[i + 1]);
        }
        AbuseGuardSettings settings = AbuseGuardSettings.bind(properties);
        PrintStream original = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
            AbuseGuardFilter.fromSettings(settings).destroy();
        } finally {
            System.setErr(original);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }

    private static final String[] LOGIN_RULE = {
        "abuse-guard.rate-limit.rules.login.paths", "/api/login",
        "abuse-guard.rate-limit.rules.login.limits[0].capacity", "5",
        "abuse-guard.rate-limit.rules.login.limits[0].period", "1m"
    };

    private static String[] withLoginRule(String... keyValues) {
        String[] all = new String[LOGIN_RULE.length + keyValues.length];
        System.arraycopy(LOGIN_RULE, 0, all, 0, LOGIN_RULE.length);
        System.arraycopy(keyValues, 0, all, LOGIN_RULE.length, keyValues.length);
        return all;
    }

    @Test
    void aStartedFilterSaysInOneLineWhatItsSettingsMade() {
        // user69 F5: with a correct file nothing said the filter was on, nor which rules it had loaded
        assertThat(startUp(withLoginRule("abuse-guard.proof.enabled", "true")))
                .contains("INFO")
                .contains("abuse-guard is on in enforce mode: ")
                .contains("rate-limit[login]")
                .contains("; browser proof at /abuse-guard/proof");
        assertThat(startUp("abuse-guard.enabled", "false")).doesNotContain("abuse-guard is on");
    }

    /**
     * user69 F6: a plain servlet filter has no handler types to check a body field against at start-up, and a rule
     * keyed {@code ip+body:/usrname} beside bodies holding {@code username} limited guesses per address without a word.
     * After a hundred JSON or form bodies without the field, and none with it, one WARN names the field and its rule.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "a misspelt key field | ip+body:/usrname | /email | 100 | field /usrname of key body:/usrname was absent",
                "a misspelt e-mail field | ip+body:/username | /emial | 100 | field /emial of e-mail rule 'signup' was absent",
                "both spelt right | ip+body:/username | /email | 100 | ",
                "too few bodies yet | ip+body:/usrname | /email | 99 | "
            })
    void aBodyFieldNoBodyHoldsIsAWarningNamingIt(
            String layout, String key, String emailField, int bodies, String warning) throws Exception {
        AbuseGuardFilter filter = AbuseGuardFilter.fromSettings(AbuseGuardSettings.bind(Map.of(
                "abuse-guard.rate-limit.rules.login.paths", "/api/login",
                "abuse-guard.rate-limit.rules.login.key", key,
                "abuse-guard.rate-limit.rules.login.limits[0].capacity", "1000",
                "abuse-guard.rate-limit.rules.login.limits[0].period", "1m",
                "abuse-guard.email.rules.signup.paths", "/api/login",
                "abuse-guard.email.rules.signup.field", emailField)));
        PrintStream original = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (TestServer server = new TestServer(filter)) {
            System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
            for (int i = 0; i < bodies; i++) {
                HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/api/login"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"username\":\"user" + i + "\",\"email\":\"user" + i + "@example.com\"}")));
                assertThat(response.statusCode()).as(layout).isEqualTo(200);
            }
        } finally {
            System.setErr(original);
        }
        String log = printed.toString(StandardCharsets.UTF_8);

        if (warning == null) {
            assertThat(log).as(layout).doesNotContain("was absent from the first");
        } else {
            assertThat(log.lines().filter(line -> line.contains(warning)))
                    .as(layout)
                    .singleElement()
                    .asString()
                    .contains("WARN")
                    .contains("is it misspelt?");
        }
    }

    @Test
    void abuseGuardSwitchedOffIsAWarning() {
        assertThat(startUp("abuse-guard.enabled", "false"))
                .contains("WARN")
                .contains("abuse-guard.enabled=false: abuse-guard is off; no request is checked");
    }

    @Test
    void monitorModeIsAWarning() {
        assertThat(startUp("abuse-guard.mode", "monitor"))
                .contains("WARN")
                .contains("abuse-guard.mode=monitor: every guard only reports what it would deny; no request is"
                        + " denied");
    }

    @Test
    void aGuardSwitchedOffOrInMonitorModeIsAWarningNamingIt() {
        assertThat(startUp(withLoginRule("abuse-guard.rate-limit.enabled", "false")))
                .contains("abuse-guard.rate-limit.enabled=false: the rate-limit guard is off; none of its rules"
                        + " applies");
        assertThat(startUp("abuse-guard.failure.mode", "monitor"))
                .contains("abuse-guard.failure.mode=monitor: the failure guard only reports what it would deny");
    }

    /** cfg36: the same names of unused settings as the starter gives. */
    @Test
    void aGuardOrPartSwitchedOffNamesTheSettingsThatTakeNoEffect() {
        assertThat(startUp(
                        "abuse-guard.email.enabled", "false",
                        "abuse-guard.email.rules.signup.paths", "/api/signup"))
                .contains("abuse-guard.email.enabled=false: the email guard is off; none of its rules applies; these"
                        + " settings take no effect: abuse-guard.email.rules.signup");
        assertThat(startUp(
                        "abuse-guard.failure.rules.login.paths", "/api/login",
                        "abuse-guard.failure.rules.login.under-attack.window", "2m"))
                .contains("abuse-guard.failure.rules.login.under-attack.enabled=false: this part is off; these"
                        + " settings take no effect: abuse-guard.failure.rules.login.under-attack.window");
        assertThat(startUp(
                        "abuse-guard.cross-site.enabled", "false",
                        "abuse-guard.cross-site.allowed-origins[0]", "https://shop.example"))
                .contains("abuse-guard.cross-site.enabled=false: the cross-site check is off")
                .contains("these settings take no effect: abuse-guard.cross-site.allowed-origins");
    }

    @Test
    void theCrossSiteCheckOffOrInMonitorModeIsAWarning() {
        assertThat(startUp("abuse-guard.cross-site.enabled", "false"))
                .contains("abuse-guard.cross-site.enabled=false: the cross-site check is off");
        assertThat(startUp("abuse-guard.cross-site.mode", "monitor"))
                .contains("abuse-guard.cross-site.mode=monitor: the cross-site check only reports");
    }

    @Test
    void exemptingOrMonitoringEveryPathIsAWarning() {
        assertThat(startUp("abuse-guard.routes.exempt", "/health,/**"))
                .contains("abuse-guard.routes.exempt has '/**': every path is exempt, so no guard checks any"
                        + " request");
        assertThat(startUp("abuse-guard.routes.monitor", "/**"))
                .contains("abuse-guard.routes.monitor has '/**': every guard only reports what it would deny");
    }

    @Test
    void aRuleWhosePathsAreAllExemptOrMonitoredIsAWarningNamingIt() {
        assertThat(startUp(withLoginRule("abuse-guard.routes.exempt", "/api/**")))
                .contains("abuse-guard.rate-limit.rules.login: every path of the rule (/api/login) is exempt by"
                        + " abuse-guard.routes.exempt [/api/**], so the rule never applies");
        assertThat(startUp(withLoginRule("abuse-guard.routes.monitor", "/api/login")))
                .contains("abuse-guard.rate-limit.rules.login: every path of the rule (/api/login) is monitored by"
                        + " abuse-guard.routes.monitor [/api/login], so the rule only reports what it would deny");
    }

    @Test
    void theDefaultsAndANarrowExemptionWarnAboutNothing() {
        assertThat(startUp(withLoginRule("abuse-guard.routes.exempt", "/health", "abuse-guard.routes.monitor", "/x")))
                .doesNotContain("WARN");
    }

    /**
     * review119 F3: since c5907e20 / 8c2cc0d1 an IPv4-compatible allow entry ::203.0.0.0/104 exempts the IPv4 /8 203.0.0.0/8
     * from every guard, but the broad-space warning is asked of the IPv6 /104 as written, so the /8 written this way
     * is exempt without the warning 203.0.0.0/8 itself gets.
     */
    @Test
    void anIpv4CompatibleAllowEntryNamingAnIpv4SlashEightWarnsAsTheSlashEightDoes() {
        String plain = startUp(withLoginRule("abuse-guard.ip-lists.allow[0]", "203.0.0.0/8"));
        assertThat(plain).as("control").contains("spans public address space");
        assertThat(startUp(withLoginRule("abuse-guard.ip-lists.allow[0]", "::203.0.0.0/104")))
                .contains("spans public address space");
    }

    /**
     * review121 F6: a failure rule keyed {@code ip+body:/usrname} warns after fewer than 100 bodies (its key is read
     * more than once per request, by more than one watcher), and more than once.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rate-limit", "failure"})
    void fiftyBodiesWithoutTheFieldAreNoWarningOfAHundred(String guard) throws Exception {
        assertThat(warnings(guard, 50))
                .as("after 50 bodies, with the " + guard + " guard")
                .isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rate-limit", "failure"})
    void aHundredBodiesWithoutTheFieldAreOneWarning(String guard) throws Exception {
        assertThat(warnings(guard, 100))
                .as("after 100 bodies, with the " + guard + " guard")
                .hasSize(1);
    }

    private static java.util.List<String> warnings(String guard, int bodies) throws Exception {
        Map<String, String> settings = new HashMap<>();
        if (guard.equals("rate-limit")) {
            settings.put("abuse-guard.rate-limit.rules.login.paths", "/api/login");
            settings.put("abuse-guard.rate-limit.rules.login.key", "ip+body:/usrname");
            settings.put("abuse-guard.rate-limit.rules.login.limits[0].capacity", "1000");
            settings.put("abuse-guard.rate-limit.rules.login.limits[0].period", "1m");
        } else {
            settings.put("abuse-guard.failure.rules.login.paths", "/api/login");
            settings.put("abuse-guard.failure.rules.login.statuses", "401");
            settings.put("abuse-guard.failure.rules.login.key", "ip+body:/usrname");
            settings.put("abuse-guard.failure.rules.login.max-retry", "1000");
        }
        AbuseGuardFilter filter = AbuseGuardFilter.fromSettings(AbuseGuardSettings.bind(settings));
        PrintStream original = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (TestServer server = new TestServer(filter)) {
            System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
            for (int i = 0; i < bodies; i++) {
                HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/api/login"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"user" + i + "\"}")));
                assertThat(response.statusCode()).isEqualTo(200);
            }
        } finally {
            System.setErr(original);
        }

        return printed.toString(StandardCharsets.UTF_8)
                .lines()
                .filter(line -> line.contains("was absent from the first 100"))
                .toList();
    }
}
