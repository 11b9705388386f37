package io.github.abuseguard.email;

import io.github.abuseguard.internal.Durations;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A list published at a URL in the one-domain-per-line format, fetched in the background and refreshed
 * on a schedule with conditional requests ({@code If-None-Match}, {@code If-Modified-Since}), so an
 * unchanged list costs a {@code 304}. A failed fetch keeps the last good list; no request ever waits
 * for a fetch. Bodies larger than {@value #MAX_BYTES} bytes are refused.
 */
final class UrlDomainSource implements DomainSource, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UrlDomainSource.class);

    /** The largest list body read. */
    static final int MAX_BYTES = 64 * 1024 * 1024;

    private final URI uri;
    private final Duration timeout;
    private final HttpClient client;
    private final ScheduledExecutorService scheduler;
    private volatile DomainList list = DomainList.empty();
    private volatile String etag;
    private volatile String lastModified;

    /**
     * Starts fetching at once and then every {@code refreshInterval}.
     *
     * @throws IllegalArgumentException if the URI is not http(s) or the interval is not positive
     */
    UrlDomainSource(URI uri, Duration refreshInterval, Duration timeout) {
        this.uri = Objects.requireNonNull(uri, "uri");
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("a domain list URL must be http or https: " + uri);
        }
        if (refreshInterval.isNegative() || refreshInterval.isZero()) {
            throw new IllegalArgumentException(
                    "refresh interval must be positive, was " + Durations.written(refreshInterval));
        }
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "abuse-guard-domain-list");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::refreshQuietly, 0, refreshInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public String name() {
        return uri.toString();
    }

    @Override
    public DomainList current() {
        return list;
    }

    /** Fetches now, on the source's own thread; the future completes when the attempt is over. */
    public CompletableFuture<Void> refreshNow() {
        return CompletableFuture.runAsync(this::refreshQuietly, scheduler);
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (IOException | RuntimeException e) {
            log.warn("Domain list {} not refreshed, keeping {} domains: {}", uri, list.size(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void refresh() throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).timeout(timeout).GET();
        if (etag != null) {
            request.header("If-None-Match", etag);
        }
        if (lastModified != null) {
            request.header("If-Modified-Since", lastModified);
        }
        HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() == 304) {
                // the list in use is the origin's: shrunken answers before it were no prune in a row (review52 F5)
                shrunkTo = null;
                shrinksSeen = 0;
                return;
            }
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            byte[] chunk = new byte[16384];
            int read;
            while ((read = body.read(chunk)) != -1) {
                if (bytes.size() + read > MAX_BYTES) {
                    throw new IOException("the list is larger than " + MAX_BYTES + " bytes");
                }
                bytes.write(chunk, 0, read);
            }
            DomainList served = DomainList.read(new StringReader(bytes.toString(StandardCharsets.UTF_8)));
            // One line naming a top-level domain would refuse every address under it (probe48c F6): such lines are
            // left out, the rest of the list taken (review50 F6: one `localhost` line kept 1,000 domains away).
            String topLevel = served.topLevelEntry();
            DomainList fresh = served.withoutTopLevelEntries();
            if (topLevel != null) {
                log.warn(
                        "Domain list {}: {} entries of one label, such as '{}', left out: each would name a whole"
                                + " top-level domain",
                        uri,
                        served.size() - fresh.size(),
                        topLevel);
            }
            // A 200 is not always a list: an empty body, a proxy's or CDN's error page, a file cut short would
            // replace every domain known with none (probe48c F6). A list that loses more than half is taken once it
            // was answered alike SHRINKS_TAKEN times in a row: a real prune (review50 F6: kept away for good).
            if (fresh.size() < list.size() / 2 && !shrinkAnsweredAgain(fresh.size(), bytes.toByteArray())) {
                throw new IOException("the list shrank from " + list.size() + " to " + fresh.size()
                        + " domains; a list that loses more than half is taken for a broken answer until it is"
                        + " answered alike " + SHRINKS_TAKEN + " times in a row");
            }
            shrunkTo = null;
            shrinksSeen = 0;
            list = fresh;
            etag = response.headers().firstValue("ETag").orElse(null);
            lastModified = response.headers().firstValue("Last-Modified").orElse(null);
            log.info("Domain list {} loaded: {} domains", uri, fresh.size());
        }
    }

    /** How many answers alike in a row make a list that lost more than half the list in use. */
    static final int SHRINKS_TAKEN = 3;

    /**
     * The SHA-256 of the last answer that lost more than half, and how many answers in a row were byte for byte that
     * one: answers of the same size were taken for one before, so an origin flapping between lists cut at the same
     * length was a prune (review52 F5).
     */
    private byte @Nullable [] shrunkTo;

    private int shrinksSeen;

    /**
     * Counts an answer of {@code size} domains, {@code body} as served, that lost more than half: whether it was
     * answered alike often enough.
     */
    private boolean shrinkAnsweredAgain(int size, byte[] body) {
        if (size == 0) {
            return false; // an empty answer is never a list
        }
        byte[] digest;
        try {
            digest = java.security.MessageDigest.getInstance("SHA-256").digest(body);
        } catch (java.security.NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JVM has SHA-256", impossible);
        }
        shrinksSeen = java.util.Arrays.equals(digest, shrunkTo) ? shrinksSeen + 1 : 1;
        shrunkTo = digest;
        return shrinksSeen >= SHRINKS_TAKEN;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
