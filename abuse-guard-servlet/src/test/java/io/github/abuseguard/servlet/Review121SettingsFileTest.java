package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.failure.FailureSettings;
import io.github.abuseguard.ratelimit.RateLimitSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** review121: settings files and their x- template roots. */
class Review121SettingsFileTest {

    @TempDir
    Path dir;

    /** Held (should still load): what loaded before the anchor check. */
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
