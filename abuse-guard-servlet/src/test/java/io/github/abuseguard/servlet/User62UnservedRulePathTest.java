package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.RouteTable;
import io.github.abuseguard.config.AbuseGuardSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * user62 F1: a plain-servlet application that gives its route templates to fromSettings and misspells a
 * rule's path ({@code /api/logon} beside the route {@code /api/login}) gets a rule that never applies and
 * no word at start-up; the Spring Boot starter warns naming {@code ...rules.login.paths[0]}.
 */
class User62UnservedRulePathTest {

    /** What building the filter of these settings with the given routes logs. */
    private static String startUp(AbuseGuardSettings settings) {
        PrintStream original = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
            AbuseGuardFilter.fromSettings(
                            settings,
                            add -> add.routes(RouteTable.of(List.of("/api/login", "/api/signup", "/api/items/{id}"))))
                    .destroy();
        } finally {
            System.setErr(original);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aRulePathThatMatchesNoGivenRouteIsAWarningNamingIt() {
        AbuseGuardSettings settings = AbuseGuardSettings.bind(Map.of(
                "abuse-guard.failure.rules.login.paths", "/api/logon",
                "abuse-guard.failure.rules.login.statuses", "401"));
        assertThat(startUp(settings))
                .contains("WARN")
                .contains(
                        "abuse-guard.failure.rules.login.paths[0]: '/api/logon' matches no route given to the filter");
    }

    @Test
    void rulePathsOfGivenRoutesAreNotWarnedAbout() {
        AbuseGuardSettings settings = AbuseGuardSettings.bind(Map.of(
                "abuse-guard.failure.rules.login.paths[0]", "/api/login",
                "abuse-guard.failure.rules.login.paths[1]", "/api/items/**",
                "abuse-guard.failure.rules.login.paths[2]", "/api/items/{id}",
                "abuse-guard.failure.rules.login.statuses", "401"));
        assertThat(startUp(settings)).doesNotContain("matches no route");
    }
}
