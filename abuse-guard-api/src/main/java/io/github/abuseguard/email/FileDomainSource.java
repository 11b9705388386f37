package io.github.abuseguard.email;

import io.github.abuseguard.TimeSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A list in a file, read again when its modification time changes (checked at most once per
 * interval). A file that cannot be read keeps the last good list.
 */
public final class FileDomainSource implements DomainSource {
    private static final Logger log = LoggerFactory.getLogger(FileDomainSource.class);

    private final Path file;
    private final long intervalNanos;
    private final TimeSource timeSource;
    private final AtomicLong nextCheck;
    private volatile FileTime loadedAt;
    private volatile DomainList list = DomainList.empty();

    public FileDomainSource(Path file, Duration interval, TimeSource timeSource) {
        this.file = Objects.requireNonNull(file, "file");
        this.intervalNanos = interval.toNanos();
        this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
        this.nextCheck = new AtomicLong(timeSource.nanoTime() + intervalNanos);
        reload();
    }

    @Override
    public String name() {
        return file.toString();
    }

    @Override
    public DomainList current() {
        long now = timeSource.nanoTime();
        long due = nextCheck.get();
        if (now - due >= 0 && nextCheck.compareAndSet(due, now + intervalNanos)) {
            reload();
        }
        return list;
    }

    private void reload() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (modified.equals(loadedAt)) {
                return;
            }
            list = DomainList.read(Files.newBufferedReader(file, StandardCharsets.UTF_8));
            loadedAt = modified;
            log.info("Domain list {} loaded: {} domains", file, list.size());
        } catch (IOException e) {
            log.warn("Domain list {} not (re)loaded, keeping {} domains: {}", file, list.size(), e.toString());
        }
    }
}
