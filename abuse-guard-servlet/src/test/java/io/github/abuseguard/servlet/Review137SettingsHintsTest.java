package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.config.InvalidSettingException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * review137 F9: 1a489b55's list hint (user74 F3) tells every single-value property given a list to join its items
 * by commas. A key's parts join by {@code +} ({@code ip+body:/username}); {@code key: ip,body:/username}, written as
 * told, fails again ("unknown part 'ip,body:/username'"). An action takes one value, not a joined list.
 */
class Review137SettingsHintsTest {

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
