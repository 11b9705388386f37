package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * review118 F1: 8565cb08's Draft.setOnce refuses one record component set by two spellings of a section along its path,
 * but a setting whose last step is a list item ({@code paths[0]}) or a map entry ({@code api-keys.KEY}) is no
 * component: two spellings of a section above it still bind both, and the later silently wins.
 */
class Review118SettingsFileTest {

    @TempDir
    Path dir;

    private void loadProperties(String text) throws Exception {
        Path file = dir.resolve("abuse-guard.properties");
        Files.writeString(file, text);
        SettingsFile.load(file);
    }

    /** Loaded as paths [/elsewhere]: the rule no longer watches /api/login. */
    @Test
    void aListItemUnderASectionSpeltTwoWaysFails() throws Exception {
        assertThatThrownBy(() -> loadProperties("abuse-guard.rate-limit.rules.login.paths[0]=/api/login\n"
                        + "abuse-guard.rate-limit.Rules.login.paths[0]=/elsewhere\n"
                        + "abuse-guard.rate-limit.rules.login.limits[0].capacity=5\n"
                        + "abuse-guard.rate-limit.rules.login.limits[0].period=1m\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
    }

    /** Loaded as apiKeys {k1=[https://evil.example]}: the key bound to the other origin, without a word. */
    @Test
    void aMapEntryUnderASectionSpeltTwoWaysFails() throws Exception {
        assertThatThrownBy(() -> loadProperties("abuse-guard.origin.rules.api.paths=/api/**\n"
                        + "abuse-guard.origin.rules.api.api-keys.k1=https://widget.example\n"
                        + "abuse-guard.origin.rules.api.apiKeys.k1=https://evil.example\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
    }

    /** A rule's name plain and in brackets (8565cb08 joins the latter as rules[login]): loaded as paths [/b]. */
    @Test
    void aRuleNamedPlainAndInBracketsFails() throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(
                file,
                "abuse-guard:\n  rate-limit:\n    rules:\n      login:\n        paths: [/api/login]\n"
                        + "        limits: [{capacity: 5, period: 1m}]\n"
                        + "      \"[login]\":\n        paths: [/b]\n");
        assertThatThrownBy(() -> SettingsFile.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
    }
}
