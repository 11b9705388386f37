package io.github.abuseguard.sequence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The trails of the sessions this instance keeps in its own memory, at most {@code capacity} sessions of at most
 * {@code length} steps each, shared fairly among client sites: when it is full, a new session pushes out the least
 * recently stepped session of the site that holds the most, a session being the site's that stepped it last. A site
 * flooding made-up sessions, or keeping others' alive, thus pushes out its own, and a crowd's sessions stay while it
 * holds no more than any flooder: at least {@code capacity} divided by the sites
 * holding sessions (review107 F2: with one store shared by age alone, sixteen sites flooding within 10 minutes, or
 * three within the hour, pushed a crowd's kept trails out, and its users were refused at their ordinary second step).
 *
 * <p>Reads take no lock; a step of a session, new or not, takes this object's. A session idle for {@code idle} is
 * gone: read, it is empty; stepped again, it starts anew; and before a new session pushes out anyone's, every
 * session idle that long makes room, whatever its site (review110 F1: a site's sessions idle for hours still counted
 * as its own, and a crowd that grew to that size pushed out its own live ones).
 */
final class KeptTrails {

    private final int capacity;
    private final int length;
    private final long idleNanos;
    private final LongSupplier nanoTime;

    /** Every kept session, by its key. */
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    /** The same sessions, the least recently stepped first; guarded by {@code this}. */
    private final LinkedHashMap<String, Session> byStep = new LinkedHashMap<>();

    /** The sites that hold a session, by name; guarded by {@code this}. */
    private final Map<String, Site> sites = new HashMap<>();

    /** The same sites, the one that holds the most first; guarded by {@code this}. */
    private final TreeSet<Site> largestFirst =
            new TreeSet<>(Comparator.comparingInt((Site site) -> site.sessions.size())
                    .reversed()
                    .thenComparing(site -> site.name));

    KeptTrails(int capacity, int length, Duration idle, LongSupplier nanoTime) {
        if (capacity < 1 || length < 1) {
            throw new IllegalArgumentException("capacity and length must be positive");
        }
        this.capacity = capacity;
        this.length = length;
        this.idleNanos = idle.toNanos();
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** The session's kept trail, oldest first; empty when it has none or it was idle too long. */
    List<String> get(String sessionKey) {
        Session session = sessions.get(sessionKey);
        if (session == null || idle(session, nanoTime.getAsLong())) {
            return List.of();
        }
        return session.trail;
    }

    /**
     * Appends a step to the session's trail, dropping its oldest step when full; a session not held (or idle too
     * long) starts anew as one of {@code site}'s if {@code admitsNew} takes it a place (asked under this object's
     * lock, so two steps of one new session take one place).
     *
     * @return whether the step was kept
     */
    synchronized boolean append(String site, String sessionKey, String entry, BooleanSupplier admitsNew) {
        long now = nanoTime.getAsLong();
        Session session = sessions.get(sessionKey);
        if (session != null && idle(session, now)) {
            remove(session);
            session = null;
        }
        if (session == null) {
            if (!admitsNew.getAsBoolean()) {
                return false;
            }
            dropIdle(now); // sessions idle past the hour go first, whatever their site (review110 F1)
            Site owner = sites.get(site);
            if (sessions.size() >= capacity) {
                Site largest = largestFirst.first();
                Site victim = owner != null && owner.sessions.size() == largest.sessions.size() ? owner : largest;
                remove(victim.sessions.values().iterator().next());
            }
            session = new Session(sessionKey);
            sessions.put(sessionKey, session);
        } else {
            leave(session);
            byStep.remove(sessionKey);
        }
        // A session is the site's that stepped it last, the most recently stepped last: a site that keeps other
        // sites' sessions alive holds them (review111 F1: one address stepping sixteen flooders' sessions once an hour
        // kept them all, and their sites, idle, pushed out a crowd's)
        join(session, site);
        byStep.put(sessionKey, session);
        List<String> trail = new ArrayList<>(Math.min(session.trail.size() + 1, length));
        int from = Math.max(0, session.trail.size() + 1 - length);
        trail.addAll(session.trail.subList(from, session.trail.size()));
        trail.add(entry);
        session.trail = Collections.unmodifiableList(trail);
        session.steppedAt = now;
        return true;
    }

    /** The sessions kept, for tests and bounds. */
    int size() {
        return sessions.size();
    }

    private boolean idle(Session session, long now) {
        return now - session.steppedAt >= idleNanos;
    }

    /** Drops the sessions idle too long, the least recently stepped first, until one is not. */
    private void dropIdle(long now) {
        while (!byStep.isEmpty()) {
            Session oldest = byStep.values().iterator().next();
            if (!idle(oldest, now)) {
                return;
            }
            remove(oldest);
        }
    }

    private void remove(Session session) {
        leave(session);
        sessions.remove(session.key);
        byStep.remove(session.key);
    }

    /** Takes the session out of its site's, and the site out of all when it held no other. */
    private void leave(Session session) {
        Site site = session.site;
        largestFirst.remove(site);
        site.sessions.remove(session.key);
        if (site.sessions.isEmpty()) {
            sites.remove(site.name);
        } else {
            largestFirst.add(site);
        }
    }

    /** Makes the session the site's most recently stepped one. */
    private void join(Session session, String name) {
        Site site = sites.get(name);
        if (site == null) {
            site = new Site(name);
            sites.put(name, site);
        } else {
            largestFirst.remove(site);
        }
        session.site = site;
        site.sessions.put(session.key, session);
        largestFirst.add(site);
    }

    private static final class Site {
        final String name;
        /** Its sessions, the least recently stepped first. */
        final LinkedHashMap<String, Session> sessions = new LinkedHashMap<>();

        Site(String name) {
            this.name = name;
        }
    }

    private static final class Session {
        final String key;
        /** The site that stepped it last; guarded by the trails' lock. */
        Site site;

        volatile List<String> trail = List.of();
        volatile long steppedAt;

        Session(String key) {
            this.key = key;
        }
    }
}
