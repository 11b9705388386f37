package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.config.InvalidSettingException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * user74 F3: README's login rules are {@code @FailureLimit} annotations, "each [attribute] as the property of the
 * same name under abuse-guard.failure.rules.NAME". A plain servlet user who writes them in a settings file that way
 * gets start-up errors that do not say what to write instead: {@code underAttack = true} is
 * {@code under-attack.enabled: true}, {@code countRequests = true} is {@code counting: requests}; and
 * {@code statuses: [401, 403]}, a list, is refused without the spelling README gives ({@code statuses: 401,403}).
 */
class User74SettingsMessagesTest {

    @TempDir
    Path dir;

    private Path file(String rule) throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(
                file,
                "abuse-guard:\n  failure:\n    rules:\n      login:\n        paths: [/api/login]\n" + "        " + rule
                        + "\n");
        return file;
    }

    @Test
    void underAttackWrittenAsTheAnnotationsFlagNamesTheEnabledProperty() throws Exception {
        // fails: "needs nested properties, not a value"
        Path file = file("under-attack: true");
        assertThatThrownBy(() -> AbuseGuardFilter.fromSettings(SettingsFile.load(file)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("under-attack.enabled");
    }

    @Test
    void countRequestsWrittenAsTheAnnotationsAttributeNamesCountingRequests() throws Exception {
        // fails: "unknown property 'count-requests'; known here: [..., counting, ...]" says no value
        Path file = file("count-requests: true");
        assertThatThrownBy(() -> AbuseGuardFilter.fromSettings(SettingsFile.load(file)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("counting: requests");
    }

    @Test
    void aListOfStatusesIsRefusedWithTheSpellingThatWorks() throws Exception {
        // fails: "takes one value, but a list was given (...statuses[0])"
        Path file = file("statuses: [401, 403]");
        assertThatThrownBy(() -> AbuseGuardFilter.fromSettings(SettingsFile.load(file)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("401,403");
    }

    // review137 F9: the list hint named commas for every one-value property; a key's parts join by +, and an action
    // takes one value, not a joined list

    @Test
    void aListOfKeyPartsIsNotToldToJoinThemByCommas() throws Exception {
        Path file = file("key: [ip, body:/username]");
        assertThatThrownBy(() -> AbuseGuardFilter.fromSettings(SettingsFile.load(file)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageNotContaining("joined by commas")
                .hasMessageContaining("ip+body:/username");
    }

    @Test
    void aListOfActionsIsNotToldToJoinThemByCommas() throws Exception {
        Path file = file("action: [tarpit, log]");
        assertThatThrownBy(() -> AbuseGuardFilter.fromSettings(SettingsFile.load(file)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageNotContaining("joined by commas");
    }
}
