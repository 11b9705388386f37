package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.KeyResolver;
import io.github.abuseguard.config.AbuseGuardSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The owner lock-out WARN ({@code failure.internal.OwnerLockOuts}) as the servlet filter runs it (user74 F1: the check
 * lived in the Spring starter only, and a plain servlet filter built from the same settings started silently; review137,
 * review138).
 */
class OwnerLockoutWarningTest {

    private static String startUp(Map<String, String> properties) {
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

    private static List<String> lockOutWarnings(String printed) {
        return printed.lines()
                .filter(line -> line.contains(" WARN ") && line.contains("keyed only by what a client writes"))
                .toList();
    }

    private static Map<String, String> perUserName(String key) {
        Map<String, String> properties = new LinkedHashMap<>();
        String rule = "abuse-guard.failure.rules.login-per-username.";
        properties.put(rule + "paths", "/api/login");
        properties.put(rule + "methods", "POST");
        properties.put(rule + "statuses", "401");
        properties.put(rule + "key", key);
        properties.put(rule + "max-retry", "5");
        return properties;
    }

    /** The WARN lines of a start-up. */
    private static List<String> warnings(String printed) {
        return printed.lines().filter(line -> line.contains(" WARN ")).toList();
    }

    /** README's {@code login-per-username}, written as properties, with the given action. */
    private static Map<String, String> readmeRule(String action) {
        Map<String, String> properties = perUserName("body:/username");
        String rule = "abuse-guard.failure.rules.login-per-username.";
        properties.put(rule + "distinct", "ip");
        properties.put(rule + "find-time", "1h");
        properties.put(rule + "ban-time", "1h");
        if (action != null) {
            properties.put(rule + "action", action);
        }
        return properties;
    }

    /** user74 F1: a tarpit under {@code then: reject} refuses the owner after the delay, as README says the starter warns. */
    @Test
    void aTarpittedUserNameRuleUnderThenRejectWarnsAsTheStarterDoes() {
        assertThat(warnings(startUp(readmeRule("tarpit"))))
                .anySatisfy(
                        line -> assertThat(line).contains("login-per-username").contains("abuse-guard.tarpit.then"));
    }

    /** user74 F1: the default action refuses the owner's right password for the ban's time. */
    @Test
    void aRefusingUserNameRuleWarnsThatAnyoneCanLockTheOwnerOut() {
        assertThat(warnings(startUp(readmeRule(null))))
                .anySatisfy(line -> assertThat(line).contains("login-per-username"));
    }

    /** With {@code then: pass} the owner's answer comes after the delay. */
    @Test
    void thenPassQuietsTheTarpitWarning() {
        Map<String, String> properties = readmeRule("tarpit");
        properties.put("abuse-guard.tarpit.then", "pass");
        assertThat(warnings(startUp(properties)))
                .noneSatisfy(line -> assertThat(line).contains("login-per-username"));
    }

    /** Held: the address joined to the name is quiet. */
    @Test
    void aRuleKeyedByTheAddressAndTheNameIsQuiet() {
        assertThat(lockOutWarnings(startUp(perUserName("ip+body:/username")))).isEmpty();
        assertThat(lockOutWarnings(startUp(perUserName("body:/username")))).hasSize(1);
    }

    /**
     * F7: key kinds parse in any case ({@code KeyResolver.parse} lower-cases them), but the WARN's own reading of the
     * key ({@code writtenByClients}) is case-sensitive: {@code Body:/username} bans the owner as {@code body:} does,
     * and says nothing.
     */
    @Test
    void aKeyKindWrittenInCapitalsWarnsAsItsLowerCaseSpellingDoes() {
        assertThat(lockOutWarnings(startUp(perUserName("Body:/username"))))
                .as("key Body:/username")
                .hasSize(1);
    }

    /**
     * F8: the rule's only path is under {@code abuse-guard.routes.monitor}: the start-up says both that the rule "only
     * reports what it would deny" and, as a WARN, that anyone bans the owner's name and the owner is refused. On a
     * monitored route nothing is refused; the monitored form (INFO) is the one that fits, as for a monitored guard.
     */
    @Test
    void aRuleOnAMonitoredRouteIsNotWarnedAsRefusingTheOwner() {
        Map<String, String> properties = perUserName("body:/username");
        properties.put("abuse-guard.routes.monitor", "/api/login");
        assertThat(lockOutWarnings(startUp(properties))).as("WARN lines").isEmpty();
    }

    /**
     * review138 F4: a tenant header joined to the user name ({@code header:X-Tenant+body:/username}) names others as the key
     * resolver reads it ({@code KeyResolver.namesOthers}: a non-authorization header part does not make it the
     * client's own), so anyone who sends a tenant and a user's name bans it, and an annotated rule with this key is
     * warned of; the properties' rule is read by {@code writtenByClients}, which knows no {@code header:} part, and is
     * quiet.
     */
    @Test
    void aTenantHeaderJoinedToTheUserNameWarnsAsTheResolverReadsIt() {
        assertThat(KeyResolver.parse("header:X-Tenant+body:/username").namesOthers())
                .as("control: the resolver reads the key as naming others")
                .isTrue();
        assertThat(lockOutWarnings(startUp(perUserName("header:X-Tenant+body:/username"))))
                .as("WARN lines for key header:X-Tenant+body:/username")
                .hasSize(1);
    }
}
