package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.internal.Refresher;
import io.github.abuseguard.testing.ManualRefresher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDomainSourceTest {

    @TempDir
    Path dir;

    @Test
    void theFileIsReadAgainOnlyByTheRefresherAndABrokenFileKeepsTheLastList() throws Exception {
        Path file = dir.resolve("disposable.txt");
        Files.writeString(file, "mailinator.com\n");
        ManualRefresher refresher = new ManualRefresher();
        FileDomainSource source = new FileDomainSource(file, Duration.ofMinutes(5), refresher);
        assertThat(refresher.intervals()).containsExactly(Duration.ofMinutes(5));
        assertThat(source.current().size()).isEqualTo(1);

        Files.writeString(file, "mailinator.com\nyopmail.com\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        for (int i = 0; i < 100; i++) {
            assertThat(source.current().size())
                    .as("requests never read the file")
                    .isEqualTo(1);
        }
        refresher.runOnce();
        assertThat(source.current().size()).isEqualTo(2);

        Files.delete(file);
        refresher.runOnce();
        assertThat(source.current().size()).as("the last good list stays").isEqualTo(2);
    }

    @Test
    void closingTheSourceStopsItsRefresher() throws Exception {
        Path file = dir.resolve("disposable.txt");
        Files.writeString(file, "mailinator.com\n");
        ManualRefresher refresher = new ManualRefresher();
        FileDomainSource source = new FileDomainSource(file, Duration.ofMinutes(5), refresher);

        source.close();

        assertThat(refresher.isClosed()).isTrue();
    }

    @Test
    void theDefaultDaemonRefresherRefusesWorkOnceClosed() throws Exception {
        Path file = dir.resolve("disposable.txt");
        Files.writeString(file, "mailinator.com\n");
        Refresher daemon = Refresher.daemon("test-refresher");
        new FileDomainSource(file, Duration.ofMinutes(5), daemon).close();

        assertThatThrownBy(() -> daemon.every(Duration.ofMinutes(1), () -> {}))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFileThatCannotBeReadAtStartUpFailsInsteadOfDroppingTheList() {
        ManualRefresher refresher = new ManualRefresher();

        assertThatThrownBy(() -> new FileDomainSource(dir.resolve("typo.txt"), Duration.ofMinutes(5), refresher))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("typo.txt");
        assertThat(refresher.isClosed()).as("no refresher left running").isTrue();
    }
}
