package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** probe69a: settings files that started a filter other than the one they say, silently. */
class Probe69aSettingsFileTest {

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
}
