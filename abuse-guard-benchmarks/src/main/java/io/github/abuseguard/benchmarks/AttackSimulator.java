package io.github.abuseguard.benchmarks;

import io.github.abuseguard.servlet.ProofSolver;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plays attacks and legitimate traffic against a running app over real HTTP, from many loopback source
 * addresses (127.0.0.0/8, bound per request, no forwarded headers), and prints per scenario how many
 * attack requests abuse-guard refused after a warm-up and how many legitimate requests it touched.
 *
 * <p>By default each scenario gets a fresh demo JVM ({@code examples/spring-boot-demo/target/abuse-guard-demo.jar},
 * started on loopback with its own configuration, unchanged), so scenarios do not help one another. With
 * {@code --target=PORT} every scenario runs against an app already listening on 127.0.0.1:PORT. With
 * {@code --scenario=NAME} only that one runs.
 *
 * <p>A request is <em>mitigated</em> or <em>touched</em> when abuse-guard answered it (a problem with a
 * {@code guard} member). The first {@value #WARM_UP} attack requests of each scenario are the warm-up: a
 * detector that learns from outcomes cannot stop what it has not yet seen. Requests of legitimate users
 * run interleaved with the attack, in a shuffled order fixed by a seed, on {@value #THREADS} threads.
 * An attacker's page load before its attack (the same request every visitor sends) is counted apart and
 * printed, neither attack nor legitimate.
 */
public final class AttackSimulator {
    static final int WARM_UP = 100;

    /** Where the demo answers the browser proof (abuse-guard.proof.path). */
    static final String PROOF = "/abuse-guard/proof";

    private static final int THREADS = 8;
    private static final String CHROME =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

    private AttackSimulator() {}

    public static void main(String[] args) throws Exception {
        Integer target = null;
        String only = null;
        for (String arg : args) {
            if (arg.startsWith("--target=")) {
                target = Integer.parseInt(arg.substring("--target=".length()));
            } else if (arg.startsWith("--scenario=")) {
                only = arg.substring("--scenario=".length());
            } else {
                throw new IllegalArgumentException(
                        "unknown argument " + arg + "; use --target=PORT and --scenario=NAME");
            }
        }
        Path jar = Path.of("examples/spring-boot-demo/target/abuse-guard-demo.jar");
        if (target == null && !Files.exists(jar)) {
            throw new IllegalStateException("build the demo first: ./mvnw -B -ntp -DskipTests package");
        }
        List<Result> results = new ArrayList<>();
        int block = 10;
        for (Scenario scenario : Scenario.values()) {
            block++;
            if (only != null && !scenario.name.equals(only)) {
                continue;
            }
            int port = target != null ? target : 18190;
            Demo demo = target != null ? null : Demo.start(jar, port);
            try {
                if (demo != null) {
                    demo.awaitReady();
                }
                Traffic traffic = new Traffic(new LoopbackClient(port), port, block);
                long started = System.nanoTime();
                scenario.play(traffic, new Random(42));
                Result result = traffic.result(scenario.name, (System.nanoTime() - started) / 1_000_000);
                System.out.println(result.line());
                results.add(result);
            } finally {
                if (demo != null) {
                    demo.stop();
                }
            }
        }
        System.out.println();
        System.out.println(
                "| scenario | attack requests | after warm-up | mitigated | legitimate requests | touched | errors |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        results.forEach(result -> System.out.println(result.row()));
    }

    /** The scenarios; each stays within its own 127.N.0.0/16 block of source addresses. */
    enum Scenario {
        CLONE_PROXY("clone-proxy") {
            @Override
            void play(Traffic t, Random random) {
                String[] mailboxes = {
                    "mailinator.com", "yopmail.com", "guerrillamail.com", "10minutemail.com", "trashmail.com"
                };
                for (int i = 0; i < 1_000; i++) {
                    String proxy = t.address(i % 4);
                    String mailbox = "u" + random.nextInt(1_000_000) + "@" + mailboxes[i % mailboxes.length];
                    Map<String, String> headers = new LinkedHashMap<>(browser(null));
                    headers.put("Origin", "https://cartoonify-clone.example");
                    headers.put("Sec-Fetch-Site", "cross-site");
                    headers.put("Via", "1.1 " + Integer.toHexString(random.nextInt()) + ".cloudfront.net (CloudFront)");
                    headers.put("X-Amz-Cf-Id", Long.toHexString(random.nextLong()));
                    headers.put("X-Forwarded-For", "198.51.100." + random.nextInt(255));
                    headers.put("Content-Type", "application/json");
                    t.attack(proxy, "POST", "/api/transform", headers, transform(mailbox));
                }
                for (int i = 0; i < 200; i++) {
                    String user = t.address(1_000 + i);
                    t.legit(user, visit(t), session -> {
                        Map<String, String> headers = new LinkedHashMap<>(browser(t.origin()));
                        headers.put("Content-Type", "application/json");
                        session.send(
                                "POST", "/api/transform", headers, transform("fan" + user.hashCode() + "@gmail.com"));
                    });
                }
            }
        },
        STUFFING_TOOL("stuffing-tool-agent") {
            @Override
            void play(Traffic t, Random random) {
                stuffing(t, random, Map.of("User-Agent", "python-requests/2.31.0", "Accept", "*/*"));
            }
        },
        STUFFING_BROWSER("stuffing-browser-agent") {
            @Override
            void play(Traffic t, Random random) {
                stuffing(t, random, browser(null));
            }
        },
        STUFFING_AFTER_PAGE_LOAD("stuffing-after-page-load") {
            @Override
            void play(Traffic t, Random random) {
                // the copied-browser stuffing, each address opening the app's page first, as a reader does, to
                // earn the history that the under-attack mode lets through
                preparedStuffing(t, random, null, Preparation.PAGE);
            }
        },
        STUFFING_WITH_ORIGIN_AFTER_PAGE_LOAD("stuffing-with-origin-after-page-load") {
            @Override
            void play(Traffic t, Random random) {
                // the same, its posts also carrying the Origin every browser sends: byte for byte a person who
                // opens the page and signs in, but for the page's script, which it never runs
                preparedStuffing(t, random, t.origin(), Preparation.PAGE);
            }
        },
        GIFT_CARDS("gift-card-enumeration") {
            @Override
            void play(Traffic t, Random random) {
                for (int i = 0; i < 1_500; i++) {
                    String code = String.format(Locale.ROOT, "GIFT-%04d", random.nextInt(10_000));
                    t.attack(t.address(i % 5), "GET", "/api/giftcards/" + code, browser(null), null);
                }
                for (int i = 0; i < 300; i++) {
                    boolean mistypes = i % 20 == 0;
                    t.legit(t.address(1_000 + i), visit(t), session -> {
                        if (mistypes) {
                            session.send("GET", "/api/giftcards/GIFT-1O00", browser(null), null);
                        }
                        session.send("GET", "/api/giftcards/GIFT-1000", browser(null), null);
                    });
                }
            }
        },
        FLOW_SKIPPING("flow-skipping") {
            @Override
            void play(Traffic t, Random random) {
                for (int i = 0; i < 150; i++) {
                    String address = t.spreadAddress(i);
                    t.scripted(address, session -> {
                        String[] account = session.signUp("buyer" + address.hashCode() + "@example.com");
                        if (account == null) {
                            return;
                        }
                        for (int attempt = 0; attempt < 3; attempt++) {
                            session.attack(
                                    "POST",
                                    "/api/accounts/" + account[0] + "/payment-methods",
                                    authorized(account[1]),
                                    "{\"card\":\"4111 1111 1111 1111\"}");
                        }
                    });
                }
                for (int i = 0; i < 200; i++) {
                    String address = t.spreadAddress(1_000 + i);
                    t.legit(address, visit(t), session -> {
                        String[] account = session.signUp("shopper" + address.hashCode() + "@gmail.com");
                        if (account == null) {
                            return;
                        }
                        session.send("POST", "/api/accounts/" + account[0] + "/verify", authorized(account[1]), null);
                        session.send(
                                "POST",
                                "/api/accounts/" + account[0] + "/payment-methods",
                                authorized(account[1]),
                                "{\"card\":\"4111 1111 1111 1111\"}");
                    });
                }
            }
        },
        SCRAPING_FEW("scraping-few-addresses") {
            @Override
            void play(Traffic t, Random random) {
                for (int i = 0; i < 3_000; i++) {
                    t.attack(t.address(i % 2), "GET", "/api/scores/game-" + i, browser(null), null);
                }
                legitReaders(t, random, 300);
            }
        },
        SCRAPING_MANY("scraping-many-addresses") {
            @Override
            void play(Traffic t, Random random) {
                for (int i = 0; i < 6_000; i++) {
                    t.attack(t.address(i % 300), "GET", "/api/scores/game-" + i, browser(null), null);
                }
                legitReaders(t, random, 300);
            }
        },
        SCRAPING_HUMAN_PACE("scraping-human-pace") {
            @Override
            void play(Traffic t, Random random) {
                // 60 addresses, each reading 50 different games one after another, 150-450 ms apart: no
                // address comes near a flat rate limit, and none touches more than 50 games.
                humanPaceScrape(t, random, Preparation.NOTHING);
            }
        },
        SCRAPING_BRIEF_VISITS("scraping-brief-visits") {
            @Override
            void play(Traffic t, Random random) {
                // 300 addresses, each reading only 10 different games at a person's pace: far below any
                // per-address bound, so only the population's count can tell.
                for (int a = 0; a < 300; a++) {
                    humanScraper(t, t.address(a), a * 10, 10, 150, 300, random.nextLong(), Preparation.NOTHING);
                }
                legitReaders(t, random, 300);
            }
        },
        SCRAPING_SLOW_PACE("scraping-slow-pace") {
            @Override
            void play(Traffic t, Random random) {
                // 24 addresses, each reading 50 different games 600-1200 ms apart: about nine new games a
                // second between them.
                for (int a = 0; a < 24; a++) {
                    humanScraper(t, t.address(a), a * 50, 50, 600, 600, random.nextLong(), Preparation.NOTHING);
                }
                legitReaders(t, random, 300);
            }
        },
        SCRAPING_AFTER_PAGE_LOAD("scraping-after-page-load") {
            @Override
            void play(Traffic t, Random random) {
                // the human-pace scrape, each address opening the app's page first as a reader does
                humanPaceScrape(t, random, Preparation.PAGE);
            }
        },
        LONG_TAIL_READERS("legitimate-long-tail-at-start") {
            @Override
            void play(Traffic t, Random random) {
                // right after a start, 600 readers open the page and each reads five titles of a catalogue of
                // 50,000, most of them asked for by nobody else: counted like scraping, so the route may go
                // under scrape, but readers who opened the page pass
                for (int i = 0; i < 600; i++) {
                    long seed = random.nextLong();
                    t.legit(t.address(i), visit(t), session -> {
                        Random titles = new Random(seed);
                        for (int read = 0; read < 5; read++) {
                            session.send("GET", "/api/scores/title-" + titles.nextInt(50_000), browser(null), null);
                        }
                    });
                }
            }
        },
        STUFFING_ROTATING_AGENTS("stuffing-rotating-agents") {
            @Override
            void play(Traffic t, Random random) {
                // One try per address from 4,000 addresses, each with a current browser's full headers, the
                // user agent rotating over four browsers.
                String[] agents = {
                    CHROME,
                    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
                    "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
                    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0"
                };
                for (int a = 0; a < 4_000; a++) {
                    Map<String, String> headers = new LinkedHashMap<>(browser(t.origin()));
                    headers.put("User-Agent", agents[random.nextInt(agents.length)]);
                    headers.put("Content-Type", "application/json");
                    t.attack(
                            t.address(a),
                            "POST",
                            "/api/login",
                            headers,
                            "{\"username\":\"combo" + random.nextInt(1_000_000) + "@mail.example\",\"password\":\"pw"
                                    + random.nextInt(100_000) + "\"}");
                }
                signIns(t, 400);
            }
        },
        ENUMERATION_TWO_PER_ADDRESS("enumeration-two-per-address") {
            @Override
            void play(Traffic t, Random random) {
                // Gift-card guesses, two per address from 1,000 addresses, with a browser's headers.
                for (int i = 0; i < 2_000; i++) {
                    String code = String.format(Locale.ROOT, "GIFT-%04d", random.nextInt(10_000));
                    t.attack(t.address(i / 2), "GET", "/api/giftcards/" + code, browser(null), null);
                }
                for (int i = 0; i < 300; i++) {
                    boolean mistypes = i % 20 == 0;
                    t.legit(t.address(2_000 + i), visit(t), session -> {
                        if (mistypes) {
                            session.send("GET", "/api/giftcards/GIFT-25OO", browser(null), null);
                        }
                        session.send("GET", "/api/giftcards/GIFT-2500", browser(null), null);
                    });
                }
            }
        },
        ENUMERATION_AFTER_PAGE_LOAD("enumeration-after-page-load") {
            @Override
            void play(Traffic t, Random random) {
                // The two-per-address gift-card guesses, each address opening the app's page first, as a
                // shopper does: a GET from the page carries no Origin, so only the guesses themselves can tell.
                preparedEnumeration(t, random, Preparation.PAGE);
            }
        },
        ENUMERATION_SOLVING_THE_PROOF("enumeration-solving-the-proof") {
            @Override
            void play(Traffic t, Random random) {
                // The same, each address also solving the page's proof with a solver of its own: beyond what
                // the proof can stop, to measure what the guards behind it do.
                preparedEnumeration(t, random, Preparation.PROOF);
            }
        },
        STUFFING_SOLVING_THE_PROOF("stuffing-solving-the-proof") {
            @Override
            void play(Traffic t, Random random) {
                // The copied-browser stuffing with Origin, each address also solving the page's proof with a
                // solver of its own: beyond what the proof can stop.
                preparedStuffing(t, random, t.origin(), Preparation.PROOF);
            }
        },
        SCRAPING_SOLVING_THE_PROOF("scraping-solving-the-proof") {
            @Override
            void play(Traffic t, Random random) {
                // The human-pace scrape, each address opening the page and solving its proof with a solver of
                // its own: beyond what the proof can stop.
                humanPaceScrape(t, random, Preparation.PROOF);
            }
        },
        SURGE("legitimate-surge") {
            @Override
            void play(Traffic t, Random random) {
                for (int i = 0; i < 500; i++) {
                    t.legit(t.address(i), visit(t), session -> {
                        for (int poll = 0; poll < 20; poll++) {
                            session.send("GET", "/api/scores/finals", browser(null), null);
                        }
                    });
                }
            }
        };

        final String name;

        Scenario(String name) {
            this.name = name;
        }

        abstract void play(Traffic traffic, Random random) throws Exception;

        /** 60 addresses, each reading 50 different games 150-450 ms apart after {@code preparation}, and 300 readers. */
        static void humanPaceScrape(Traffic t, Random random, Preparation preparation) {
            for (int a = 0; a < 60; a++) {
                humanScraper(t, t.address(a), a * 50, 50, 150, 300, random.nextLong(), preparation);
            }
            legitReaders(t, random, 300);
        }

        /**
         * One address reading {@code reads} different matches one after another, {@code minPause} to
         * {@code minPause + spread} ms apart, after {@code preparation}.
         */
        static void humanScraper(
                Traffic t,
                String address,
                int first,
                int reads,
                int minPause,
                int spread,
                long seed,
                Preparation preparation) {
            t.scripted(address, session -> {
                Random pace = new Random(seed);
                preparation.prepare(session, t);
                for (int i = 0; i < reads; i++) {
                    session.attack("GET", "/api/scores/match-" + (first + i), browser(null), null);
                    pause(minPause + pace.nextInt(spread));
                }
            });
        }

        /** Two gift-card guesses from each of 1,000 addresses after {@code preparation}, and 300 shoppers. */
        static void preparedEnumeration(Traffic t, Random random, Preparation preparation) {
            for (int a = 0; a < 1_000; a++) {
                long seed = random.nextLong();
                t.scripted(t.address(a), session -> {
                    Random guesses = new Random(seed);
                    preparation.prepare(session, t);
                    for (int i = 0; i < 2; i++) {
                        String code = String.format(Locale.ROOT, "GIFT-%04d", guesses.nextInt(10_000));
                        session.attack("GET", "/api/giftcards/" + code, browser(null), null);
                    }
                });
            }
            for (int i = 0; i < 300; i++) {
                boolean mistypes = i % 20 == 0;
                t.legit(t.address(2_000 + i), visit(t), session -> {
                    if (mistypes) {
                        session.send("GET", "/api/giftcards/GIFT-25OO", browser(null), null);
                    }
                    session.send("GET", "/api/giftcards/GIFT-2500", browser(null), null);
                });
            }
        }

        /** Copied-browser stuffing, each address first doing {@code preparation}, posts with {@code origin} (or none). */
        static void preparedStuffing(Traffic t, Random random, String origin, Preparation preparation) {
            int attempt = 0;
            for (int address = 0; attempt < 3_000; address++) {
                int tries = Math.min(1 + random.nextInt(2), 3_000 - attempt);
                attempt += tries;
                long seed = random.nextLong();
                t.scripted(t.address(address), session -> {
                    Random guesses = new Random(seed);
                    preparation.prepare(session, t);
                    Map<String, String> headers = new LinkedHashMap<>(browser(origin));
                    headers.put("Content-Type", "application/json");
                    for (int i = 0; i < tries; i++) {
                        session.attack("POST", "/api/login", headers, leakedCredentials(guesses));
                    }
                });
            }
            signIns(t, 400);
        }

        /** Thousands of addresses, one or two tries each, against a background of real sign-ins. */
        static void stuffing(Traffic t, Random random, Map<String, String> attackHeaders) {
            int attempt = 0;
            for (int address = 0; attempt < 3_000; address++) {
                int tries = 1 + random.nextInt(2);
                for (int i = 0; i < tries && attempt < 3_000; i++, attempt++) {
                    Map<String, String> headers = new LinkedHashMap<>(attackHeaders);
                    headers.put("Content-Type", "application/json");
                    t.attack(t.address(address), "POST", "/api/login", headers, leakedCredentials(random));
                }
            }
            signIns(t, 400);
        }

        /** A leaked user name and password, as a stuffing list has them. */
        static String leakedCredentials(Random random) {
            return "{\"username\":\"leaked" + random.nextInt(1_000_000) + "@mail.example\",\"password\":\"hunter"
                    + random.nextInt(1_000) + "\"}";
        }

        /** Real users signing in (5% mistype their password once first). */
        static void signIns(Traffic t, int users) {
            for (int i = 0; i < users; i++) {
                int user = i + 1;
                boolean mistypes = i % 20 == 0;
                t.legit(t.address(20_000 + i), visit(t), session -> {
                    Map<String, String> headers = new LinkedHashMap<>(browser(t.origin()));
                    headers.put("Content-Type", "application/json");
                    if (mistypes) {
                        session.send("POST", "/api/login", headers, credentials(user, "secret-" + user + "x"));
                    }
                    session.send("POST", "/api/login", headers, credentials(user, "secret-" + user));
                });
            }
        }

        static void pause(int millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }

        static void legitReaders(Traffic t, Random random, int users) {
            for (int i = 0; i < users; i++) {
                int favourite = random.nextInt(50);
                t.legit(t.address(20_000 + i), visit(t), session -> {
                    for (int poll = 0; poll < 8; poll++) {
                        session.send("GET", "/api/scores/game-" + (favourite + poll % 3), browser(null), null);
                    }
                });
            }
        }

        static String credentials(int user, String password) {
            return "{\"username\":\"user" + user + "\",\"password\":\"" + password + "\"}";
        }

        static String transform(String email) {
            return "{\"email\":\"" + email + "\",\"image\":\"aGVsbG8=\"}";
        }

        static Map<String, String> authorized(String token) {
            Map<String, String> headers = new LinkedHashMap<>(browser(null));
            headers.put("Authorization", "Bearer " + token);
            headers.put("Content-Type", "application/json");
            return headers;
        }

        /** An attacker's page load before its attack: byte for byte what a visitor's browser sends first. */
        static void openPage(Session session) {
            session.pageLoad(
                    "GET",
                    "/",
                    Map.of("User-Agent", CHROME, "Accept", "text/html", "Accept-Language", "en-GB,en;q=0.9"),
                    null);
        }

        /**
         * What a person's browser opening the app sends first: the page, its proof script and the proof it
         * solves (the demo's page runs {@code /abuse-guard/proof.js}), then a score.
         */
        static Session.Step visit(Traffic t) {
            return session -> {
                session.send(
                        "GET",
                        "/",
                        Map.of("User-Agent", CHROME, "Accept", "text/html", "Accept-Language", "en-GB,en;q=0.9"),
                        null);
                session.proveInBrowser(t.origin());
                session.send("GET", "/api/scores/home", browser(null), null);
            };
        }
    }

    /** The headers a current browser sends with a fetch from the app's own page. */
    static Map<String, String> browser(String origin) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("User-Agent", CHROME);
        headers.put("Accept", "application/json");
        headers.put("Accept-Language", "en-GB,en;q=0.9");
        headers.put("Sec-Fetch-Site", "same-origin");
        headers.put("Sec-Fetch-Mode", "cors");
        if (origin != null) {
            headers.put("Origin", origin);
        }
        return headers;
    }

    /** Collects the tasks of one scenario, runs them shuffled, and counts. */
    static final class Traffic {
        final LoopbackClient client;
        final int port;
        final int block;
        final List<Runnable> tasks = new ArrayList<>();
        final AtomicLong attackSequence = new AtomicLong();
        final AtomicLong attacks = new AtomicLong();
        final AtomicLong attacksAfterWarmUp = new AtomicLong();
        final AtomicLong mitigatedAfterWarmUp = new AtomicLong();
        final AtomicLong legitimate = new AtomicLong();
        final AtomicLong touched = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong pageLoads = new AtomicLong();
        final AtomicLong pageLoadsAnswered = new AtomicLong();
        final Map<String, AtomicLong> touchedBy = new java.util.concurrent.ConcurrentHashMap<>();
        final Map<String, AtomicLong> mitigatedBy = new java.util.concurrent.ConcurrentHashMap<>();

        private static String guardAndReason(LoopbackClient.Response response) {
            String body = response.body();
            return body.replaceAll("(?s).*\"guard\":\"([^\"]*)\".*", "$1") + "/"
                    + body.replaceAll("(?s).*\"reason\":\"([^\"]*)\".*", "$1");
        }

        Traffic(LoopbackClient client, int port, int block) {
            this.client = client;
            this.port = port;
            this.block = block;
        }

        String origin() {
            return "http://127.0.0.1:" + port;
        }

        /** The n-th source address of this scenario's block, 127.block.x.y. */
        String address(int n) {
            return "127." + block + "." + (n / 250) + "." + (n % 250 + 1);
        }

        /**
         * The n-th source address of this scenario's block, each of the first 250 in a /24 of its own, as people signing
         * up come from many networks: the demo limits sign-ups per network (30 per /24 and 10 minutes), which a crowd
         * of 150 in one /24 met at its 30th (the flow-skipping scenario had measured 90 requests of 450 since).
         */
        String spreadAddress(int n) {
            return "127." + block + "." + (n % 250) + "." + (n / 250 + 1);
        }

        void attack(String source, String method, String path, Map<String, String> headers, String body) {
            tasks.add(() -> new Session(this, source).attack(method, path, headers, body));
        }

        void legit(String source, Session.Step first, Session.Step then) {
            tasks.add(() -> {
                Session session = new Session(this, source);
                first.run(session);
                then.run(session);
            });
        }

        void scripted(String source, Session.Step script) {
            tasks.add(() -> script.run(new Session(this, source)));
        }

        void recordAttack(LoopbackClient.Response response) {
            attacks.incrementAndGet();
            if (attackSequence.getAndIncrement() >= WARM_UP) {
                attacksAfterWarmUp.incrementAndGet();
                if (response.guardAnswered()) {
                    mitigatedAfterWarmUp.incrementAndGet();
                    mitigatedBy
                            .computeIfAbsent(guardAndReason(response), key -> new AtomicLong())
                            .incrementAndGet();
                }
            }
        }

        void recordLegitimate(String what, LoopbackClient.Response response) {
            legitimate.incrementAndGet();
            if (response.guardAnswered()) {
                touched.incrementAndGet();
                String reason = response.body().replaceAll("(?s).*\"reason\":\"([^\"]*)\".*", "$1");
                touchedBy
                        .computeIfAbsent(what + " " + reason, key -> new AtomicLong())
                        .incrementAndGet();
            }
        }

        Result result(String name, long millis) throws InterruptedException {
            Collections.shuffle(tasks, new Random(7));
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> running = new ArrayList<>();
            for (Runnable task : tasks) {
                running.add(pool.submit(task));
            }
            pool.shutdown();
            if (!pool.awaitTermination(15, TimeUnit.MINUTES)) {
                pool.shutdownNow();
                throw new IllegalStateException(name + " did not finish within 15 minutes");
            }
            for (Future<?> future : running) {
                try {
                    future.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    errors.incrementAndGet();
                    System.err.println(name + ": " + e.getCause());
                }
            }
            System.out.println(name + ": attack requests after warm-up refused by " + mitigatedBy);
            if (pageLoads.get() > 0) {
                System.out.println(name + ": the attack's page loads before it (not counted above): " + pageLoads
                        + ", answered by abuse-guard: " + pageLoadsAnswered);
            }
            if (!touchedBy.isEmpty()) {
                System.out.println(name + ": legitimate requests touched by " + touchedBy);
            }
            return new Result(
                    name,
                    attacks.get(),
                    attacksAfterWarmUp.get(),
                    mitigatedAfterWarmUp.get(),
                    legitimate.get(),
                    touched.get(),
                    errors.get());
        }
    }

    /** What an attacker's address does before its attack, counted apart from it (page loads). */
    enum Preparation {
        /** Nothing: the attack's first request is its first. */
        NOTHING,
        /** Opens the app's page, byte for byte as a visitor's browser does. */
        PAGE,
        /** Opens the page and solves its proof with a solver of its own, as the page's script would. */
        PROOF;

        void prepare(Session session, Traffic t) {
            if (this != NOTHING) {
                Scenario.openPage(session);
            }
            if (this == PROOF) {
                session.proveAsAttacker(t.origin());
            }
        }
    }

    /** One client's requests, in order, from one source address. */
    static final class Session {
        private final Traffic traffic;
        private final String source;

        Session(Traffic traffic, String source) {
            this.traffic = traffic;
            this.source = source;
        }

        interface Step {
            void run(Session session);
        }

        LoopbackClient.Response send(String method, String path, Map<String, String> headers, String body) {
            LoopbackClient.Response response = exchange(method, path, headers, body);
            traffic.recordLegitimate(method + " " + path.replaceAll("/[0-9a-f]{12}/", "/{id}/"), response);
            return response;
        }

        /**
         * An attacker's page load before the attack: the same bytes every visitor sends, harmless in itself
         * and indistinguishable from a person's, so it is counted apart, neither as an attack request that
         * should be mitigated nor as a legitimate one.
         */
        LoopbackClient.Response pageLoad(String method, String path, Map<String, String> headers, String body) {
            LoopbackClient.Response response = exchange(method, path, headers, body);
            traffic.pageLoads.incrementAndGet();
            if (response.guardAnswered()) {
                traffic.pageLoadsAnswered.incrementAndGet();
            }
            return response;
        }

        LoopbackClient.Response attack(String method, String path, Map<String, String> headers, String body) {
            LoopbackClient.Response response = exchange(method, path, headers, body);
            traffic.recordAttack(response);
            return response;
        }

        /**
         * What the page's proof script does in a browser: loads, asks for a challenge, solves it and sends
         * the solution; all legitimate requests. Nothing is proved where the app serves no proof (404).
         */
        void proveInBrowser(String origin) {
            prove(origin, this::send);
        }

        /** An attacker solving the proof: its requests are counted with its page loads, apart from the attack. */
        void proveAsAttacker(String origin) {
            prove(origin, this::pageLoad);
        }

        private void prove(String origin, Exchange exchange) {
            Map<String, String> script = new LinkedHashMap<>(browser(null));
            script.put("Accept", "*/*");
            script.put("Sec-Fetch-Mode", "no-cors");
            script.put("Sec-Fetch-Dest", "script");
            if (exchange.send("GET", PROOF + ".js", script, null).status() == 404) {
                return;
            }
            LoopbackClient.Response challenge = exchange.send("GET", PROOF, browser(null), null);
            if (challenge.status() != 200) {
                return;
            }
            Map<String, String> headers = new LinkedHashMap<>(browser(origin));
            headers.put("Content-Type", "application/x-www-form-urlencoded");
            exchange.send("POST", PROOF, headers, ProofSolver.form(challenge.body()));
        }

        @FunctionalInterface
        private interface Exchange {
            LoopbackClient.Response send(String method, String path, Map<String, String> headers, String body);
        }

        /** Signs up, as a legitimate step; returns id and token, or null when refused. */
        String[] signUp(String email) {
            Map<String, String> headers = new LinkedHashMap<>(browser(traffic.origin()));
            headers.put("Content-Type", "application/json");
            LoopbackClient.Response response = send("POST", "/api/accounts", headers, "{\"email\":\"" + email + "\"}");
            if (response.status() != 201) {
                return null;
            }
            String id = response.body().replaceAll("(?s).*\"id\":\"([^\"]*)\".*", "$1");
            String token = response.body().replaceAll("(?s).*\"token\":\"([^\"]*)\".*", "$1");
            return new String[] {id, token};
        }

        private LoopbackClient.Response exchange(String method, String path, Map<String, String> headers, String body) {
            try {
                return traffic.client.send(source, method, path, headers, body);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(source + " " + method + " " + path, e);
            }
        }
    }

    record Result(
            String name, long attacks, long afterWarmUp, long mitigated, long legitimate, long touched, long errors) {
        String row() {
            return String.format(
                    Locale.ROOT,
                    "| %s | %d | %d | %s | %d | %s | %d |",
                    name,
                    attacks,
                    afterWarmUp,
                    afterWarmUp == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100.0 * mitigated / afterWarmUp),
                    legitimate,
                    String.format(
                            Locale.ROOT, "%d (%.2f%%)", touched, legitimate == 0 ? 0.0 : 100.0 * touched / legitimate),
                    errors);
        }

        String line() {
            return name + ": " + row();
        }
    }

    /** A demo JVM on a loopback port, with the configuration it ships with. */
    static final class Demo {
        final Process process;
        final int port;

        private Demo(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        static Demo start(Path jar, int port) throws IOException {
            List<String> command = List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m",
                    "-jar",
                    jar.toString(),
                    "--server.port=" + port,
                    "--server.address=127.0.0.1",
                    "--logging.level.root=warn");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return new Demo(process, port);
        }

        void awaitReady() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the demo exited with " + process.exitValue());
                }
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    return;
                } catch (IOException notYet) {
                    Thread.sleep(250);
                }
            }
            throw new IllegalStateException("the demo did not start within 120 s");
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
