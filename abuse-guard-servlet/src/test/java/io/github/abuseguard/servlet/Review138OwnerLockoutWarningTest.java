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

/** review138: {@code failure.OwnerLockOuts} (5d44c8a1) as the servlet filter runs it. */
class Review138OwnerLockoutWarningTest {

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

    /**
     * F4: a tenant header joined to the user name ({@code header:X-Tenant+body:/username}) names others as the key
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
