package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.failure.FailureSettings;
import io.github.abuseguard.ratelimit.RateLimitSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Settings files that started a filter other than the one they say, silently: keys outside the root, indexes and
 * dots not written plainly (probe69a), one setting reached by two spellings along its path (review117, review118,
 * review119), and the files that must still load.
 */
class SettingsFileSpellingTest {

    @TempDir
    Path dir;

    /**
     * probe69a F1: a root beside {@code abuse-guard:} is ignored when one other key is under it: an indentation slip
     * that puts {@code rate-limit:} at the root, or a misspelt second root, started the filter with no rate limit
     * (10 of 10 logins through where the file says 5).
     */
    @ParameterizedTest(name = "[{0}]")
    @ValueSource(
            strings = {
                "abuse-guard:\n  routes:\n    exempt: [/health]\nrate-limit:\n  rules:\n    login:\n"
                        + "      paths: [/api/login]\n      limits: [{capacity: 5, period: 1m}]\n",
                "abuse-guard:\n  routes:\n    exempt: [/health]\nabuse_guard:\n  rate-limit:\n    rules:\n"
                        + "      login:\n        paths: [/api/login]\n        limits: [{capacity: 5, period: 1m}]\n",
                "abuse-guard:\n  routes:\n    exempt: [/health]\nAbuse-Guard:\n  rate-limit:\n    rules:\n"
                        + "      login:\n        paths: [/api/login]\n        limits: [{capacity: 5, period: 1m}]\n"
            })
    void aSecondRootBesideAbuseGuardFails(String yaml) throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(file, yaml);

        assertThatThrownBy(() -> SettingsFile.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds settings outside abuse-guard");
    }

