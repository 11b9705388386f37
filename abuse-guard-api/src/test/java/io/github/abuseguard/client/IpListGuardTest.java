package io.github.abuseguard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.internal.SettingsAssembler;
import io.github.abuseguard.internal.SettingsBinder;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.ManualRefresher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IpListGuardTest {
    @TempDir
    Path dir;

    private static GuardRequest from(String address) {
        return GuardRequest.builder("GET", "/").client(address).build();
    }

    private static Guard fromProperties(Map<String, String> properties) {
        return SettingsAssembler.guard(
                SettingsBinder.bind(properties),
                IpListGuardFactory.NAME,
                GuardContext.builder()
                        .store(LocalStateStore.builder().build())
                        .timeSource(TimeSource.system())
                        .build());
    }

    /**
     * probe48b F6: a host keyed by its IPv4 address when it comes over 6to4, Teredo or an IPv4-compatible address is
     * that host for the lists too; a denied one came back through its 6to4 /48.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {"198.51.100.5", "2002:c633:6405::1", "2002:c633:6405:77::9", "::198.51.100.5"})
    void aListNamesAnIpv4HostOverTheIpv6NetworksItOwns(String address) {
        IpListGuard denying = IpListGuard.builder().deny("198.51.100.0/24").build();
        IpListGuard allowing = IpListGuard.builder().allow("198.51.100.5/32").build();

        assertThat(denying.check(from(address)).isDeny()).isTrue();
        assertThat(allowing.check(from(address)).isExempt()).isTrue();
        assertThat(denying.check(from("2002:c633:6505::1")).isDeny())
                .as("another host's 6to4")
                .isFalse();
    }

    /**
     * probe70a F1: the reverse of probe48b F6. A host that comes over 6to4, Teredo or an IPv4-compatible address is
     * keyed by its IPv4 address (one client, one bucket, one ban), but a list entry written in those forms stays an
     * IPv6 block: the same host calling natively from its IPv4 address is not denied.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
        "2002:c633:6408::/48, 198.51.100.8",
        "::198.51.100.13, 198.51.100.13",
        "2001:0:4136:e378:8000:63bf:39cc:9bf0, 198.51.100.15"
    })
    void aDenyEntryWrittenAsTheIpv6NetworkAnIpv4HostOwnsDeniesThatHost(String entry, String host) {
        IpListGuard denying = IpListGuard.builder().deny(entry).build();

        assertThat(denying.check(from(host)).isDeny())
                .as("%s is keyed as %s, and is denied by %s only over IPv6", host, host, entry)
                .isTrue();
    }

    @Test
    void aMalformedLineInADenyFileFailsStartUpNamingThePropertyTheFileAndTheLine() throws Exception {
        Path file = dir.resolve("deny.txt");
        Files.writeString(file, "# clone site hosts\n203.0.113.0/24\n203.0.113.300/24\n");

        assertThatThrownBy(() -> fromProperties(Map.of("abuse-guard.ip-lists.deny-file", file.toString())))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("abuse-guard.ip-lists.deny-file:")
                .hasMessageContaining(file.toString())
                .hasMessageContaining("line 3");
    }

    @Test
    void aMissingAllowFileFailsStartUpNamingThePropertyAndTheFile() {
        Path file = dir.resolve("absent.txt");

        assertThatThrownBy(() -> fromProperties(Map.of("abuse-guard.ip-lists.allow-file", file.toString())))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("abuse-guard.ip-lists.allow-file:")
                .hasMessageContaining(file.toString());
    }

    /** review9: a file caught half-written and completed within the same modification-time tick is read again. */
    @Test
    void aFileThatFailedToLoadIsTriedAgainEvenIfItsTimeDidNotChange() throws Exception {
        Path file = dir.resolve("deny.txt");
        Files.writeString(file, "203.0.113.0/24\n");
        ManualRefresher refresher = new ManualRefresher();
        IpListGuard guard =
                IpListGuard.builder().denyFile(file).refresher(refresher).build();
        FileTime tick = FileTime.from(Instant.now().plusSeconds(5));
        Files.writeString(file, "203.0.113.0/24\n192.0.2."); // caught mid-write
        Files.setLastModifiedTime(file, tick);
        refresher.runOnce();
        Files.writeString(file, "203.0.113.0/24\n192.0.2.0/24\n"); // the write completes in the same tick
        Files.setLastModifiedTime(file, tick);
        refresher.runOnce();

        assertThat(guard.denied()).containsExactly("203.0.113.0/24", "192.0.2.0/24");
    }

    /**
     * probe48b F2: a file caught half-written ends in a cut line, and a cut {@code /32} may be a valid {@code /3}: the
     * list denied 96.0.0.0/3, and kept it when the write completed within the same tick (its time unchanged). A
     * read whose last line has no end waits for the next interval; the size tells a completed write apart.
     */
    @Test
    void aFileCaughtWithACutLastLineIsNotAppliedAndItsCompletionIsRead() throws Exception {
        Path file = dir.resolve("deny.txt");
        Files.writeString(file, "203.0.113.0/24\n");
        ManualRefresher refresher = new ManualRefresher();
        IpListGuard guard =
                IpListGuard.builder().denyFile(file).refresher(refresher).build();
        FileTime tick = FileTime.from(Instant.now().plusSeconds(5));

        Files.writeString(file, "203.0.113.0/24\n100.64.14.32/3"); // caught mid-write: "/32" cut to "/3"
        Files.setLastModifiedTime(file, tick);
        refresher.runOnce();
        assertThat(guard.denied()).containsExactly("203.0.113.0/24");
        assertThat(guard.check(from("100.1.2.3")).isDeny()).isFalse();

        Files.writeString(file, "203.0.113.0/24\n100.64.14.32/32\n"); // completed within the same tick
        Files.setLastModifiedTime(file, tick);
        refresher.runOnce();
        assertThat(guard.denied()).containsExactly("203.0.113.0/24", "100.64.14.32/32");
    }

    /** A file written without a line end after its last line is applied once the next interval finds it unchanged. */
    @Test
    void aFileWithoutAFinalLineEndIsAppliedWhenItStaysSo() throws Exception {
        Path file = dir.resolve("deny.txt");
        Files.writeString(file, "203.0.113.0/24\n");
        ManualRefresher refresher = new ManualRefresher();
        IpListGuard guard =
                IpListGuard.builder().denyFile(file).refresher(refresher).build();

        Files.writeString(file, "203.0.113.0/24\n192.0.2.0/24");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        refresher.runOnce();
        assertThat(guard.denied()).containsExactly("203.0.113.0/24");
        refresher.runOnce();
        assertThat(guard.denied()).containsExactly("203.0.113.0/24", "192.0.2.0/24");
    }

    /** review9: {@code deny-file:} left empty, or {@code ${DENY_FILE:}} unset, is no file, not the working directory. */
    @Test
    void aBlankListFileMeansNoFile() {
        assertThat(fromProperties(Map.of("abuse-guard.ip-lists.deny-file", "", "abuse-guard.ip-lists.allow-file", " ")))
                .isNull();
    }

    @Test
    void aListFileThatBreaksOrDisappearsAtRunTimeKeepsTheLastGoodList() throws Exception {
        Path file = dir.resolve("deny.txt");
        Files.writeString(file, "203.0.113.0/24\n");
        ManualRefresher refresher = new ManualRefresher();
        IpListGuard guard =
                IpListGuard.builder().denyFile(file).refresher(refresher).build();

        Files.writeString(file, "203.0.113.0/24\n198.51.100.0/33\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        refresher.runOnce();
        assertThat(guard.denied()).containsExactly("203.0.113.0/24");

        Files.delete(file);
        refresher.runOnce();
        assertThat(guard.denied()).containsExactly("203.0.113.0/24");
        assertThat(guard.check(from("203.0.113.5")).isDeny()).isTrue();
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
    void aDenyFileReloadedEmptyIsInForceWithAWarningAndReadAgainUntilItHoldsBlocks() throws Exception {
        // probe19 L6: an emptied deny file lifted every deny with "loaded: 0 blocks" at INFO
        Path file = dir.resolve("deny.txt");
        Files.writeString(file, "203.0.113.0/24\n198.51.100.0/24\n192.0.2.0/24\n");
        ManualRefresher refresher = new ManualRefresher();
        IpListGuard guard =
                IpListGuard.builder().denyFile(file).refresher(refresher).build();
        FileTime emptied = FileTime.from(Instant.now().plusSeconds(5));
        Files.writeString(file, "");
        Files.setLastModifiedTime(file, emptied);

        String log = printedWhile(refresher::runOnce);

        assertThat(guard.check(from("203.0.113.5")).isAllow())
                .as("an operator may mean it")
                .isTrue();
        assertThat(log).contains("WARN").contains("shrank from 3 to 0 blocks");
        // completed within the same tick of the file's time, as a write caught half-way can be
        Files.writeString(file, "203.0.113.0/24\n");
        Files.setLastModifiedTime(file, emptied);
        assertThat(printedWhile(refresher::runOnce)).doesNotContain("WARN");
        assertThat(guard.check(from("203.0.113.5")).isDeny()).isTrue();
    }

    @Test
    void aDenyFileReloadedWithLessThanHalfItsBlocksIsAWarningAndOneThatLostFewerIsNot() throws Exception {
        Path file = dir.resolve("deny.txt");
        Files.writeString(file, "203.0.113.0/24\n198.51.100.0/24\n192.0.2.0/24\n10.9.0.0/16\n");
        ManualRefresher refresher = new ManualRefresher();
        IpListGuard guard =
                IpListGuard.builder().denyFile(file).refresher(refresher).build();
        Files.writeString(file, "203.0.113.0/24\n198.51.100.0/24\n192.0.2.0/24\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(printedWhile(refresher::runOnce)).doesNotContain("WARN");

        Files.writeString(file, "203.0.113.0/24\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        assertThat(printedWhile(refresher::runOnce)).contains("WARN").contains("shrank from 3 to 1 blocks");
        assertThat(guard.check(from("198.51.100.5")).isAllow()).isTrue();
    }

    /** What the guard logged (slf4j-simple prints to {@code System.err}) while {@code action} ran. */
    private static String printedWhile(Runnable action) {
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        try {
            System.setErr(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
            action.run();
        } finally {
            System.setErr(original);
        }
        return printed.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void anAllowedBlockSpanningPublicSpaceIsAWarningNamingItsProperty() {
        // cfg24 F2: the assembly path of both the servlet filter and the starter
        String log = printedWhile(() -> fromProperties(Map.of(
                "abuse-guard.ip-lists.allow", "10.0.0.0/8,0.0.0.0/0,198.51.100.0/24,203.0.113.5/8",
                "abuse-guard.ip-lists.deny", "0.0.0.0/0")));

        assertThat(log.lines().filter(line -> line.contains("spans public address space")))
                .hasSize(2)
                .allSatisfy(line -> assertThat(line).contains("WARN"))
                .anySatisfy(line -> assertThat(line)
                        .contains("abuse-guard.ip-lists.allow[1]: '0.0.0.0/0' spans public address space: every client"
                                + " in it is exempt from every guard"))
                .anySatisfy(line -> assertThat(line).contains("abuse-guard.ip-lists.allow[3]: '203.0.113.5/8' spans"));
    }

    @Test
    void aBlockWrittenWithHostBitsSetIsAWarningNamingTheWholeBlock() throws Exception {
        // cfg24 F8: '198.51.100.7/16' silently denied all of 198.51.0.0/16
        Path file = dir.resolve("deny.txt");
        Files.writeString(file, "192.0.2.0/24\n192.0.2.9/20 # one host?\n");
        String log = printedWhile(() -> fromProperties(Map.of(
                "abuse-guard.ip-lists.deny", "198.51.100.7/16,198.51.100.0/24",
                "abuse-guard.ip-lists.allow", "10.1.2.3/8",
                "abuse-guard.ip-lists.deny-file", file.toString())));

        assertThat(log.lines().filter(line -> line.contains("has host bits set")))
                .hasSize(3)
                .allSatisfy(line -> assertThat(line).contains("WARN"))
                .anySatisfy(
                        line -> assertThat(line)
                                .contains(
                                        "abuse-guard.ip-lists.deny[0]: '198.51.100.7/16' has host bits set, so it is the whole"
                                                + " block 198.51.0.0/16; write '198.51.0.0/16' if that is meant, or the address alone"))
                .anySatisfy(line -> assertThat(line).contains("abuse-guard.ip-lists.allow[0]: '10.1.2.3/8' has host"))
                .anySatisfy(line -> assertThat(line)
                        .contains(file + " line 2: '192.0.2.9/20' has host bits set, so it is the whole block"
                                + " 192.0.0.0/20"));
    }

    @Test
    void anAllowFileBlockSpanningPublicSpaceIsAWarningNamingTheFileAndLineAtEachLoad() throws Exception {
        Path file = dir.resolve("allow.txt");
        Files.writeString(file, "# offices\n198.51.100.0/24\n::/0\n");
        ManualRefresher refresher = new ManualRefresher();
        String log = printedWhile(
                () -> IpListGuard.builder().allowFile(file).refresher(refresher).build());
        assertThat(log)
                .contains("WARN")
                .contains("IP allow list " + file + " line 3: '::/0' spans public address space: every client in it is"
                        + " exempt from every guard");

        Files.writeString(file, "# offices\n198.51.100.0/24\n0.0.0.0/0 # temporary\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(printedWhile(refresher::runOnce))
                .contains("IP allow list " + file + " line 3: '0.0.0.0/0' spans public address space");

        Path deny = dir.resolve("deny.txt");
        Files.writeString(deny, "0.0.0.0/0\n");
        assertThat(printedWhile(() -> IpListGuard.builder()
                        .denyFile(deny)
                        .refresher(refresher)
                        .build()))
                .doesNotContain("spans public address space");
    }

    @Test
    void aListFileIsReadAgainInTheBackgroundWhenItChangesAndKeptWhenItBreaks() throws Exception {
        Path file = dir.resolve("deny.txt");
        Files.writeString(file, "# clone site hosts\n203.0.113.0/24\n");
        ManualRefresher refresher = new ManualRefresher();
        IpListGuard guard = IpListGuard.builder()
                .denyFile(file)
                .reloadInterval(Duration.ofSeconds(10))
                .refresher(refresher)
                .build();
        assertThat(refresher.intervals()).containsExactly(Duration.ofSeconds(10));
        assertThat(guard.check(from("203.0.113.5")).isDeny()).isTrue();
        assertThat(guard.check(from("192.0.2.5")).isAllow()).isTrue();

        Files.writeString(file, "192.0.2.0/24 # moved\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        for (int i = 0; i < 100; i++) {
            assertThat(guard.check(from("192.0.2.5")).isAllow())
                    .as("requests never read the file")
                    .isTrue();
        }
        refresher.runOnce();
        assertThat(guard.check(from("192.0.2.5")).isDeny()).isTrue();
        assertThat(guard.check(from("203.0.113.5")).isAllow()).isTrue();

        Files.writeString(file, "not a cidr\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        refresher.runOnce();
        assertThat(guard.check(from("192.0.2.5")).isDeny())
                .as("the last good list stays")
                .isTrue();
    }

    @Test
    void listFilesAreCheckedAtTheIntervalTheSettingsDefaultTo() throws Exception {
        Path file = dir.resolve("deny.txt");
        Files.writeString(file, "203.0.113.0/24\n");
        ManualRefresher refresher = new ManualRefresher();
        IpListGuard.builder().denyFile(file).refresher(refresher).build();

        assertThat(refresher.intervals())
                .containsExactly(SettingsBinder.defaults(IpListSettings.class).reloadInterval());
    }

    @Test
    void closingTheGuardStopsItsRefresher() throws Exception {
        Path file = dir.resolve("allow.txt");
        Files.writeString(file, "198.51.100.0/24\n");
        ManualRefresher refresher = new ManualRefresher();
        IpListGuard guard =
                IpListGuard.builder().allowFile(file).refresher(refresher).build();

        guard.close();

        assertThat(refresher.isClosed()).isTrue();
        Files.writeString(file, "192.0.2.0/24\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        refresher.runOnce();
        assertThat(guard.check(from("198.51.100.1")).isExempt())
                .as("the list in force stays after close")
                .isTrue();
    }

    @Test
    void aGuardWithoutFilesStartsNoRefresher() {
        ManualRefresher refresher = new ManualRefresher();
        IpListGuard.builder().deny("192.0.2.0/24").refresher(refresher).build();
        assertThat(refresher.intervals()).isEmpty();
    }

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

    private static final GuardRequest TRANSLATED =
            GuardRequest.builder("GET", "/api/scores").client("198.51.100.66").build();

    /**
     * The builder's translation prefixes apply only to the entries given after them: a deny entry written in the
     * operator's NAT64 prefix and then the prefix (as a builder is usually written: what to deny, then how) never
     * matches the translated client, which the resolver makes 198.51.100.66. Nothing says the entry was read as the
     * IPv6 block it cannot match.
     */
    @Test
    void aDenyEntryInTheTranslationPrefixDeniesTheTranslatedClientWhateverTheOrderOfTheBuildersCalls() {
        IpListGuard prefixFirst = IpListGuard.builder()
                .translationPrefixes(List.of("2001:db8:64::/96"))
                .deny("2001:db8:64::198.51.100.66")
                .build();
        assertThat(prefixFirst.check(TRANSLATED).isDeny())
                .as("control: the prefix given first")
                .isTrue();

        IpListGuard entryFirst = IpListGuard.builder()
                .deny("2001:db8:64::198.51.100.66")
                .translationPrefixes(List.of("2001:db8:64::/96"))
                .build();
        assertThat(entryFirst.check(TRANSLATED).isDeny())
                .as("the entry given before the prefix")
                .isTrue();
    }
}
