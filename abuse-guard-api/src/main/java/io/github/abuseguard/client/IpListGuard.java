package io.github.abuseguard.client;

import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.internal.Durations;
import io.github.abuseguard.internal.IpAddresses;
import io.github.abuseguard.internal.IpRange;
import io.github.abuseguard.internal.Nat64Prefix;
import io.github.abuseguard.internal.Refresher;
import io.github.abuseguard.internal.SettingsAssembler;
import io.github.abuseguard.internal.SettingsBinder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IP allow and deny lists of CIDR blocks, IPv4 and IPv6, from configuration and from files (one block
 * per line, {@code #} comments) that are read again when they change. A client on the deny list is
 * refused with 403; a client on the allow list is exempt from every later guard (put this guard first).
 * A file that cannot be read or holds a bad line refuses the guard at start-up; when it is read again
 * later, the last good content stays in force and the problem is logged as an error. A file read again
 * that lost all its blocks or more than half of them is in force all the same, with a warning. Each list
 * file holds at most {@value #MAX_ENTRIES} blocks.
 *
 * <p>Files are checked in the background by a {@link Refresher}, never on a request thread; a request
 * only reads the list now in force. {@link #close()} stops the refresher.
 */
public final class IpListGuard implements Guard, AutoCloseable {

    /** The guard's name. */
    public static final String NAME = "ip-list";

    /** The most blocks one list file holds. */
    public static final int MAX_ENTRIES = 10_000;

    private static final Logger log = LoggerFactory.getLogger(IpListGuard.class);

    private final RangeList allow;
    private final RangeList deny;
    private final Refresher refresher;

    private IpListGuard(Builder builder) {
        this.allow = new RangeList("allow", builder.allow, builder.allowFile, builder.translating);
        this.deny = new RangeList("deny", builder.deny, builder.denyFile, builder.translating);
        boolean files = builder.allowFile != null || builder.denyFile != null;
        this.refresher = !files
                ? null
                : builder.refresher != null ? builder.refresher : Refresher.daemon("abuse-guard-ip-lists");
        if (files) {
            refresher.every(builder.reloadInterval, () -> {
                allow.reload();
                deny.reload();
            });
        }
    }

    /** Stops re-reading the list files; the lists in force stay. */
    @Override
    public void close() {
        if (refresher != null) {
            refresher.close();
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Decision check(GuardRequest request) {
        String address = request.client().address();
        String embedded = embeddedIpv4(address);
        if (deny.contains(address) || (embedded != null && deny.contains(embedded))) {
            return Decision.deny(Action.REJECT)
                    .guard(NAME)
                    .reason("ip-denied")
                    .status(403)
                    .detail("Requests from this address are not accepted.")
                    .build();
        }
        return allow.contains(address) || (embedded != null && allow.contains(embedded))
                ? Decision.exempt()
                : Decision.allow();
    }

    /**
     * The IPv4 address an IPv6 client's address embeds (6to4, Teredo, IPv4-compatible), as keys read it: the host
     * owns that whole network, so a list naming the host names it too (probe48b F6: a denied host came back
     * through its 6to4 /48, keyed all along by the IPv4 address the list denied). {@code null} for any other.
     */
    private static @Nullable String embeddedIpv4(String address) {
        if (address.indexOf(':') < 0) {
            return null;
        }
        byte[] parsed = IpAddresses.parseIpv6(address);
        byte[] embedded = parsed == null ? null : IpAddresses.embeddedIpv4(parsed);
        return embedded == null ? null : IpAddresses.format(embedded);
    }

    /** The blocks of the allow list now in force. */
    public List<String> allowed() {
        return allow.current().stream()
                .filter(range -> !range.isAlsoNamed())
                .map(IpRange::toString)
                .toList();
    }

    /** The blocks of the deny list now in force. */
    public List<String> denied() {
        return deny.current().stream()
                .filter(range -> !range.isAlsoNamed())
                .map(IpRange::toString)
                .toList();
    }

    /**
     * A list file as last read: its blocks, the modification time they were read at, and the lines of those that
     * hold a broad stretch of public address space.
     */
    private record ListFile(
            Path path, FileTime modified, long size, boolean complete, List<IpRange> ranges, List<String> broad) {

        /**
         * Reads {@code path}: one block per line, {@code #} comments, at most {@value #MAX_ENTRIES} blocks.
         *
         * @throws IllegalArgumentException naming the file (and the line) if it cannot be read or holds a
         *     line that is not a block
         */
        static ListFile read(Path path, List<Nat64Prefix> translating) {
            try {
                FileTime modified = Files.getLastModifiedTime(path);
                byte[] bytes = Files.readAllBytes(path);
                List<String> broad = new ArrayList<>();
                List<IpRange> ranges = parse(
                        translating,
                        path,
                        StandardCharsets.UTF_8
                                .newDecoder()
                                .decode(java.nio.ByteBuffer.wrap(bytes))
                                .toString()
                                .lines()
                                .toList(),
                        broad);
                boolean complete = bytes.length == 0 || bytes[bytes.length - 1] == '\n';
                return new ListFile(path, modified, bytes.length, complete, ranges, List.copyOf(broad));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + path + ": " + describe(e), e);
            }
        }

        /** The file's blocks; each that {@link IpRange#holdsBroadPublicSpace()} is added to {@code broad} as its line. */
        private static List<IpRange> parse(
                List<Nat64Prefix> translating, Path path, List<String> lines, List<String> broad) {
            List<IpRange> ranges = new ArrayList<>();
            int entries = 0; // as written: an entry that also names its embedded IPv4 host is one (review120 F6)
            int lineNumber = 0;
            for (String line : lines) {
                lineNumber++;
                int comment = line.indexOf('#');
                String entry = (comment < 0 ? line : line.substring(0, comment)).trim();
                if (entry.isEmpty()) {
                    continue;
                }
                if (entries++ >= MAX_ENTRIES) {
                    throw new IllegalArgumentException(
                            path + " line " + lineNumber + ": more than " + MAX_ENTRIES + " entries");
                }
                try {
                    List<IpRange> named = IpRange.listEntry(entry, translating);
                    ranges.addAll(named);
                    if (named.stream().anyMatch(IpRange::holdsBroadPublicSpace)) {
                        broad.add("line " + lineNumber + ": '" + entry + "'");
                    }
                    SettingsAssembler.warnIfWidened(path + " line " + lineNumber, entry, named.get(0));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(path + " line " + lineNumber + ": " + e.getMessage(), e);
                }
            }
            return List.copyOf(ranges);
        }

        private static String describe(IOException e) {
            return e instanceof NoSuchFileException ? "no such file" : e.toString();
        }
    }

    /** Configured blocks plus a file's, the file re-read by the refresher when its time changed. */
    private static final class RangeList {
        private final String kind;
        /** The operator's translation prefixes, for the file's entries at each reload. */
        private final List<Nat64Prefix> translating;

        private final List<IpRange> configured;
        private final Path file;
        /** The file's time and size when it was last read whole; only the refresher's thread reads them. */
        private FileTime loadedAt;

        private long loadedSize;

        /** The time and size of a file read without a line end at its end, put off to the next interval. */
        private FileTime unfinishedAt;

        private long unfinishedSize = -1;

        /** Whether the last read failed, and the file's time then: a failure is logged once per change. */
        private boolean failing;

        private FileTime failedAt;

        private volatile List<IpRange> ranges;

        /** How many blocks the file held when it was last read whole; only the refresher's thread reads it. */
        private int fileBlocks;

        RangeList(String kind, List<IpRange> configured, ListFile file, List<Nat64Prefix> translating) {
            this.kind = kind;
            this.translating = translating;
            this.configured = List.copyOf(configured);
            this.file = file == null ? null : file.path();
            this.ranges = file == null ? this.configured : combine(file);
            this.loadedAt = file == null ? null : file.modified();
            this.loadedSize = file == null ? 0 : file.size();
            this.fileBlocks = file == null ? 0 : IpRange.entries(file.ranges());
            if (file != null) {
                log.info("IP {} list {} loaded: {} blocks", kind, file.path(), IpRange.entries(ranges));
                warnOfBroadBlocks(file);
            }
        }

        /** One WARN per allowed block of the file that spans public address space (cfg24 F2), at each load. */
        private void warnOfBroadBlocks(ListFile loaded) {
            if (!kind.equals("allow")) {
                return; // a broad deny block refuses too much, which nobody misses
            }
            for (String line : loaded.broad()) {
                log.warn(
                        "IP allow list {} {} spans public address space: every client in it is exempt from every guard",
                        loaded.path(),
                        line);
            }
        }

        private List<IpRange> combine(ListFile loaded) {
            List<IpRange> all = new ArrayList<>(configured);
            all.addAll(loaded.ranges());
            return List.copyOf(all);
        }

        List<IpRange> current() {
            return ranges;
        }

        boolean contains(String address) {
            return IpRange.anyContains(ranges, address);
        }

        /**
         * Runs on the refresher's thread only, so loads never overlap. A file that cannot be read or holds
         * a bad line leaves the list in force as it is: an error, since whoever edited the file expects a
         * change that did not happen, but no reason to stop the application.
         */
        void reload() {
            if (file == null) {
                return;
            }
            FileTime modified = modifiedTime(file);
            boolean unchanged = modified != null && modified.equals(loadedAt) && sizeOf(file) == loadedSize;
            // an empty file may be one caught between truncation and writing, completed within the same tick
            // of its time: it is read again each interval until it holds blocks
            if (unchanged && fileBlocks > 0) {
                return; // in force as it is
            }
            // a file that failed is read again each interval (it may have been caught half-written and
            // completed within the same tick of its time), its error logged once per change
            try {
                ListFile loaded = ListFile.read(file, translating);
                if (!loaded.modified().equals(modifiedTime(file)) || loaded.size() != sizeOf(file)) {
                    return; // written while it was read: read again at the next interval
                }
                if (!loaded.complete()
                        && !(loaded.modified().equals(unfinishedAt) && loaded.size() == unfinishedSize)) {
                    // its last line has no end: a file caught half-written, whose cut line may be another block
                    // (`100.64.14.32/3` of `/32` is 96.0.0.0/3: probe48b F2). Applied only if the next interval
                    // finds it unchanged, as a file written without a final line end is
                    unfinishedAt = loaded.modified();
                    unfinishedSize = loaded.size();
                    return;
                }
                int blocks = IpRange.entries(loaded.ranges());
                if (unchanged && blocks == 0) {
                    return; // still empty
                }
                ranges = combine(loaded);
                loadedAt = loaded.modified();
                loadedSize = loaded.size();
                failing = false;
                if (blocks < fileBlocks && (blocks == 0 || blocks < fileBlocks / 2.0)) {
                    // applied all the same: emptying a list is how an operator lifts what it holds, but a file
                    // truncated by mistake must not lift every block with an INFO line only (probe19 L6)
                    log.warn(
                            "IP {} list {} shrank from {} to {} blocks; the new list is in force, so every block it"
                                    + " no longer holds is lifted. Restore the file if that was not meant",
                            kind,
                            file,
                            fileBlocks,
                            blocks);
                } else {
                    log.info("IP {} list {} loaded: {} blocks", kind, file, IpRange.entries(ranges));
                }
                fileBlocks = blocks;
                warnOfBroadBlocks(loaded);
            } catch (IllegalArgumentException e) {
                if (!failing || !Objects.equals(modified, failedAt)) {
                    log.error(
                            "IP {} list not reloaded, keeping its {} blocks: {}",
                            kind,
                            IpRange.entries(ranges),
                            e.getMessage());
                }
                failing = true;
                failedAt = modified;
            }
        }

        /** The file's size, or -1 when it cannot be read. */
        private static long sizeOf(Path file) {
            try {
                return Files.size(file);
            } catch (IOException e) {
                return -1;
            }
        }

        /** The file's modification time, or null when it cannot be read (such as when it was removed). */
        private static FileTime modifiedTime(Path file) {
            try {
                return Files.getLastModifiedTime(file);
            } catch (IOException e) {
                return null;
            }
        }
    }

    /** Builds an {@link IpListGuard}. */
    public static final class Builder {
        private final List<IpRange> allow = new ArrayList<>();
        private final List<IpRange> deny = new ArrayList<>();
        private ListFile allowFile;
        private ListFile denyFile;
        private Duration reloadInterval =
                SettingsBinder.duration("abuse-guard.ip-lists.reload-interval", IpListSettings.DEFAULT_RELOAD_INTERVAL);
        private Refresher refresher;

        private List<Nat64Prefix> translating = List.of();
        /** The entries as written, read again under prefixes given after them. */
        private final List<String> allowWritten = new ArrayList<>();

        private final List<String> denyWritten = new ArrayList<>();

        private Builder() {}

        /**
         * The operator's own NAT64 prefixes ({@code abuse-guard.client.nat64-prefixes}), whose clients the resolver
         * makes their IPv4 addresses: an entry in one names that IPv4 address ({@link IpRange#listEntry(String,
         * List)}), whether given before or after them (review122 F3).
         *
         * @throws IllegalArgumentException if a prefix is not one
         */
        public Builder translationPrefixes(List<String> prefixes) {
            this.translating = prefixes.stream().map(Nat64Prefix::parse).toList();
            allow.clear();
            allowWritten.forEach(cidr -> allow.addAll(IpRange.listEntry(cidr, translating)));
            deny.clear();
            denyWritten.forEach(cidr -> deny.addAll(IpRange.listEntry(cidr, translating)));
            if (allowFile != null) {
                allowFile = ListFile.read(allowFile.path(), translating);
            }
            if (denyFile != null) {
                denyFile = ListFile.read(denyFile.path(), translating);
            }
            return this;
        }

        /** @throws IllegalArgumentException if a value is not a CIDR block or address */
        public Builder allow(String... cidrs) {
            for (String cidr : cidrs) {
                allow.addAll(IpRange.listEntry(cidr, translating));
                allowWritten.add(cidr);
            }
            return this;
        }

        /** @throws IllegalArgumentException if a value is not a CIDR block or address */
        public Builder deny(String... cidrs) {
            for (String cidr : cidrs) {
                deny.addAll(IpRange.listEntry(cidr, translating));
                denyWritten.add(cidr);
            }
            return this;
        }

        /**
         * A file of allowed blocks, read now and again when it changes.
         *
         * @throws IllegalArgumentException naming the file and line if it cannot be read or holds a line
         *     that is not a block, or more than {@value #MAX_ENTRIES} blocks
         */
        public Builder allowFile(Path file) {
            this.allowFile = ListFile.read(Objects.requireNonNull(file, "file"), translating);
            return this;
        }

        /**
         * A file of denied blocks, read now and again when it changes.
         *
         * @throws IllegalArgumentException naming the file and line if it cannot be read or holds a line
         *     that is not a block, or more than {@value #MAX_ENTRIES} blocks
         */
        public Builder denyFile(Path file) {
            this.denyFile = ListFile.read(Objects.requireNonNull(file, "file"), translating);
            return this;
        }

        /**
         * How often the files' modification times are checked. Default 10 s.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder reloadInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException(
                        "reloadInterval must be positive, was " + Durations.written(interval));
            }
            this.reloadInterval = interval;
            return this;
        }

        /**
         * What re-reads the files every {@link #reloadInterval(Duration)}; the guard owns it and closes
         * it. Default: a daemon thread, started only when a file is configured.
         */
        Builder refresher(Refresher refresher) {
            this.refresher = Objects.requireNonNull(refresher, "refresher");
            return this;
        }

        public IpListGuard build() {
            return new IpListGuard(this);
        }
    }
}
