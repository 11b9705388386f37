package io.github.abuseguard.email;

import io.github.abuseguard.internal.Refresher;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A list in a file, read again by a background {@link Refresher} when its modification time changes
 * (checked once per interval), never on a request thread. A file that cannot be read at start-up is a
 * configuration error (a typo in a path must not drop a list silently); one that cannot be read later
 * keeps the last good list. {@link #close()} stops the refresher.
 */
final class FileDomainSource implements DomainSource, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FileDomainSource.class);

    private final Path file;
    private final Refresher refresher;
    private volatile FileTime loadedAt;
    private volatile DomainList list = DomainList.empty();

    /**
     * Reads the file now, and again every {@code interval} on a daemon thread of its own.
     *
     * @throws IllegalArgumentException if the interval is not positive, or the file cannot be read now
     */
    FileDomainSource(Path file, Duration interval) {
        this(file, interval, Refresher.daemon("abuse-guard-domain-file"));
    }

    /**
     * Reads the file now, and again every {@code interval} on the given refresher, which this source
     * owns and closes (also when the file cannot be read now).
     *
     * @throws IllegalArgumentException if the interval is not positive, or the file cannot be read now
     */
    FileDomainSource(Path file, Duration interval, Refresher refresher) {
        this.file = Objects.requireNonNull(file, "file");
        this.refresher = Objects.requireNonNull(refresher, "refresher");
        try {
            load();
        } catch (IOException e) {
            refresher.close();
            throw new IllegalArgumentException("cannot read the domain list " + file + ": " + e, e);
        }
        refresher.every(interval, this::reload);
    }

    @Override
    public String name() {
        return file.toString();
    }

    @Override
    public DomainList current() {
        return list;
    }

    /** Stops re-reading the file; the list in force stays. */
    @Override
    public void close() {
        refresher.close();
    }

    private void load() throws IOException {
        FileTime modified = Files.getLastModifiedTime(file);
        if (modified.equals(loadedAt)) {
            return;
        }
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            list = DomainList.read(reader);
        }
        loadedAt = modified;
        log.info("Domain list {} loaded: {} domains", file, list.size());
    }

    private void reload() {
        try {
            load();
        } catch (IOException e) {
            log.warn("Domain list {} not (re)loaded, keeping {} domains: {}", file, list.size(), e.toString());
        }
    }
}