    /** As F1, in a properties file: a key outside abuse-guard's is refused, placeholder or not, naming it. */
    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"abuse-gaurd.rate-limit.rules.login.limits[0].capacity=1", "not-ours=${NOT_SET}"})
    void aPropertiesKeyOutsideAbuseGuardFails(String extra) throws Exception {
        Path file = dir.resolve("abuse-guard.properties");
        Files.writeString(file, "abuse-guard.routes.exempt=/health\n" + extra + "\n");

        assertThatThrownBy(() -> SettingsFile.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(extra.substring(0, extra.indexOf('=')));
    }

    /**
     * probe69a F2: a list index spelt {@code [00]} is the binder's {@code [0]}, but not the duplicate check's: a capacity
     * of 5 became 500 (10 of 10 through), with no start-up failure.
     */
    @ParameterizedTest(name = "[{0}]")
    @ValueSource(
            strings = {
                "abuse-guard:\n  rate-limit:\n    rules:\n      login:\n        paths: [/api/login]\n"
                        + "        limits:\n          - capacity: 5\n            period: 1m\n"
                        + "        limits[00].capacity: 500\n",
                "abuse-guard:\n  rate-limit:\n    rules:\n      login:\n        paths: [/api/login]\n"
                        + "        limits:\n          - capacity: 5\n            period: 1m\n"
                        + "        limits[+0].capacity: 500\n"
            })
    void anIndexSpeltAnotherWayIsStillTheSameSetting(String yaml) throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(file, yaml);

        assertThatThrownBy(() -> SettingsFile.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limits[")
                .hasMessageContaining("is not a list index");
    }

    /**
     * probe69a F3: a key with a doubled dot ({@code limits[0]..capacity}, {@code rate-limit..rules}) or a missing one
     * ({@code limits[0]capacity}) loads without a word; the first two replaced a capacity of 5 with 500.
     */
    @ParameterizedTest(name = "[{0}]")
    @ValueSource(
            strings = {
                "abuse-guard.rate-limit.rules.login.limits[0]..capacity=500",
                "abuse-guard.rate-limit..rules.login.limits[0].capacity=500",
                "abuse-guard.rate-limit.rules.login.limits[0]capacity=500"
            })
    void aKeyWithADoubledOrMissingDotFails(String extra) throws Exception {
        Path file = dir.resolve("abuse-guard.properties");
        Files.writeString(
                file,
                "abuse-guard.rate-limit.rules.login.paths=/api/login\n"
                        + "abuse-guard.rate-limit.rules.login.limits[0].capacity=5\n"
                        + "abuse-guard.rate-limit.rules.login.limits[0].period=1m\n"
                        + extra + "\n");

        assertThatThrownBy(() -> AbuseGuardFilter.fromSettings(SettingsFile.load(file)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(extra.substring(0, extra.indexOf('=')))
                .hasMessageContaining("malformed property name");
    }

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

    /** A template's anchored value may be merged and partly overridden: the override is read. */
    @Test
    void aMergedTemplateTakesItsOverride() throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(
                file,
                "x-limit: &limit {capacity: 5, period: 1m}\n"
                        + "abuse-guard:\n  rate-limit:\n    rules:\n      login:\n        paths: [/api/login]\n"
                        + "        limits: [{<<: *limit, capacity: 10}]\n");

        AbuseGuardSettings settings = SettingsFile.load(file);

        assertThat(settings.section(RateLimitSettings.class)
                        .rules()
                        .get("login")
                        .limits()
                        .get(0)
                        .capacity())
                .isEqualTo(10L);
    }

    /**
     * review118 F4: a template root held any block unread, so a section indented under it by a slip, or a root spelt
     * {@code x-abuse-guard:}, started the filter without its rules. A value no anchor holds is refused, named.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "a root spelt x-abuse-guard | x-abuse-guard:\\n  rate-limit:\\n    rules:\\n      login:\\n        paths: [/api/login]\\n        limits: [{capacity: 5, period: 1m}]\\nabuse-guard:\\n  routes:\\n    exempt: [/health]\\n | x-abuse-guard.rate-limit.rules.login.paths[0]",
                "a section indented under a template | x-limit: &limit {capacity: 5, period: 1m}\\nx-rules:\\n  failure:\\n    rules:\\n      login: {paths: [/login]}\\nabuse-guard:\\n  rate-limit:\\n    rules:\\n      login: {paths: [/api/login], limits: [*limit]}\\n | x-rules.failure.rules.login.paths[0]"
            })
    void aValueNoAnchorHoldsUnderATemplateRootIsRefused(String layout, String yaml, String named) throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(file, yaml.replace("\\n", "\n"));

        assertThatThrownBy(() -> SettingsFile.load(file))
                .as(layout)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + named + "'")
                .hasMessageContaining("never read");
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

    /**
     * F2: review118 F1's check compares the writers of one slot; a list set whole under one spelling and by index under
     * another writes different slots (the record's component, then the list's item), and the later silently wins.
     * Loaded as apiKeys {k1=[https://evil.example]}.
     */
    @Test
    void aKeysOriginsSetWholeAndByIndexUnderTwoSpellingsFails() throws Exception {
        assertThatThrownBy(() -> loadProperties("abuse-guard.origin.rules.api.paths=/api/**\n"
                        + "abuse-guard.origin.rules.api.api-keys.k1=https://widget.example\n"
                        + "abuse-guard.origin.rules.api.apiKeys.k1[0]=https://evil.example\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
    }

    /** F2: the same for a rule's paths; loaded as paths [/elsewhere], the rule no longer watches /api/login. */
    @Test
    void pathsSetWholeAndByIndexUnderTwoSpellingsFails() throws Exception {
        assertThatThrownBy(() -> loadProperties("abuse-guard.rate-limit.rules.login.paths=/api/login\n"
                        + "abuse-guard.rate-limit.Rules.login.paths[0]=/elsewhere\n"
                        + "abuse-guard.rate-limit.rules.login.limits[0].capacity=5\n"
                        + "abuse-guard.rate-limit.rules.login.limits[0].period=1m\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
    }

    /** review121: held (should still load): what loaded before the anchor check. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "a scalar template | x-cap: &cap 5\\nabuse-guard:\\n  rate-limit:\\n    rules:\\n      login: {paths: [/api/login], limits: [{capacity: *cap, period: 1m}]}\\n",
                "a sequence template | x-paths: &paths [/api/login, /api/signin]\\nabuse-guard:\\n  rate-limit:\\n    rules:\\n      login: {paths: *paths, limits: [{capacity: 5, period: 1m}]}\\n",
                "unanchored root of anchored templates | x-t:\\n  cap: &cap 5\\n  period: &period 1m\\nabuse-guard:\\n  rate-limit:\\n    rules:\\n      login: {paths: [/api/login], limits: [{capacity: *cap, period: *period}]}\\n",
                "nested anchors and a merge chain | x-base: &base {period: 1m}\\nx-t: &t\\n  limit: &limit\\n    <<: *base\\n    capacity: 5\\nabuse-guard:\\n  rate-limit:\\n    rules:\\n      login: {paths: [/api/login], limits: [*limit]}\\n",
                "an alias to a template in a template | x-a: &a {capacity: 5, period: 1m}\\nx-b: *a\\nabuse-guard:\\n  rate-limit:\\n    rules:\\n      login: {paths: [/api/login], limits: [*a]}\\n",
                "two documents each with a template | x-a: &a {capacity: 5, period: 1m}\\nabuse-guard:\\n  rate-limit:\\n    rules:\\n      login: {paths: [/api/login], limits: [*a]}\\n---\\nx-p: &p [/api/x]\\nabuse-guard:\\n  rate-limit:\\n    rules:\\n      x: {paths: *p, limits: [{capacity: 5, period: 1m}]}\\n",
                "an anchor on its own line | x-t:\\n  &limit\\n  capacity: 5\\n  period: 1m\\nabuse-guard:\\n  rate-limit:\\n    rules:\\n      login: {paths: [/api/login], limits: [*limit]}\\n",
                "an empty template | x-t:\\nabuse-guard:\\n  rate-limit:\\n    rules:\\n      login: {paths: [/api/login], limits: [{capacity: 5, period: 1m}]}\\n"
            })
    void aFileThatLoadedBeforeStillLoads(String layout, String yaml) throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(file, yaml.replace("\\n", "\n"));

        AbuseGuardSettings settings = SettingsFile.load(file);

        assertThat(settings.section(RateLimitSettings.class).rules()).as(layout).containsKey("login");
    }

    /**
     * review121 F5: an anchored template that no alias refers to is as unread as an unanchored one (review118 F4):
     * a root spelt x-abuse-guard: with an anchor, or a rule indented under a template that is never used, starts the
     * filter without the rule.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "an anchored root no alias refers to | x-abuse-guard: &guard\\n  failure:\\n    rules:\\n      login: {paths: [/login], statuses: [401], key: ip}\\nabuse-guard:\\n  routes:\\n    exempt: [/health]\\n",
            })
    void anAnchoredTemplateNoAliasRefersToIsRefused(String layout, String yaml) throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(file, yaml.replace("\\n", "\n"));

        assertThatThrownBy(() -> {
                    AbuseGuardSettings settings = SettingsFile.load(file);
                    // were it loaded, the rule would be missing
                    System.err.println("loaded, failure rules: "
                            + settings.section(FailureSettings.class).rules().keySet());
                })
                .as(layout)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x-abuse-guard");
    }

    /** review121 F5: a properties file has no anchors, so an x- key there is never read either. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "a properties root spelt x-abuse-guard | x-abuse-guard.failure.rules.login.paths=/login\\nabuse-guard.routes.exempt=/health\\n",
            })
    void anXKeyInAPropertiesFileIsRefused(String layout, String properties) throws Exception {
        Path file = dir.resolve("abuse-guard.properties");
        Files.writeString(file, properties.replace("\\n", "\n"));

        assertThatThrownBy(() -> SettingsFile.load(file))
                .as(layout)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x-abuse-guard");
    }
}
