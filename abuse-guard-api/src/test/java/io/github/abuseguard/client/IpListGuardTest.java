package io.github.abuseguard.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.testing.FakeTimeSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IpListGuardTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    @TempDir
    Path dir;

    private static GuardRequest from(String address) {
        return GuardRequest.builder("GET", "/").client(address).build();
    }

    @Test
    void deniedBlocksAreRefusedInBothFamilies() {
        IpListGuard guard = IpListGuard.builder()
                .deny("203.0.113.0/24", "2001:db8:bad::/48")
                .build();
        assertThat(guard.check(from("203.0.113.9")).status()).isEqualTo(403);
        assertThat(guard.check(from("2001:db8:bad:1::7")).isDeny()).isTrue();
        assertThat(guard.check(from("203.0.114.9")).isAllow()).isTrue();
    }

    @Test
    void anAllowedClientSkipsEveryLaterGuard() {
        Guard refuseAll = new Guard() {
            @Override
            public String name() {
                return "refuse-all";
            }

            @Override
            public Decision check(GuardRequest request) {
                return Decision.deny(Action.REJECT)
                        .guard("refuse-all")
                        .reason("no")
                        .build();
            }
        };
        AbuseGuard engine = AbuseGuard.builder()
                .guard(IpListGuard.builder().allow("198.51.100.0/24").build())
                .guard(refuseAll)
                .build();
        assertThat(engine.evaluate(from("198.51.100.7")).isDenied()).isFalse();
        assertThat(engine.evaluate(from("192.0.2.7")).isDenied()).isTrue();
    }

    @Test
    void aListFileIsReadAgainWhenItChangesAndKeptWhenItBreaks() throws Exception {
        Path file = dir.resolve("deny.txt");
        Files.writeString(file, "# clone site hosts\n203.0.113.0/24\n");
        IpListGuard guard = IpListGuard.builder()
                .denyFile(file)
                .reloadInterval(Duration.ofSeconds(10))
                .timeSource(clock)
                .build();
        assertThat(guard.check(from("203.0.113.5")).isDeny()).isTrue();
        assertThat(guard.check(from("192.0.2.5")).isAllow()).isTrue();

        Files.writeString(file, "192.0.2.0/24 # moved\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(guard.check(from("192.0.2.5")).isAllow())
                .as("not before the interval")
                .isTrue();
        clock.advance(Duration.ofSeconds(11));
        assertThat(guard.check(from("192.0.2.5")).isDeny()).isTrue();
        assertThat(guard.check(from("203.0.113.5")).isAllow()).isTrue();

        Files.writeString(file, "not a cidr\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        clock.advance(Duration.ofSeconds(11));
        assertThat(guard.check(from("192.0.2.5")).isDeny())
                .as("the last good list stays")
                .isTrue();
    }
}
