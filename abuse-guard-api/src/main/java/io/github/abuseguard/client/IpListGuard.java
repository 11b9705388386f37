package io.github.abuseguard.client;

import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.internal.IpRange;
import io.github.abuseguard.internal.Refresher;
import io.github.abuseguard.internal.SettingsBinder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IP allow and deny lists of CIDR blocks, IPv4 and IPv6, from configuration and from files (one block
 * per line, {@code #} comments) that are read again when they change. A client on the deny list is
 * refused with 403; a client on the allow list is exempt from every later guard (put this guard first).
 * A file that cannot be read or holds a bad line keeps its last good content, and the problem is logged.
 * Each list holds at most {@value #MAX_ENTRIES} blocks.
 *
 * <p>Files are checked in the background by a {@link Refresher}, never on a request thread; a request
 * only reads the list now in force. {@link #close()} stops the refresher.
 */
public final class IpListGuard implements Guard, AutoCloseable {

    /** The guard's name. */
    public static final String NAME = "ip-list";

    /** The most blocks one list holds. */
    public static final int MAX_ENTRIES = 10_000;

    private static final Logger log = LoggerFactory.getLogger(IpListGuard.class);

    private final RangeList allow;
    private final RangeList deny;
    private final Refresher refresher;

    private IpListGuard(Builder builder) {
        this.allow = new RangeList("allow", builder.allow, builder.allowFile);
        this.deny = new RangeList("deny", builder.deny, builder.denyFile);
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
        if (deny.contains(address)) {
            return Decision.deny(Action.REJECT)
                    .guard(NAME)
                    .reason("ip-denied")
                    .status(403)
                    .detail("Requests from this address are not accepted.")
                    .build();
        }
        return allow.contains(address) ? Decision.exempt() : Decision.allow();
    }

    /** The blocks of the allow list now in force. */
    public List<String> allowed() {
        return allow.current().stream().map(IpRange::toString).toList();
    }

    /** The blocks of the deny list now in force. */
    public List<String> denied() {
        return deny.current().stream().map(IpRange::toString).toList();
    }

    /** Configured blocks plus a file's, the file re-read by the refresher when its time changed. */
    private static final class RangeList {
        private final String kind;
        private final List<IpRange> configured;
        private final Path file;
        private volatile FileTime loadedAt;
        private volatile List<IpRange> ranges;

        RangeList(String kind, List<IpRange> configured, Path file) {
            this.kind = kind;
            this.configured = List.copyOf(configured);
            this.file = file;
            this.ranges = this.configured;
            reload();
        }

        List<IpRange> current() {
            return ranges;
        }

        boolean contains(String address) {
            return IpRange.anyContains(ranges, address);
        }

        /** Runs on the refresher's thread only (and once at start-up), so loads never overlap. */
        void reload() {
            if (file == null) {
                return;
            }
            try {
                FileTime modified = Files.getLastModifiedTime(file);
                if (modified.equals(loadedAt)) {
                    return;
                }
                List<IpRange> loaded = new ArrayList<>(configured);
                int lineNumber = 0;
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    lineNumber++;
                    String entry = line.contains("#")
                            ? line.substring(0, line.indexOf('#')).trim()
                            : line.trim();
                    if (entry.isEmpty()) {
                        continue;
                    }
                    if (loaded.size() >= MAX_ENTRIES) {
                        throw new IllegalArgumentException("more than " + MAX_ENTRIES + " entries");
                    }
                    try {
                        loaded.add(IpRange.parse(entry));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("line " + lineNumber + ": " + e.getMessage(), e);
                    }
                }
                ranges = List.copyOf(loaded);
                loadedAt = modified;
                log.info("IP {} list {} loaded: {} blocks", kind, file, loaded.size());
            } catch (IOException | IllegalArgumentException e) {
                log.warn(
                        "IP {} list {} not (re)loaded, keeping {} blocks: {}",
                        kind,
                        file,
                        ranges.size(),
                        e.getMessage());
            }
        }
    }

    /** Builds an {@link IpListGuard}. */
    public static final class Builder {
        private final List<IpRange> allow = new ArrayList<>();
        private final List<IpRange> deny = new ArrayList<>();
        private Path allowFile;
        private Path denyFile;
        private Duration reloadInterval =
                SettingsBinder.duration("abuse-guard.ip-lists.reload-interval", IpListSettings.DEFAULT_RELOAD_INTERVAL);
        private Refresher refresher;

        private Builder() {}

        /** @throws IllegalArgumentException if a value is not a CIDR block or address */
        public Builder allow(String... cidrs) {
            for (String cidr : cidrs) {
                allow.add(IpRange.parse(cidr));
            }
            return this;
        }

        /** @throws IllegalArgumentException if a value is not a CIDR block or address */
        public Builder deny(String... cidrs) {
            for (String cidr : cidrs) {
                deny.add(IpRange.parse(cidr));
            }
            return this;
        }

        /** A file of allowed blocks, read again when it changes. */
        public Builder allowFile(Path file) {
            this.allowFile = Objects.requireNonNull(file, "file");
            return this;
        }

        /** A file of denied blocks, read again when it changes. */
        public Builder denyFile(Path file) {
            this.denyFile = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * How often the files' modification times are checked. Default 10 s.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder reloadInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("reloadInterval must be positive, was " + interval);
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
