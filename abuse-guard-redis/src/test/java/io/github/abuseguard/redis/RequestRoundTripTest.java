package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.failure.UnderAttack;
import io.github.abuseguard.internal.SettingsAssembler;
import io.github.abuseguard.internal.SettingsBinder;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Counts, with {@code MONITOR}, the commands one request sends to a real Redis, through an engine and a
 * store assembled from properties the way an application assembles them (the store behind its outage
 * policy): at most one round trip before the exchange and one after it, per guard that keeps state.
 */
class RequestRoundTripTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private String uri;
    private String prefix;
    private ResilientStateStore store;

    @BeforeEach
    void start() {
        uri = RedisAvailability.requireRedis();
        prefix = "abuse-guard-test:" + UUID.randomUUID() + ":";
    }

    @AfterEach
    void stop() throws Exception {
        if (store != null) {
            store.close();
        }
        RedisClient client = RedisClient.create(uri);
        try (var connection = client.connect()) {
            List<String> keys = connection.sync().keys(prefix + "*");
            if (!keys.isEmpty()) {
                connection.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            client.shutdown();
        }
    }

    private AbuseGuard engine(String... keyValues) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("abuse-guard.store.type", "redis");
        properties.put("abuse-guard.store.redis.uri", uri);
        properties.put("abuse-guard.store.redis.key-prefix", prefix);
        properties.put("abuse-guard.store.redis.timeout", "5s");
        properties.put("abuse-guard.store.redis.connect-timeout", "10s");
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put(keyValues[i], keyValues[i + 1]);
        }
        AbuseGuardSettings settings = SettingsBinder.bind(properties);
        if (store == null) {
            store = RedisStateStoreProvider.create(settings, clock, null);
        }
        return SettingsAssembler.assemble(
                        settings,
                        GuardContext.builder().store(store).timeSource(clock).build())
                .build();
    }

    /** What one request sent to Redis: before the exchange (evaluate) and after it (complete). */
    private record Trips(int evaluate, int complete) {}

    /**
     * The round trips of one request of a client already seen and its completion with {@code status},
     * after the same request of another client has loaded every script.
     */
    private Trips roundTrips(AbuseGuard engine, Supplier<GuardRequest.Builder> request, int status) throws Exception {
        GuardRequest warmUp = request.get().client("198.51.100.1").build();
        engine.evaluate(warmUp);
        engine.complete(warmUp, status);
        GuardRequest first = request.get().client("203.0.113.7").build();
        engine.evaluate(first);
        engine.complete(first, status);
        GuardRequest measured = request.get().client("203.0.113.7").build();
        try (RedisMonitor monitor = new RedisMonitor(uri, prefix)) {
            engine.evaluate(measured);
            int evaluate = monitor.commandsSoFar().size();
            engine.complete(measured, status);
            return new Trips(evaluate, monitor.commandsSoFar().size());
        }
    }

    private static Supplier<GuardRequest.Builder> get(String path, String route) {
        return () -> GuardRequest.builder("GET", path).route(route);
    }

    private static Supplier<GuardRequest.Builder> post(String path) {
        return () -> GuardRequest.builder("POST", path).header("Authorization", "Bearer session-1");
    }

    @Test
    void aRateLimitedRequestIsOneRoundTripAndOtherRoutesOfTheDefaultChainNone() throws Exception {
        AbuseGuard engine = engine(
                "abuse-guard.rate-limit.rules.scores.paths", "/api/scores/{game}",
                "abuse-guard.rate-limit.rules.scores.limits[0].capacity", "600",
                "abuse-guard.rate-limit.rules.scores.limits[0].period", "1m");

        assertThat(roundTrips(engine, get("/api/scores/7", "/api/scores/{game}"), 200))
                .isEqualTo(new Trips(1, 0));
        assertThat(roundTrips(
                        engine,
                        () -> GuardRequest.builder("POST", "/api/signup")
                                .body("application/json", "{\"email\":\"someone@example.com\"}"),
                        201))
                .isEqualTo(new Trips(0, 0));
    }

    /**
     * probe16 F1: the e-mail guard asks the bounce-feedback bans about every domain an address names, all
     * in one command (probe26 F2; it was one command each). One field names at most {@code DisposableDomains.MAX_DOMAINS} different domains and
     * {@code MAX_DOMAINS_NAMED} in all (more is refused before any is asked about), and a domain named
     * again is asked about once.
     */
    @Test
    void anAddressOfManyHopsCostsAtMostTheBoundOfCommandsAndARepeatedDomainOne() throws Exception {
        AbuseGuard engine = engine(
                "abuse-guard.email.rules.signup.paths", "/api/signup",
                "abuse-guard.email.rules.signup.field", "/email");
        int bound = io.github.abuseguard.email.DisposableDomains.MAX_DOMAINS;

        assertThat(roundTrips(engine, signUp("someone@example.com"), 201)).isEqualTo(new Trips(1, 0));
        assertThat(roundTrips(engine, signUp("a%b.example%b.example%B.example@b.example"), 201))
                .isEqualTo(new Trips(1, 0));
        StringBuilder relayed = new StringBuilder("a");
        for (int i = 1; i < bound; i++) {
            relayed.append("%h").append(i).append(".example");
        }
        // probe26 F2: the bans of all its domains asked in one command (an MGET), not one GET each
        assertThat(roundTrips(engine, signUp(relayed + "@example.com"), 201)).isEqualTo(new Trips(1, 0));
        Trips probe = roundTrips(engine, signUp("a" + "%b".repeat(50_000) + "@example.com"), 422);
        assertThat(probe.evaluate()).isLessThanOrEqualTo(bound);
        assertThat(roundTrips(engine, signUp("a%h0.example" + relayed + "@example.com"), 422)
                        .evaluate())
                .isLessThanOrEqualTo(bound);

        // review MEDIUM-1: a domain named again and again counts once toward the bound and costs one command
        StringBuilder colleagues = new StringBuilder("u0@acme.example");
        for (int i = 1; i < 1000; i++) {
            colleagues.append(", u").append(i).append(i % 2 == 0 ? "@acme.example" : "@ACME.example");
        }
        assertThat(roundTrips(engine, signUp(colleagues.toString()), 201)).isEqualTo(new Trips(1, 0));
        assertThat(roundTrips(engine, signUp("a" + "%acme.example".repeat(1000) + "@acme.example"), 201))
                .isEqualTo(new Trips(1, 0));
        int named = io.github.abuseguard.email.DisposableDomains.MAX_DOMAINS_NAMED;
        assertThat(roundTrips(engine, signUp("a" + "%acme.example".repeat(named) + "@acme.example"), 422))
                .isEqualTo(new Trips(0, 0));
    }

    private static Supplier<GuardRequest.Builder> signUp(String address) {
        return () ->
                GuardRequest.builder("POST", "/api/signup").body("application/json", "{\"email\":\"" + address + "\"}");
    }

    /** README: a rate decision is one round trip, and a throttled key none until its retry-after. */
    @Test
    void aThrottledClientCostsNoRoundTripUntilItsRetryAfter() throws Exception {
        AbuseGuard engine = engine(
                "abuse-guard.rate-limit.rules.scores.paths", "/api/scores/{game}",
                "abuse-guard.rate-limit.rules.scores.limits[0].capacity", "2",
                "abuse-guard.rate-limit.rules.scores.limits[0].period", "1h");
        Supplier<GuardRequest.Builder> scores = get("/api/scores/7", "/api/scores/{game}");
        engine.evaluate(scores.get().client("198.51.100.1").build()); // loads the script
        GuardRequest request = scores.get().client("203.0.113.7").build();
        try (RedisMonitor monitor = new RedisMonitor(uri, prefix)) {
            for (int i = 0; i < 2; i++) {
                assertThat(engine.evaluate(request).isDenied()).isFalse();
                assertThat(monitor.commandsSoFar()).as("allowed %d", i).hasSize(1);
            }
            assertThat(engine.evaluate(request).isDenied()).isTrue();
            assertThat(monitor.commandsSoFar())
                    .as("Redis tells the first refusal")
                    .hasSize(1);

            for (int i = 0; i < 50; i++) {
                assertThat(engine.evaluate(request).isDenied()).isTrue();
            }
            clock.advance(Duration.ofMinutes(29));
            assertThat(engine.evaluate(request).isDenied()).isTrue();
            assertThat(monitor.commandsSoFar())
                    .as("refused on this instance until the retry-after")
                    .isEmpty();

            clock.advance(Duration.ofMinutes(2)); // a token every 30 minutes
            assertThat(engine.evaluate(request).isDenied()).isFalse();
            assertThat(monitor.commandsSoFar()).hasSize(1);
        }
    }

    @Test
    void aFailureIsReservedInFlightAndCountedInOneRoundTripWithItsSlidingWindow() throws Exception {
        AbuseGuard engine = engine(
                "abuse-guard.failure.rules.login.paths", "/api/login",
                "abuse-guard.failure.rules.login.max-retry", "5");

        assertThat(roundTrips(engine, post("/api/login"), 401))
                .as("the ban looked up and an in-flight slot taken in one script before (two round trips until"
                        + " this release); the failure counted with the slot given back after")
                .isEqualTo(new Trips(1, 1));
        assertThat(roundTrips(engine, post("/api/login"), 200))
                .as("a success gives its slot back")
                .isEqualTo(new Trips(1, 1));
    }

    /**
     * A distinct rule (failures per address over distinct user names): a pair it has seen fail holds no slot, whose
     * failure cannot raise the count, so only "seen?" and the ban are asked, in one script (two round trips until
     * stop 55: the pair's count, then the ban); a new pair asks the same script, then takes its slot with the ban.
     */
    @Test
    void aDistinctRuleAsksWhetherItSawThePairWithTheBanInOneRoundTrip() throws Exception {
        AbuseGuard engine = engine(
                "abuse-guard.failure.rules.login.paths", "/api/login",
                "abuse-guard.failure.rules.login.key", "ip",
                "abuse-guard.failure.rules.login.distinct", "body:/username",
                "abuse-guard.failure.rules.login.max-retry", "20");
        Supplier<GuardRequest.Builder> alice = () -> GuardRequest.builder("POST", "/api/login")
                .body("application/json", "{\"username\":\"alice\",\"password\":\"x\"}");
        assertThat(roundTrips(engine, alice, 401).evaluate())
                .as("a pair seen failing: seen and the ban in one script, no slot")
                .isEqualTo(1);
        Supplier<GuardRequest.Builder> fresh = () -> GuardRequest.builder("POST", "/api/login")
                .client("203.0.113.7")
                .body("application/json", "{\"username\":\"bob\",\"password\":\"x\"}");
        GuardRequest bob = fresh.get().build();
        try (RedisMonitor monitor = new RedisMonitor(uri, prefix)) {
            engine.evaluate(bob);
            assertThat(monitor.commandsSoFar())
                    .as("a new pair of a known address: seen and the ban, then its slot with the ban")
                    .hasSize(2);
        }
        engine.complete(bob, 401);
    }

    @Test
    void aDistinctRuleRefusesABannedAddressInOneRoundTrip() throws Exception {
        AbuseGuard engine = engine(
                "abuse-guard.failure.rules.login.paths", "/api/login",
                "abuse-guard.failure.rules.login.key", "ip",
                "abuse-guard.failure.rules.login.distinct", "body:/username",
                "abuse-guard.failure.rules.login.max-retry", "2");
        for (String user : List.of("u1", "u2", "u3")) {
            GuardRequest request = GuardRequest.builder("POST", "/api/login")
                    .client("203.0.113.9")
                    .body("application/json", "{\"username\":\"" + user + "\",\"password\":\"x\"}")
                    .build();
            if (!engine.evaluate(request).isDenied()) {
                engine.complete(request, 401);
            }
        }
        GuardRequest seenPair = GuardRequest.builder("POST", "/api/login")
                .client("203.0.113.9")
                .body("application/json", "{\"username\":\"u1\",\"password\":\"x\"}")
                .build();
        try (RedisMonitor monitor = new RedisMonitor(uri, prefix)) {
            assertThat(engine.evaluate(seenPair).isDenied())
                    .as("banned after distinct user names past max-retry, a pair it saw included")
                    .isTrue();
            assertThat(monitor.commandsSoFar()).hasSize(1);
        }
    }

    @Test
    void aRuleCountingRequestsCountsEachInOneRoundTrip() throws Exception {
        AbuseGuard engine = engine(
                "abuse-guard.failure.rules.reset.paths", "/api/password-reset",
                "abuse-guard.failure.rules.reset.counting", "requests",
                "abuse-guard.failure.rules.reset.max-retry", "5");

        assertThat(roundTrips(engine, post("/api/password-reset"), 200))
                .as("the ban looked up and the request counted with its previous window, in one script")
                .isEqualTo(new Trips(1, 0));
    }

    @Test
    void aRuleCountingRequestsRefusesABannedKeyInOneRoundTripAndCountsNothing() throws Exception {
        AbuseGuard engine = engine(
                "abuse-guard.failure.rules.reset.paths", "/api/password-reset",
                "abuse-guard.failure.rules.reset.counting", "requests",
                "abuse-guard.failure.rules.reset.max-retry", "2");
        GuardRequest request =
                post("/api/password-reset").get().client("203.0.113.9").build();
        for (int i = 0; i < 2; i++) {
            assertThat(engine.evaluate(request).isDenied()).isFalse();
            engine.complete(request, 200);
        }
        assertThat(engine.evaluate(request).isDenied())
                .as("the third request is over max-retry")
                .isTrue();

        try (RedisMonitor monitor = new RedisMonitor(uri, prefix)) {
            assertThat(engine.evaluate(request).isDenied()).as("still banned").isTrue();
            assertThat(monitor.commandsSoFar()).hasSize(1);
        }
    }

    @Test
    void aFailureOnARouteWatchedForAttacksCountsBothWindowsAndItsSitesShares() throws Exception {
        AbuseGuard engine = engine(
                "abuse-guard.failure.rules.login.paths", "/api/login",
                "abuse-guard.failure.rules.login.max-retry", "5",
                "abuse-guard.failure.rules.login.under-attack.enabled", "true");

        Trips failure = roundTrips(engine, post("/api/login"), 401);

        assertThat(failure.complete())
                .as("the client's failures (1), the route's requests and failures (2), the client site's"
                        + " share of this under-attack window (1), and of its slow window, then the slow window's"
                        + " failures (2), and the route's place and its site's share of them given back (2: a client"
                        + " without a history holds one while the mode is off)")
                .isEqualTo(8);
    }

    /**
     * review12 M2: the failure that starts a route's under-attack mode, or extends it, remembers the client sites
     * that failed before it, so that they cannot restart it once it ends. That cost a count and a ban per site,
     * and a look-up more while some site was remembered; now a bounded number whatever the number of sites. A
     * start: whether an operator ended a mode in the last two windows (one read), the mode looked up and its two
     * bans, when an operator last ended a mode (the skip note, one read) and the listing of its sites, one claim (probe83a
     * F2: racing failures counted the sites once each), one count and one ban for them all, and the marker that tells the other instances to look sites up (its read and write), and
     * the spend of the slow window's counts (the guessing sites read, the spend appended to the store's trail: review79
     * F1), 13, and two more the first time this Redis runs the two scripts. An extension: the mode and its limit looked
     * up and its ban renewed, the skip note and the listing, one look-up (some site is remembered now), one claim, one
     * count and one ban for them all, the marker's read and write, and the spend, 13.
     */
    @Test
    void theFailuresThatStartAndExtendTheModeRememberThreeHundredSitesInABoundedNumberOfCommands() throws Exception {
        int sites = 300;
        AbuseGuard engine = engine(
                "abuse-guard.failure.rules.codes.paths", "/api/codes/{code}",
                "abuse-guard.failure.rules.codes.statuses", "404",
                "abuse-guard.failure.rules.codes.under-attack.enabled", "true",
                "abuse-guard.failure.rules.codes.under-attack.min-failures", Integer.toString(sites));
        for (int site = 0; site < sites; site++) {
            // a history each, earned before the mode: the second crowd's failures then pass it and extend it
            GuardRequest page = code("198.19." + (site / 250) + "." + (site % 250 + 1), "GIFT-0");
            engine.evaluate(page);
            engine.complete(page, 200);
        }
        try (RedisMonitor monitor = new RedisMonitor(uri, prefix)) {
            int[] starting = failures(engine, monitor, "198.18.", sites);
            assertThat(engine.evaluate(code("203.0.113.9", "GIFT-1")).decision().reason())
                    .as("the 300th site's failure started the mode")
                    .isEqualTo("under-attack");
            clock.advance(Duration.ofSeconds(2L * UnderAttack.DEFAULT_WINDOW_SECONDS)); // the window's count gone
            int[] extending = failures(engine, monitor, "198.19.", sites);
            System.out.printf(
                    "commands after the exchange: %d for a failure, %d for the start; %d for a failure, %d for the"
                            + " extension%n",
                    starting[0], starting[1], extending[0], extending[1]);
            assertThat(starting[1]).as("the start's commands over a failure's").isLessThanOrEqualTo(starting[0] + 15);
            assertThat(extending[1])
                    .as("the extension's commands over a failure's")
                    .isLessThanOrEqualTo(extending[0] + 13);
        }

        clock.advance(Duration.ofMinutes(UnderAttack.DEFAULT_DURATION_MINUTES).plusSeconds(1));
        assertThat(engine.evaluate(code("203.0.113.9", "GIFT-1")).decision().isAllow())
                .as("the mode ended")
                .isTrue();
        for (String site : List.of("198.18.0.1", "198.19.0.1", "198.19.1.50")) {
            GuardRequest tool = GuardRequest.builder("GET", "/api/codes/GUESS-late")
                    .route("/api/codes/{code}")
                    .client(site)
                    .header("User-Agent", "curl/8.5.0")
                    .build();
            assertThat(engine.evaluate(tool).decision().reason())
                    .as("%s, remembered with the others", site)
                    .isEqualTo("site-under-attack");
        }
    }

    /**
     * One failure from each of {@code count} sites of {@code prefix}; answers the commands after the exchange of
     * the last failure but one, and of the last.
     */
    private int[] failures(AbuseGuard engine, RedisMonitor monitor, String prefix, int count) throws Exception {
        int[] last = new int[2];
        for (int site = 0; site < count; site++) {
            GuardRequest guess = code(prefix + (site / 250) + "." + (site % 250 + 1), "GUESS-" + site);
            assertThat(engine.evaluate(guess).decision().isDeny())
                    .as("%s%d", prefix, site)
                    .isFalse();
            if (site >= count - 2) {
                monitor.commandsSoFar();
            }
            engine.complete(guess, 404);
            if (site >= count - 2) {
                last[site - (count - 2)] = monitor.commandsSoFar().size();
            }
        }
        return last;
    }

    /** A browser's look-up of a code. */
    private static GuardRequest code(String client, String code) {
        return GuardRequest.builder("GET", "/api/codes/" + code)
                .route("/api/codes/{code}")
                .client(client)
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36")
                .header("Accept-Language", "en")
                .build();
    }

    /**
     * A success of a method the route was heard failing with makes the ratio of both windows: with the slow
     * window on it costs two round trips more, the client site's share of the slow window (review12 H1) and the
     * slow window's successes.
     */
    @Test
    void aSuccessOnARouteWatchedForAttacksCostsItsSlowWindowTwoRoundTrips() throws Exception {
        int[] completes = new int[2];
        String[] slowWindows = {"0s", "10m"};
        for (int i = 0; i < 2; i++) {
            String rule = "abuse-guard.failure.rules.login" + i + ".";
            AbuseGuard engine = engine(
                    rule + "paths", "/api/login",
                    rule + "max-retry", "5",
                    rule + "under-attack.enabled", "true",
                    rule + "under-attack.slow-window", slowWindows[i]);
            roundTrips(engine, post("/api/login"), 401); // the route heard POST fail: its successes count
            completes[i] = roundTrips(engine, post("/api/login"), 200).complete();
        }
        assertThat(completes[1]).as("with the slow window").isEqualTo(completes[0] + 2);
    }

    /**
     * A distinct rule watched for attacks: a pair's first failure also counts a key on its value (one more
     * round trip than without a surge); a repeat forgiven as a typo costs the pair's count, a look-up of its
     * value's keys, its site's share and the route's retries and failures after the exchange (a failure of the
     * route's count, not of its ratio: review9); from the pair's fourth failure on (a guess, probe14) its
     * site's share and the route's counts, as a new pair's failure. Each of them, within its site's share,
     * costs two more for the slow window: the site's share of it, then its failures or retries. Each failure also
     * counts for the typos a success on its account may redeem (its site's failures not redeemed, then its pair's),
     * and a site's first failure of a slow window lifts the site's mark of typos all redeemed: two more, three the
     * first time.
     */
    @Test
    void aRepeatedFailureOfAPairCountsForTheRouteOnlyPastTheForgivenRetries() throws Exception {
        AbuseGuard engine = engine(
                "abuse-guard.failure.rules.login.paths", "/api/login",
                "abuse-guard.failure.rules.login.key", "ip",
                "abuse-guard.failure.rules.login.distinct", "body:/username",
                "abuse-guard.failure.rules.login.max-retry", "20",
                "abuse-guard.failure.rules.login.under-attack.enabled", "true",
                // a site's share of 4 failures per window, so that the four below are all within it
                "abuse-guard.failure.rules.login.under-attack.min-failures", "40");
        Supplier<GuardRequest> alice = () -> GuardRequest.builder("POST", "/api/login")
                .client("203.0.113.7")
                .body("application/json", "{\"username\":\"alice\",\"password\":\"x\"}")
                .build();
        // another site's failure on another account first: the scripts loaded, whatever an earlier test flushed
        GuardRequest warmUp = GuardRequest.builder("POST", "/api/login")
                .client("198.51.100.1")
                .body("application/json", "{\"username\":\"warm-up\",\"password\":\"x\"}")
                .build();
        engine.evaluate(warmUp);
        engine.complete(warmUp, 401);
        int[] completes = new int[4];
        for (int i = 0; i < 4; i++) {
            GuardRequest request = alice.get();
            engine.evaluate(request);
            try (RedisMonitor monitor = new RedisMonitor(uri, prefix)) {
                engine.complete(request, 401);
                completes[i] = monitor.commandsSoFar().size();
            }
        }
        assertThat(completes[0])
                .as("a new pair: its count, the value's keys, the key's count, the site's share, its site noted as"
                        + " a contributor (its first failure of the window), the route's two, the slow window's two"
                        + " and its site noted as a contributor there (its first failure of the slow window); its"
                        + " site's and pair's failures not redeemed, and the site's redeemed mark lifted; the route's place"
                        + " and its site's share given back")
                .isEqualTo(15);
        assertThat(completes[1])
                .as("a forgiven repeat: the pair's count, the keys that failed on its value, the site's share,"
                        + " the route's retries and failures, the slow window's two; its site's and pair's failures"
                        + " not redeemed; the route's place and its site's share")
                .isEqualTo(11);
        assertThat(completes[2]).isEqualTo(11);
        assertThat(completes[3])
                .as(
                        "a guess: the pair's count, the site's share, the route's requests and failures, the slow"
                                + " window's two; its site's and pair's failures not redeemed; the route's place and its site's share")
                .isEqualTo(10);
    }

    /**
     * probe21 F6: a success counts in the route's failure ratio once per account and window, and within its
     * client site's share. After the exchange a success of a distinct rule watched for attacks gives its slot
     * back and reads the client's history, as before; a new account's first success of the window then costs
     * its account's count, its site's share and the route's requests (one round trip more than before), a
     * repeat of the account only its account's count (as many as before); under a rule keyed by the address
     * alone, which names no account, a success costs its site's share and the route's requests. A success of a
     * rule that names an account also reads its account's failures from its site not yet redeemed (this slow
     * window's and the last's, one round trip), which nothing redeems here.
     */
    @Test
    void aSuccessOnARouteWatchedForAttacksCountsItsAccountOncePerWindow() throws Exception {
        AbuseGuard engine = engine(
                "abuse-guard.failure.rules.login.paths", "/api/login",
                "abuse-guard.failure.rules.login.key", "ip",
                "abuse-guard.failure.rules.login.distinct", "body:/username",
                "abuse-guard.failure.rules.login.max-retry", "20",
                "abuse-guard.failure.rules.login.under-attack.enabled", "true",
                "abuse-guard.failure.rules.keyed.paths", "/api/keyed",
                "abuse-guard.failure.rules.keyed.key", "ip",
                "abuse-guard.failure.rules.keyed.max-retry", "20",
                "abuse-guard.failure.rules.keyed.under-attack.enabled", "true");
        // the routes heard failing with POST (only then do their successes count), every script loaded, and
        // the client's history earned
        for (String path : new String[] {"/api/login", "/api/keyed"}) {
            complete(engine, signIn(path, "198.51.100.1", "typo"), 401);
            complete(engine, signIn(path, "203.0.113.7", "bob"), 200);
        }

        assertThat(complete(engine, signIn("/api/login", "203.0.113.7", "alice"), 200))
                .as("the slot, the history; the account's count and the site's share in the window and in the slow"
                        + " window, the route's requests, the slow window's successes; the account's failures to redeem;"
                        + " the route's place and its site's share given back")
                .isEqualTo(11);
        assertThat(complete(engine, signIn("/api/login", "203.0.113.7", "alice"), 200))
                .as("the slot, the history; the account's failures to redeem; the account's count: alice already"
                        + " counted in this window; the route's place and its site's share")
                .isEqualTo(6);
        assertThat(complete(engine, signIn("/api/keyed", "203.0.113.7", "carol"), 200))
                .as("the slot, the history; the site's share in the window and in the slow window, the route's"
                        + " requests, the slow window's successes; the route's place and its site's share")
                .isEqualTo(8);
    }

    private static GuardRequest signIn(String path, String address, String username) {
        return GuardRequest.builder("POST", path)
                .client(address)
                .body("application/json", "{\"username\":\"" + username + "\",\"password\":\"x\"}")
                .build();
    }

    /** Checks {@code request}, then answers the commands its completion with {@code status} sent. */
    private int complete(AbuseGuard engine, GuardRequest request, int status) throws Exception {
        engine.evaluate(request);
        try (RedisMonitor monitor = new RedisMonitor(uri, prefix)) {
            engine.complete(request, status);
            return monitor.commandsSoFar().size();
        }
    }

    @Test
    void aRequiredPriorStepIsOneRoundTripToReadAndOneToRecord() throws Exception {
        AbuseGuard engine = engine(
                "abuse-guard.sequence.rules.pay.operation", "POST /api/pay",
                "abuse-guard.sequence.rules.pay.requires", "POST /api/cart");

        assertThat(roundTrips(engine, post("/api/cart"), 200))
                .as("the prior step recorded")
                .isEqualTo(new Trips(0, 1));
        assertThat(roundTrips(engine, post("/api/pay"), 200))
                .as("the trail read")
                .isEqualTo(new Trips(1, 0));
    }

    @Test
    void anAtMostOnceStepIsCheckedAndReservedInOneRoundTripAndSettledInOne() throws Exception {
        AbuseGuard engine = engine(
                "abuse-guard.sequence.rules.redeem.operation", "POST /api/redeem",
                "abuse-guard.sequence.rules.redeem.forbids", "POST /api/redeem");

        assertThat(roundTrips(engine, post("/api/redeem"), 500)).isEqualTo(new Trips(1, 1));
    }

    @Test
    void aLearningModelReadsTheTrailOnceAndAppendsOnce() throws Exception {
        AbuseGuard engine = engine("abuse-guard.sequence.model", "learn-and-score");

        assertThat(roundTrips(engine, post("/api/anything"), 200)).isEqualTo(new Trips(1, 1));
    }
}
