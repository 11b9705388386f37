package io.github.abuseguard.sequence;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** review112: KeptTrails' four structures agree after any mix of new, re-stepped, re-homed and idle sessions. */
class Review112KeptTrailsFuzzTest {
    private final AtomicLong nanos = new AtomicLong();

    @Test
    void structuresStayConsistentUnderReHoming() throws Exception {
        for (long seed = 0; seed < 200; seed++) {
            Random random = new Random(seed);
            KeptTrails kept = new KeptTrails(8, 3, Duration.ofMinutes(60), nanos::get);
            for (int op = 0; op < 400; op++) {
                String site = "site-" + random.nextInt(4);
                String key = "s-" + random.nextInt(20);
                kept.append(site, key, "e" + op, () -> random.nextInt(5) != 0);
                if (random.nextInt(10) == 0) {
                    nanos.addAndGet(Duration.ofMinutes(random.nextInt(40)).toNanos());
                }
                check(kept, "seed " + seed + " op " + op);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void check(KeptTrails kept, String where) throws Exception {
        Map<String, Object> sessions = (Map<String, Object>) field(kept, "sessions");
        LinkedHashMap<String, Object> byStep = (LinkedHashMap<String, Object>) field(kept, "byStep");
        Map<String, Object> sites = (Map<String, Object>) field(kept, "sites");
        TreeSet<Object> largest = (TreeSet<Object>) field(kept, "largestFirst");
        assertThat(sessions.size()).as(where + " size").isLessThanOrEqualTo(8);
        assertThat(byStep.keySet()).as(where + " byStep").isEqualTo(sessions.keySet());
        assertThat(new HashSet<>(largest)).as(where + " largestFirst").isEqualTo(new HashSet<>(sites.values()));
        assertThat(largest.size()).as(where + " largestFirst size").isEqualTo(sites.size());
        Set<String> inSites = new HashSet<>();
        int previous = Integer.MAX_VALUE;
        for (Object site : largest) {
            Map<String, Object> its = (Map<String, Object>) field(site, "sessions");
            assertThat(its).as(where + " empty site").isNotEmpty();
            assertThat(its.size()).as(where + " order").isLessThanOrEqualTo(previous);
            previous = its.size();
            for (Map.Entry<String, Object> e : its.entrySet()) {
                assertThat(inSites.add(e.getKey()))
                        .as(where + " in two sites " + e.getKey())
                        .isTrue();
                assertThat(field(e.getValue(), "site")).as(where + " back-link").isSameAs(site);
                assertThat(sessions.get(e.getKey())).as(where + " same object").isSameAs(e.getValue());
            }
        }
        assertThat(inSites).as(where + " sessions in sites").isEqualTo(sessions.keySet());
    }

    private static Object field(Object target, String name) throws Exception {
        Field f = target.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(target);
    }
}
