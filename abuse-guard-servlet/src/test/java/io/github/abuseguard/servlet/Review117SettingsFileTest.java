package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.ratelimit.RateLimitSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** review117: bb1a5a99's canonical-form and own-settings checks of settings files. */
class Review117SettingsFileTest {

    @TempDir
    Path dir;

    /**
     * F1: a map key quoted in brackets, as Spring Boot's YAML takes a key holding a dot ({@code "[login.v2]":}), is
     * flattened by SettingsFile as {@code rules.[login.v2]}, which the binder took before bb1a5a99 (a rule named
     * {@code login.v2}) and now refuses as "malformed property name".
     */
    @Test
    void aBracketQuotedRuleNameInYamlStillLoads() throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(
                file,
                "abuse-guard:\n  rate-limit:\n    rules:\n      \"[login.v2]\":\n        paths: [/api/v2/login]\n"
                        + "        limits: [{capacity: 5, period: 1m}]\n");

        AbuseGuardSettings settings = SettingsFile.load(file);

        assertThat(settings.section(RateLimitSettings.class).rules()).containsOnlyKeys("login.v2");
    }

    /**
     * F2: a spelling of a segment before the last that the binder takes for the same property ({@code Limits},
     * {@code LIMITS}) sets a setting beside its plain spelling, past the "set twice" check: the later wins, silently.
     */
    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"Limits", "LIMITS"})
    void aNonLeafSegmentSpeltTwoWaysFails(String spelling) throws Exception {
        Path file = dir.resolve("abuse-guard.properties");
        Files.writeString(
                file,
                "abuse-guard.rate-limit.rules.login.paths=/api/login\n"
                        + "abuse-guard.rate-limit.rules.login.limits[0].capacity=5\n"
                        + "abuse-guard.rate-limit.rules.login.limits[0].period=1m\n"
                        + "abuse-guard.rate-limit.rules.login." + spelling + "[0].capacity=500\n");

        assertThatThrownBy(() -> SettingsFile.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
    }

    /** F2 in YAML: a nested record's name in another case, as a second mapping beside the first. */
    @Test
    void aNestedSectionSpeltTwoWaysInYamlFails() throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(
                file,
                "abuse-guard:\n  rate-limit:\n    rules:\n      login:\n        paths: [/api/login]\n"
                        + "        limits: [{capacity: 5, period: 1m}]\n"
                        + "        Limits: [{capacity: 500, period: 1m}]\n");

        assertThatThrownBy(() -> SettingsFile.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
    }

    /** Held (not a finding): a YAML merge key inside the block, and a --- document, load. */
    @Test
    void mergeKeysInsideTheBlockAndDocumentsLoad() throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(
                file,
                "abuse-guard:\n  rate-limit:\n    rules:\n      login: &rule\n        paths: [/api/login]\n"
                        + "        limits: [{capacity: 5, period: 1m}]\n"
                        + "      signup:\n        <<: *rule\n        key: network\n"
                        + "---\nabuse-guard:\n  routes:\n    exempt: [/health]\n");

        AbuseGuardSettings settings = SettingsFile.load(file);

        assertThat(settings.section(RateLimitSettings.class).rules()).containsOnlyKeys("login", "signup");
    }

    /** Probe (reported as a note): anchors kept at the root, outside the block, as a template. */
    @Test
    void aRootAnchorTemplateLoads() throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(
                file,
                "x-limit: &limit {capacity: 5, period: 1m}\n"
                        + "abuse-guard:\n  rate-limit:\n    rules:\n      login:\n        paths: [/api/login]\n"
                        + "        limits: [*limit]\n");

        AbuseGuardSettings settings = SettingsFile.load(file);

        assertThat(settings.section(RateLimitSettings.class).rules()).containsOnlyKeys("login");
    }

    /** Held: examples' servlet file loads. */
    @Test
    void theServletDemoFileLoads() {
        Path demo = Path.of("../examples/servlet-demo/src/main/resources/abuse-guard.yml");
        assertThat(SettingsFile.load(demo)).isNotNull();
    }

    /** Held: unicode digits, whitespace in an index, a space in a leaf are refused. */
    @ParameterizedTest(name = "[{0}]")
    @ValueSource(
            strings = {"limits[\u0660].capacity", "limits[0 ].capacity", "limits[ 0].capacity", "limits[0].capacity "})
    void oddSpellingsAreRefused(String key) throws Exception {
        Path file = dir.resolve("abuse-guard.properties");
        Files.writeString(
                file,
                "abuse-guard.rate-limit.rules.login.paths=/api/login\n"
                        + "abuse-guard.rate-limit.rules.login.limits[0].capacity=5\n"
                        + "abuse-guard.rate-limit.rules.login.limits[0].period=1m\n"
                        + "abuse-guard.rate-limit.rules.login." + key.replace(" ", "\\ ") + "=500\n");

        assertThatThrownBy(() -> SettingsFile.load(file)).isInstanceOf(IllegalArgumentException.class);
    }
}
