package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardEvent;
import io.github.abuseguard.GuardListener;
import io.github.abuseguard.Mode;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.LocalStateStore;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** review119: 1a43dc00's cross-site refusal on proof-required routes, and its settings set-twice check. */
class Review119Test {

    @TempDir
    Path dir;

    private void loadProperties(String text) throws Exception {
        Path file = dir.resolve("abuse-guard.properties");
        Files.writeString(file, text);
        SettingsFile.load(file);
    }

    /**
     * F1: the proof trialled in monitor mode (proof.mode: monitor) on a route no guard rule names. README: the
     * cross-site check refuses what another site's page sends "to a route some rule names"; a monitored proof only
     * reports. 1a43dc00 asks the cross-site check first in refuseUnproved, whatever the route: the unproved visitor's
     * cross-site request is now refused 403 cross-site-request where before (and for a proved visitor still) it passed.
     */
    @Test
    void aMonitoredProofDoesNotRefuseCrossSiteRequestsOnARouteNoRuleNames() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        GuardListener recorder = new GuardListener() {
            @Override
            public void onEvent(GuardEvent event) {
                events.add(event.kind() + " " + event.guard() + "/"
                        + event.decision().reason());
            }
        };
        LocalStateStore store = LocalStateStore.builder().maximumKeys(1_000).build();
        AbuseGuard engine = AbuseGuard.builder()
                .listener(recorder)
                .guard(RateLimitGuard.builder()
                        .store(store)
                        .rule(RateLimitRule.builder("login")
                                .path("/login")
                                .limit(Limit.of(5, Duration.ofMinutes(1)))
                                .build())
                        .build())
                .build();
        try (TestServer server = new TestServer(AbuseGuardFilter.builder()
                .engine(engine)
                .store(store)
                .proof("/abuse-guard/proof", 6, Duration.ofMinutes(2), "this site's proof secret")
                .requireProof(List.of("/api/scores/**"), Duration.ofHours(24), Mode.MONITOR)
                .build())) {
            HttpResponse<String> image = server.send(HttpRequest.newBuilder(server.uri("/api/scores/chess"))
                    .header("Sec-Fetch-Site", "cross-site")
                    .header("Sec-Fetch-Mode", "no-cors")
                    .header("Sec-Fetch-Dest", "image")
                    .header("Referer", "https://news.example/")
                    .GET());
            assertThat(image.statusCode())
                    .as("a monitored proof on a route no rule names refuses nothing: %s %s", image.body(), events)
                    .isNotEqualTo(403);
        } finally {
            engine.close();
        }
    }

    /**
     * F2: review118 F1's check compares the writers of one slot; a list set whole under one spelling and by index under
     * another writes different slots (the record's component, then the list's item), and the later silently wins.
     * Loaded as apiKeys {k1=[https://evil.example]}.
     */
    @Test
    void aKeysOriginsSetWholeAndByIndexUnderTwoSpellingsFails() throws Exception {
        assertThatThrownBy(() -> loadProperties("abuse-guard.origin.rules.api.paths=/api/**\n"
                        + "abuse-guard.origin.rules.api.api-keys.k1=https://widget.example\n"
                        + "abuse-guard.origin.rules.api.apiKeys.k1[0]=https://evil.example\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
    }

    /** F2: the same for a rule's paths; loaded as paths [/elsewhere], the rule no longer watches /api/login. */
    @Test
    void pathsSetWholeAndByIndexUnderTwoSpellingsFails() throws Exception {
        assertThatThrownBy(() -> loadProperties("abuse-guard.rate-limit.rules.login.paths=/api/login\n"
                        + "abuse-guard.rate-limit.Rules.login.paths[0]=/elsewhere\n"
                        + "abuse-guard.rate-limit.rules.login.limits[0].capacity=5\n"
                        + "abuse-guard.rate-limit.rules.login.limits[0].period=1m\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
    }

    /** What the filter of these properties logs while it is built (as FilterSettingsWarningsTest). */
    private static String startUp(String... keyValues) {
        java.util.Map<String, String> properties = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put(keyValues[i], keyValues[i + 1]);
        }
        io.github.abuseguard.config.AbuseGuardSettings settings =
                io.github.abuseguard.config.AbuseGuardSettings.bind(properties);
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        try {
            System.setErr(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
            AbuseGuardFilter.fromSettings(settings).destroy();
        } finally {
            System.setErr(original);
        }
        return printed.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * F3: since c5907e20 / 8c2cc0d1 an IPv4-compatible allow entry ::203.0.0.0/104 exempts the IPv4 /8 203.0.0.0/8
     * from every guard, but the broad-space warning is asked of the IPv6 /104 as written, so the /8 written this way
     * is exempt without the warning 203.0.0.0/8 itself gets.
     */
    @Test
    void anIpv4CompatibleAllowEntryNamingAnIpv4SlashEightWarnsAsTheSlashEightDoes() {
        String[] rule = {
            "abuse-guard.rate-limit.rules.login.paths", "/api/login",
            "abuse-guard.rate-limit.rules.login.limits[0].capacity", "5",
            "abuse-guard.rate-limit.rules.login.limits[0].period", "1m"
        };
        String plain = startUp(concat(rule, "abuse-guard.ip-lists.allow[0]", "203.0.0.0/8"));
        assertThat(plain).as("control").contains("spans public address space");
        assertThat(startUp(concat(rule, "abuse-guard.ip-lists.allow[0]", "::203.0.0.0/104")))
                .contains("spans public address space");
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    /**
     * F4 (low): cross-site check and proof both monitored, on a watched route. refuseUnproved reports the cross-site
     * would-deny (crossSiteRefusal), the proof lets the request on, and decide() reports the same cross-site would-deny
     * again: one request, two would-deny cross-site reports.
     */
    @Test
    void oneMonitoredCrossSiteRequestIsReportedOnce() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        GuardListener recorder = new GuardListener() {
            @Override
            public void onEvent(GuardEvent event) {
                events.add(event.kind() + " " + event.guard() + "/"
                        + event.decision().reason());
            }
        };
        LocalStateStore store = LocalStateStore.builder().maximumKeys(1_000).build();
        AbuseGuard engine = AbuseGuard.builder()
                .listener(recorder)
                .crossSiteRequests(
                        io.github.abuseguard.CrossSiteRequests.refused().monitored())
                .guard(RateLimitGuard.builder()
                        .store(store)
                        .rule(RateLimitRule.builder("scores")
                                .path("/api/scores/**")
                                .methods("GET")
                                .limit(Limit.of(600, Duration.ofMinutes(1)))
                                .build())
                        .build())
                .build();
        try (TestServer server = new TestServer(AbuseGuardFilter.builder()
                .engine(engine)
                .store(store)
                .proof("/abuse-guard/proof", 6, Duration.ofMinutes(2), "this site's proof secret")
                .requireProof(List.of("/api/scores/**"), Duration.ofHours(24), Mode.MONITOR)
                .build())) {
            server.send(HttpRequest.newBuilder(server.uri("/api/scores/chess"))
                    .header("Sec-Fetch-Site", "cross-site")
                    .header("Sec-Fetch-Mode", "no-cors")
                    .header("Sec-Fetch-Dest", "image")
                    .header("Referer", "https://news.example/")
                    .GET());
            assertThat(events.stream()
                            .filter(e -> e.startsWith("WOULD_DENY cross-site/"))
                            .count())
                    .as("%s", events)
                    .isEqualTo(1);
        } finally {
            engine.close();
        }
    }
}
