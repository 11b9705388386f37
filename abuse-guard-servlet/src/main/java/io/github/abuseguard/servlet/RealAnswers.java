package io.github.abuseguard.servlet;

import io.github.abuseguard.GuardRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * What the application's recent successful answers looked like, per path prefix, so that a decoy can
 * look the same: a client comparing a decoy with a real answer of the route must find the same header
 * names, in the same order, with the same values, and the same framing (a length or chunks).
 *
 * <p>Only the header fields a response writer sets the same for everybody are kept: security headers
 * ({@code X-Frame-Options} and the like), caching ({@code Cache-Control}, {@code Pragma}, {@code
 * Expires}), {@code Vary}, the content's language and the {@code Content-Type} spelling. Never a cookie,
 * an authentication challenge, a location, an entity tag or a field the container writes itself (its
 * {@code Date}, {@code Content-Length}, {@code Transfer-Encoding}, {@code Connection}, which it writes on
 * a decoy too): so a decoy carries nothing of another user's answer.
 *
 * <p>An answer is learnt under its path's parent folders, up to {@value #MAX_DEPTH} deep, and the root;
 * a decoy takes the look of its deepest learnt folder, so a path no real answer was seen for (the next
 * item a scraper asks for) still looks like its siblings. At most {@value #MAX_FOLDERS} folders are kept,
 * the least recently learnt dropped first, and at most {@value #MAX_FIELDS} fields of {@value
 * #MAX_VALUE_LENGTH} characters per answer. Learning is sampled, one successful answer in {@code
 * sampling} after each route's first, so that it costs the allowed path next to nothing.
 */
final class RealAnswers {

    /** The most folders whose look is kept. */
    static final int MAX_FOLDERS = 256;

    /** The deepest folder an answer is learnt under. */
    static final int MAX_DEPTH = 4;

    /** The most fields kept of one answer. */
    static final int MAX_FIELDS = 32;

    /** The longest field value kept; a longer field is left out. */
    static final int MAX_VALUE_LENGTH = 1024;

    /**
     * One successful answer in this many is learnt, after the first. Every application's answers are offered,
     * decoys configured or not, so a learnt one (a copy of its fields and a lock) must be rare: at 256 its
     * share of a request is a few nanoseconds, and a route's changed fields reach its decoys within a few
     * hundred answers.
     */
    static final int DEFAULT_SAMPLING = 256;

    /**
     * The fields every client of a route gets alike, in lower case. Anything else may be per request or
     * per user ({@code Set-Cookie}, {@code ETag}, {@code Location}, a request id) and is never copied.
     */
    static final Set<String> REPLAYED = Set.of(
            "cache-control",
            "pragma",
            "expires",
            "vary",
            "content-language",
            "x-content-type-options",
            "x-frame-options",
            "x-xss-protection",
            "strict-transport-security",
            "content-security-policy",
            "content-security-policy-report-only",
            "referrer-policy",
            "permissions-policy",
            "cross-origin-opener-policy",
            "cross-origin-embedder-policy",
            "cross-origin-resource-policy",
            "x-permitted-cross-domain-policies",
            "x-dns-prefetch-control",
            "x-download-options");

    /**
     * The look of one answer.
     *
     * @param fields the replayed fields, name and value, in the order the application set them
     * @param contentType the content type as the application spelt it, or {@code null}
     * @param chunked whether the answer went out without a length (committed by a flush before its end)
     */
    record Look(
            List<Map.Entry<String, String>> fields,
            @Nullable String contentType,
            boolean chunked) {}

    private final int sampling;
    private final Map<String, Look> looks = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Look> eldest) {
            return size() > MAX_FOLDERS;
        }
    };
    private volatile boolean empty = true;

    /**
     * The routes whose first answer was learnt: a route's first answer is learnt whatever the sampling, so that
     * its decoys look like it from then on, not like the first answer of the whole application (probe45a F1: a
     * page's {@code Content-Language}, or a health check's chunks, told 3 decoys of 3 apart for ~400 real
     * answers). Routes are the application's templates, so the set is bounded by them, and a client naming fresh
     * ids learns nothing unsampled (review45 F7: a table of folders, ids included, filled up and let one client
     * evict a route's look with ~300 requests).
     */
    private final Set<String> seenRoutes = ConcurrentHashMap.newKeySet();

    RealAnswers() {
        this(DEFAULT_SAMPLING);
    }

    /** @param sampling one answer in this many is learnt after the first; 1 learns every one */
    RealAnswers(int sampling) {
        if (sampling < 1) {
            throw new IllegalArgumentException("sampling must be at least 1, not " + sampling);
        }
        this.sampling = sampling;
    }

    /**
     * Learns the look of the application's answer to {@code path}, once the application has returned:
     * a successful one, the first of its {@code route} (its template, {@code null} for a path no route
     * serves) and then sampled.
     */
    void learn(GuardRequest request, HttpServletResponse response) {
        int status = response.getStatus();
        if (status < 200 || status > 299) {
            return;
        }
        // the route after the status: a failed answer is not learnt, and costs no look-up (review46 F11)
        String route = request.route();
        String path = request.path();
        boolean firstOfRoute = route != null && !seenRoutes.contains(route) && seenRoutes.add(route);
        if (!empty
                && !firstOfRoute
                && (sampling == 1 || ThreadLocalRandom.current().nextInt(sampling) != 0)) {
            return;
        }
        Look look = lookOf(response);
        synchronized (looks) {
            // each folder is put again, so the one learnt last is the one dropped last
            looks.remove("");
            looks.put("", look);
            int end = 0;
            for (int depth = 0; depth < MAX_DEPTH; depth++) {
                int next = path.indexOf('/', end + 1);
                if (next < 0) {
                    break;
                }
                String folder = path.substring(0, next);
                looks.remove(folder);
                looks.put(folder, look);
                end = next;
            }
        }
        empty = false;
    }

    /** The look of the deepest folder of {@code path} an answer was learnt under, or {@code null}. */
    @Nullable
    Look lookFor(String path) {
        if (empty) {
            return null;
        }
        synchronized (looks) {
            int end = path.lastIndexOf('/');
            while (end > 0) {
                Look look = looks.get(path.substring(0, end));
                if (look != null) {
                    return look;
                }
                end = path.lastIndexOf('/', end - 1);
            }
            return looks.get("");
        }
    }

    /** How many folders have a look now. */
    int folders() {
        synchronized (looks) {
            return looks.size();
        }
    }

    private static Look lookOf(HttpServletResponse response) {
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Collection<String> names = response.getHeaderNames();
        for (String name : names) {
            if (fields.size() == MAX_FIELDS) {
                break;
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (!REPLAYED.contains(lower) || !seen.add(lower)) {
                continue; // a field set twice is named twice by some containers: its values are read once
            }
            for (String value : response.getHeaders(name)) {
                if (value != null && value.length() <= MAX_VALUE_LENGTH && fields.size() < MAX_FIELDS) {
                    fields.add(Map.entry(name, value));
                }
            }
        }
        // A response committed while the application still wrote had no length to announce: the
        // container sent it in chunks. One that was still buffered gets its length at the end.
        boolean chunked = response.isCommitted() && response.getHeader("Content-Length") == null;
        String contentType = response.getContentType();
        return new Look(List.copyOf(fields), contentType, chunked);
    }
}
