package io.github.abuseguard.internal;

import io.github.abuseguard.store.BannedKey;
import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.StateStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client sites (an IPv4 address, an IPv6 /48) whose evidence started or extended a route's mode,
 * remembered after it ends, shared through the store: the failure guard's under-attack mode and the volume
 * guard's under-scrape mode each keep one per rule. A guard notes a site as a contributor ({@link Notes#note})
 * before its evidence is counted, and asks {@link #remember} to list the sites noted since and remember them
 * on entering the mode and on each extension; it then treats a remembered site's evidence as none and holds
 * the mode's refusal for it on its own, so that a small crowd cannot start the mode again as soon as it ends.
 *
 * <p>A site is remembered for {@value #REMEMBERED_DURATIONS} durations of the mode the first time, twice as
 * long each time it is remembered again within {@link #timesRememberedFor}, at most {@code 2^}{@value
 * #MAX_DOUBLINGS} times as long, so that a crowd that waits out its memory to start the mode again gets it
 * less and less often.
 *
 * <p>Bounded: one listing reads at most {@value #MAX_LISTED} sites, latest noted first among those noted
 * since the last listing; a remembering reads its listings, then looks the sites up, counts them and
 * remembers them in one store step each, whatever their number (review12 M2). A crowd larger than that
 * between two listings leaves its earliest sites unremembered; it could start the mode with them anyway.
 */
public final class ModeStarterSites {
    /** How long a site is remembered the first time, in durations of the mode. */
    public static final int REMEMBERED_DURATIONS = 3;
    /** The most times a site's memory doubles. */
    public static final int MAX_DOUBLINGS = 5;
    /** The most contributors one listing reads. */
    public static final int MAX_LISTED = 1_000;
    /** How far back a listing reads before the last one: the instances' clocks and a note racing a listing. */
    private static final long OVERLAP_MILLIS = 1_000;

    private final SiteModes remembered;
    /** Per site, the times it was remembered since its first, within {@link #timesRememberedFor}. */
    private final Counters timesRemembered;
    /**
     * Per site, the rememberings that found it not remembered within {@link #CLAIMED_FOR}: the first of them, on any
     * instance, remembers it, the others leave it (probe83a F2).
     */
    private final Counters claims;

    /**
     * How long a site's claim lasts at most: longer than the racing rememberings of one burst take between their
     * look-up and their write, and never longer than a site's first memory, so that the next remembering of a site,
     * once its memory ended, is its own; an operator's end of a mode gives its sites' claims back ({@link #forget}).
     */
    static final Duration CLAIMED_FOR = Duration.ofSeconds(10);

    private final Duration rememberedFor;

    /**
     * The sites noted as contributors to one window's count, each note lasting two of its windows (the span of
     * its sliding count), and when this instance last listed them.
     */
    public static final class Notes {
        private final Bans notes;
        private final Duration noteFor;
        private final long noteMillis;
        private final AtomicLong listedAt = new AtomicLong(Long.MIN_VALUE);

        /** @param namespace the store namespace of the notes */
        public Notes(StateStore store, String namespace, Duration window) {
            this.notes = store.bans(namespace);
            this.noteFor = window.multipliedBy(2);
            this.noteMillis = noteFor.toMillis();
        }

        /** Notes {@code site} as a contributor: one store write. */
        public void note(String site) {
            notes.ban(site, noteFor);
        }

        /** Whether {@code site} was noted within the last two windows: one store read. */
        public boolean noted(String site) {
            return notes.isBanned(site);
        }

        /**
         * Adds to {@code listed} the sites noted since this instance last listed them, latest noted first, at
         * most {@value ModeStarterSites#MAX_LISTED}: one store step. The listing ends at the notes taken
         * since, so that the notes listed before, which last as long, do not take the places of new ones (a
         * slow window's notes last twenty minutes); and it starts at the latest, so that on a busy route the
         * customers' typos of twenty minutes do not take the places of the crowd failing now (review13: 1,000
         * customers remembered, the crowd's 150 sites not).
         */
        public void listSince(long nowMillis, Set<String> listed) {
            long last = listedAt.getAndSet(nowMillis);
            long since = last == Long.MIN_VALUE ? Long.MIN_VALUE : last - OVERLAP_MILLIS;
            // an operator's end of the mode through any instance: the notes taken before it are a false alarm's
            Duration skipLeft = notes.remaining(SKIP);
            if (skipLeft.compareTo(Duration.ZERO) > 0) {
                since = Math.max(since, nowMillis + skipLeft.toMillis() - noteMillis + OVERLAP_MILLIS);
            }
            // a note taken at `since` ends noteMillis later; one ms earlier, as the listing starts past its end
            Duration endingAfter =
                    since == Long.MIN_VALUE ? Duration.ZERO : Duration.ofMillis(since + noteMillis - nowMillis - 1);
            for (BannedKey contributor : notes.latest(MAX_LISTED, endingAfter)) {
                long notedAt = nowMillis + contributor.remaining().toMillis() - noteMillis;
                if (notedAt >= since && !contributor.key().startsWith("#")) { // the skip note, or its digest
                    listed.add(contributor.key());
                }
            }
        }

        /**
         * Lists none of the notes taken until now, on any instance: they belong to a false alarm. The time is kept in
         * the store as a note of its own ({@link #SKIP}, which no site's key is), read by each listing: one store
         * read more when a mode starts or is extended (review55 F1's rest: each instance kept its own, and another
         * instance's next mode remembered the false alarm's sites).
         */
        public void skipUntil(long nowMillis) {
            listedAt.set(nowMillis + OVERLAP_MILLIS);
            notes.ban(SKIP, noteFor);
        }

        /**
         * The note whose time tells when an operator last ended the mode; a site's key never starts with {@code #},
         * nor does its listing (a shared store lists a key that is no address as {@code #} and its digest).
         */
        static final String SKIP = "#skip";
    }

    /**
     * @param namespace the store namespace of the remembered sites; their counts of times remembered are kept
     *     in {@code namespace + "-times"}
     * @param rule the rule's name, under which the marker that some site is remembered is kept in {@code modes}
     * @param modeDuration how long the mode lasts once entered
     * @param refreshMillis how long an instance trusts what it last read of the marker
     */
    public ModeStarterSites(
            StateStore store, String namespace, String rule, Bans modes, Duration modeDuration, long refreshMillis) {
        this.rememberedFor = modeDuration.multipliedBy(REMEMBERED_DURATIONS);
        this.remembered =
                new SiteModes(store, namespace + ":" + rule, modes, rule + "#starters", rememberedFor, refreshMillis);
        this.timesRemembered = store.counters(namespace + "-times:" + rule, timesRememberedFor(rememberedFor));
        // never longer than a site's first memory: a mode of a second (under-scrape allows it) remembers its sites for
        // three, and a claim outliving them kept the next remembering out (review150 F3)
        this.claims = store.counters(
                namespace + "-claims:" + rule, rememberedFor.compareTo(CLAIMED_FOR) < 0 ? rememberedFor : CLAIMED_FOR);
    }

    /** How long a site's count of times remembered lasts from its first: twice its longest memory. */
    public static Duration timesRememberedFor(Duration rememberedFor) {
        return rememberedFor.multipliedBy(2L << MAX_DOUBLINGS);
    }

    /** Whether the site of {@code clientKey} started or extended a mode and is remembered. */
    public boolean contains(String clientKey, long nowMillis) {
        return remembered.contains(clientKey, nowMillis);
    }

    /** How long the site of {@code clientKey} is still remembered; zero when it is not. */
    public Duration remaining(String clientKey, long nowMillis) {
        return remembered.remaining(clientKey, nowMillis);
    }

    /** Forgets every site: the operator ended the mode by hand, after a false alarm. */
    public void forget() {
        // their claims too, the latest 10 s's at most: a real mode right after a false alarm remembers its sites
        // (review150 F3)
        for (BannedKey site : remembered.active(MAX_LISTED)) {
            claims.reset(site.key());
        }
        remembered.exitAll();
    }

    /** Forgets {@code site}: an operator lifted what was held against it. */
    public void forget(String site) {
        claims.reset(site); // a site lifted that starts the mode again is remembered again (review152 F3)
        remembered.exit(site);
    }

    /**
     * Remembers {@code sites} (listed by {@link Notes#listSince}); a site already remembered is left as it is.
     * One look-up, one claim, one count and one write for all the sites, and the marker's read and write, whatever
     * their number.
     */
    public void remember(Collection<String> listed, long nowMillis) {
        List<String> sites = new ArrayList<>(listed);
        boolean[] already = remembered.containsAll(sites, nowMillis);
        List<String> entering = new ArrayList<>(sites.size());
        for (int i = 0; i < already.length; i++) {
            if (!already[i]) {
                entering.add(sites.get(i));
            }
        }
        if (entering.isEmpty()) {
            return;
        }
        // Failures heard at once (a crowd's burst over two instances, or one instance's threads) each found the sites
        // not remembered yet, and each counted them once more: remembered 2 to 32 times as long as their first time
        // (probe83a F2: a customer who mistyped once, refused for 192 minutes where 6 were due). The count is atomic:
        // only the first claim of a site remembers it.
        // From 0: two operators' ends at once may take a claim below 0 (review157 F5: two instances then both
        // remembered the site, for twice as long as was due).
        long[] claimed = claims.addAllFromZero(entering, 1);
        List<String> first = new ArrayList<>(entering.size());
        for (int i = 0; i < claimed.length; i++) {
            if (claimed[i] == 1) {
                first.add(entering.get(i));
            }
        }
        entering = first;
        if (entering.isEmpty()) {
            return;
        }
        long[] times = timesRemembered.addAll(entering, 1);
        Map<String, Duration> durations = new LinkedHashMap<>();
        for (int i = 0; i < times.length; i++) {
            durations.put(
                    entering.get(i),
                    rememberedFor.multipliedBy(1L << Math.min(Math.max(0, times[i] - 1), MAX_DOUBLINGS)));
        }
        remembered.enterAll(durations, nowMillis);
    }
}
