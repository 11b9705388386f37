package io.github.abuseguard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.github.abuseguard.GuardRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** review120: failing tests of the findings on the IP lists. */
class Review120Test {

    @TempDir
    Path dir;

    /**
     * A list file holds at most {@value IpListGuard#MAX_ENTRIES} blocks (README: "more than 10,000 blocks" fails), but
     * an entry in a 6to4, Teredo or IPv4-compatible form is counted twice (its IPv6 block and the IPv4 host it names):
     * a file of 6,000 6to4 /48s is refused at line 5,001 as holding "more than 10000 entries".
     */
    @Test
    void aFileOfSixThousand6to4EntriesIsWithinTheTenThousandBlocks() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 6_000; i++) {
            // 2002:c633:XXXX::/48 is 198.51.x.y: one host each
            lines.add(String.format("2002:c633:%04x::/48", i));
        }
        Path file = dir.resolve("deny.txt");
        Files.write(file, lines);

        assertThatCode(() -> IpListGuard.builder().denyFile(file).build().close())
                .as("6,000 lines, each one block as written")
                .doesNotThrowAnyException();
    }

    /** The blocks in force, as the operator reads them back: each entry once, not once per form it names. */
    @Test
    void aListShowsA6to4EntryOnce() {
        IpListGuard guard = IpListGuard.builder().deny("2002:c633:6408::/48").build();

        assertThat(guard.denied()).as("the deny list as written: one entry").hasSize(1);
    }

    /**
     * An IPv4-compatible block names its IPv4 block from /104 (an IPv4 /8) on, but a 6to4 block only from /48 (one
     * host): 2002:c633:6400::/40 is 198.51.100.0/24 exactly as ::198.51.100.0/120 is, yet its hosts calling over IPv4
     * pass the deny list while their 6to4 addresses are denied (probe70a F1 for a block instead of a host).
     */
    @Test
    void aDenied6to4BlockDeniesItsIpv4HostsAsTheSameIpv4CompatibleBlockDoes() {
        GuardRequest host =
                GuardRequest.builder("GET", "/").client("198.51.100.8").build();
        assertThat(IpListGuard.builder()
                        .deny("::198.51.100.0/120")
                        .build()
                        .check(host)
                        .isDeny())
                .as("control: the IPv4-compatible form of 198.51.100.0/24")
                .isTrue();

        assertThat(IpListGuard.builder()
                        .deny("2002:c633:6400::/40")
                        .build()
                        .check(host)
                        .isDeny())
                .as("the 6to4 form of 198.51.100.0/24")
                .isTrue();
    }
}
