package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.config.AbuseGuardSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * user74 F1: README ("Failures, bans and the under-attack mode") says a failure rule keyed by the user name alone
 * that answers with the tarpit under {@code tarpit.then: reject} WARNs at start-up (user73 F2), since five
 * strangers' wrong passwords then refuse the owner's right one. The check lives in the Spring starter only; a plain
 * servlet filter built from the same settings starts silently. With the default action ({@code throttle}) the owner is
 * refused at once (user74: alice's right password from a fresh address got 429 after five addresses guessed), and
 * neither the starter nor the filter says a word.
 */
class User74OwnerLockoutWarningTest {

    /** What the filter of these properties logs while it is built. */
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

    /** The WARN lines of a start-up. */
    private static java.util.List<String> warnings(String printed) {
        return printed.lines().filter(line -> line.contains(" WARN ")).toList();
    }

    /** README's {@code login-per-username}, written as properties, with the given action. */
    private static Map<String, String> perUserName(String action) {
        Map<String, String> properties = new LinkedHashMap<>();
        String rule = "abuse-guard.failure.rules.login-per-username.";
        properties.put(rule + "paths", "/api/login");
        properties.put(rule + "methods", "POST");
        properties.put(rule + "statuses", "401");
        properties.put(rule + "key", "body:/username");
        properties.put(rule + "distinct", "ip");
        properties.put(rule + "max-retry", "5");
        properties.put(rule + "find-time", "1h");
        properties.put(rule + "ban-time", "1h");
        if (action != null) {
            properties.put(rule + "action", action);
        }
        return properties;
    }

    @Test
    void aTarpittedUserNameRuleUnderThenRejectWarnsAsTheStarterDoes() {
        // fails: the WARN of WeakenedProtection.warnAboutOwnersTarpitted is the starter's only
        assertThat(warnings(startUp(perUserName("tarpit"))))
                .anySatisfy(
                        line -> assertThat(line).contains("login-per-username").contains("abuse-guard.tarpit.then"));
    }

    @Test
    void aRefusingUserNameRuleWarnsThatAnyoneCanLockTheOwnerOut() {
        // fails: the default action refuses the owner's right password for the ban's time, and nothing says so
        assertThat(warnings(startUp(perUserName(null))))
                .anySatisfy(line -> assertThat(line).contains("login-per-username"));
    }

    @Test
    void thenPassQuietsTheTarpitWarning() {
        // no finding (control): with then: pass the owner's answer comes after the delay
        Map<String, String> properties = perUserName("tarpit");
        properties.put("abuse-guard.tarpit.then", "pass");
        assertThat(warnings(startUp(properties)))
                .noneSatisfy(line -> assertThat(line).contains("login-per-username"));
    }
}
