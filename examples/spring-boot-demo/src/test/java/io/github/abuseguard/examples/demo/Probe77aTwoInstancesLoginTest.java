package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.TimeSource;
import io.lettuce.core.RedisClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * probe77a: a credential stuffer and password sprayer against two instances of the demo sharing one Redis key
 * prefix (two contexts in one JVM, each with its own Tomcat on a free port), its guesses alternated between them.
 */
class Probe77aTwoInstancesLoginTest {
    private static final String REDIS = "redis://127.0.0.1:6379";
    static final String CHROME =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";

    private final String prefix = "probe77a:" + UUID.randomUUID() + ":";
    private final List<ConfigurableApplicationContext> instances = new ArrayList<>();
    private int[] ports;
    private final HttpClient http = HttpClient.newHttpClient();
    private final MovableClock clock = new MovableClock();

    static final class MovableClock implements TimeSource {
        private final java.util.concurrent.atomic.AtomicLong aheadNanos = new java.util.concurrent.atomic.AtomicLong();

        @Override
        public long nanoTime() {
            return System.nanoTime() + aheadNanos.get();
        }

        @Override
        public java.time.Instant instant() {
            return java.time.Instant.now().plusNanos(aheadNanos.get());
        }

        void advance(java.time.Duration duration) {
            aheadNanos.addAndGet(duration.toNanos());
        }
    }

    void start(String... extra) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 6379), 1000);
        } catch (IOException e) {
            Assumptions.abort("Redis is not reachable at " + REDIS + ": " + e.getMessage());
        }
        List<String> properties = new ArrayList<>(List.of(
                "server.port=0",
                "spring.application.name=probe77a",
                "abuse-guard.store.type=redis",
                "abuse-guard.store.redis.uri=" + REDIS,
                "abuse-guard.store.redis.key-prefix=" + prefix,
                "abuse-guard.store.redis.timeout=5s",
                "abuse-guard.store.redis.connect-timeout=10s",
                "abuse-guard.proof.secret=probe77a-shared-proof-secret-0123456789",
                "abuse-guard.tarpit.delay=50ms"));
        properties.addAll(List.of(extra));
        for (int i = 0; i < 2; i++) {
            instances.add(new SpringApplicationBuilder(DemoApplication.class)
                    .initializers(context -> ((org.springframework.context.support.GenericApplicationContext) context)
                            .registerBean("probe77aClock", TimeSource.class, () -> clock, bd -> bd.setPrimary(true)))
                    .run(properties.stream().map(p -> "--" + p).toArray(String[]::new)));
        }
        ports = instances.stream()
                .mapToInt(c -> ((WebServerApplicationContext) c).getWebServer().getPort())
                .toArray();
    }

    @AfterEach
    void stop() {
        instances.forEach(ConfigurableApplicationContext::close);
        RedisClient client = RedisClient.create(REDIS);
        try (var connection = client.connect()) {
            List<String> keys = connection.sync().keys(prefix + "*");
            if (!keys.isEmpty()) {
                connection.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            client.shutdown();
        }
    }

    HttpResponse<String> login(int instance, String address, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + ports[instance % 2] + "/api/login"))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .header("User-Agent", CHROME)
                .header("Accept-Language", "en-GB,en;q=0.9")
                .header("Origin", "http://127.0.0.1:" + ports[instance % 2])
                .header("Sec-Fetch-Site", "same-origin")
                .header("Sec-Fetch-Mode", "cors")
                .header("Sec-Fetch-Dest", "empty");
        if (address != null) {
            request.header("X-Forwarded-For", address);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.setHeader(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String json(String user, String password) {
        return "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}";
    }

    void prove(int instance, String address) throws Exception {
        DemoProof.prove(DemoProof.forwarded(ports[instance % 2], address));
    }

    static String reason(HttpResponse<String> answer) {
        String body = answer.body();
        int s = body.indexOf("\"reason\":\"");
        return answer.statusCode() + (s < 0 ? "" : " " + body.substring(s + 10, body.indexOf('"', s + 10)));
    }

    /** Sends the bodies all at once (behind a gate), alternating the instances; the answers' tally. */
    Map<String, Integer> race(String address, List<String> bodies) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(bodies.size());
        try {
            CountDownLatch gate = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < bodies.size(); i++) {
                int n = i;
                answers.add(pool.submit(() -> {
                    gate.await();
                    return login(n, address, bodies.get(n));
                }));
            }
            gate.countDown();
            Map<String, Integer> tally = new TreeMap<>();
            for (Future<HttpResponse<String>> answer : answers) {
                tally.merge(reason(answer.get()), 1, Integer::sum);
            }
            return tally;
        } finally {
            pool.shutdownNow();
        }
    }

    static int checked(Map<String, Integer> tally) {
        return tally.getOrDefault("401", 0) + tally.getOrDefault("200", 0);
    }

    @Test
    void racingGuessesAtOneAccountOverBothInstances() throws Exception {
        start("abuse-guard.client.trusted-proxies=127.0.0.1");
        prove(0, "198.51.100.1");
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            bodies.add(json("user7", "guess-" + i));
        }
        Map<String, Integer> tally = race("198.51.100.1", bodies);
        System.out.println("PROBE77A race one account: " + tally);
        assertThat(checked(tally))
                .as("login: 5 a minute per address and user name")
                .isLessThanOrEqualTo(5);
    }

    @Test
    void racingSpellingsOfOneAccountOverBothInstances() throws Exception {
        start("abuse-guard.client.trusted-proxies=127.0.0.1");
        prove(0, "198.51.100.2");
        List<String> spellings = List.of(
                "user8",
                "USER8",
                "User8",
                "\\u0075ser8",
                "user\\u0038",
                "\\uFF55ser8",
                "user\\uFF18",
                " user8",
                "user8 ",
                "\\tuser8",
                "user8\\u200B",
                "\\u00A0user8",
                "us\\u00ADer8",
                "u\\u0073er8",
                "user8\\uFEFF",
                "user\\u0668",
                "user\\u096E",
                "\\u24E4ser8",
                "user8\\u0301",
                "\\uFF35SER8");
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            bodies.add(json(spellings.get(i % spellings.size()), "guess-" + i));
        }
        Map<String, Integer> tally = race("198.51.100.2", bodies);
        System.out.println("PROBE77A race spellings: " + tally);
        assertThat(checked(tally))
                .as("login: 5 a minute per address and user name")
                .isLessThanOrEqualTo(5);
    }

    @Test
    void sprayingManyNamesFromOneAddressOverBothInstances() throws Exception {
        start("abuse-guard.client.trusted-proxies=127.0.0.1");
        prove(0, "198.51.100.3");
        Map<String, Integer> tally = new TreeMap<>();
        for (int i = 0; i < 40; i++) {
            tally.merge(reason(login(i, "198.51.100.3", json("user" + (100 + i), "Summer2026!"))), 1, Integer::sum);
        }
        System.out.println("PROBE77A spray sequential: " + tally);
        assertThat(checked(tally)).as("README: refused from the 21st user name").isLessThanOrEqualTo(20);
    }

    @Test
    void sprayingManyNamesAtOnceFromOneAddressOverBothInstances() throws Exception {
        start("abuse-guard.client.trusted-proxies=127.0.0.1");
        prove(0, "198.51.100.4");
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            bodies.add(json("user" + (200 + i), "Summer2026!"));
        }
        Map<String, Integer> tally = race("198.51.100.4", bodies);
        System.out.println("PROBE77A spray race: " + tally);
        assertThat(checked(tally)).as("README: refused from the 21st user name").isLessThanOrEqualTo(20);
    }

    @Test
    void rotatingForwardedAddressesWhereNoProxyIsTrusted() throws Exception {
        start();
        prove(0, null);
        Map<String, Integer> tally = new TreeMap<>();
        for (int i = 0; i < 30; i++) {
            tally.merge(reason(login(i, "203.0.113." + (i + 1), json("user9", "guess-" + i))), 1, Integer::sum);
        }
        System.out.println("PROBE77A untrusted XFF rotation: " + tally);
        assertThat(checked(tally))
                .as("login: 5 a minute per address and user name")
                .isLessThanOrEqualTo(5);
    }

    @Test
    void rotatingSlashSixtyFoursOfOneSlashFortyEightAtOneAccount() throws Exception {
        start("abuse-guard.client.trusted-proxies=127.0.0.1");
        Map<String, Integer> tally = new TreeMap<>();
        for (int net = 1; net <= 20; net++) {
            String address = "2001:db8:77:" + Integer.toHexString(net) + "::1";
            prove(net, address);
            for (int i = 0; i < 4; i++) {
                tally.merge(reason(login(i, address, json("user10", "guess-" + net + "-" + i))), 1, Integer::sum);
            }
        }
        System.out.println("PROBE77A /64 rotation: " + tally);
        assertThat(checked(tally)).as("login-per-network-and-user: 30 per /48").isLessThanOrEqualTo(30);
    }

    @Test
    void theOwnerSignsInWhileHisAccountIsGuessedAtFromManyAddresses() throws Exception {
        start("abuse-guard.client.trusted-proxies=127.0.0.1");
        prove(0, "192.0.2.50");
        assertThat(login(1, "192.0.2.50", json("alice", "wonderland")).statusCode())
                .isEqualTo(200);
        prove(1, "192.0.2.51");
        assertThat(login(0, "192.0.2.51", json("bob", "builder")).statusCode()).isEqualTo(200);
        Map<String, Integer> tally = new TreeMap<>();
        for (int a = 1; a <= 30; a++) {
            String address = "100.64." + a + ".9";
            prove(a, address);
            for (int i = 0; i < 3; i++) {
                tally.merge(reason(login(a + i, address, json("alice", "guess-" + a + "-" + i))), 1, Integer::sum);
            }
        }
        System.out.println("PROBE77A guessing at alice: " + tally);
        Map<String, Integer> owner = new TreeMap<>();
        for (int i = 0; i < 2; i++) {
            owner.merge("alice " + reason(login(i, "192.0.2.50", json("alice", "wonderland"))), 1, Integer::sum);
            owner.merge("bob " + reason(login(i, "192.0.2.51", json("bob", "builder"))), 1, Integer::sum);
        }
        System.out.println("PROBE77A owners: " + owner);
        assertThat(owner).as("the owners sign in").containsOnlyKeys("alice 200", "bob 200");
    }

    @Test
    void sprayingWithAnOwnAccountsSuccessBetween() throws Exception {
        start("abuse-guard.client.trusted-proxies=127.0.0.1");
        prove(0, "198.51.100.5");
        Map<String, Integer> tally = new TreeMap<>();
        for (int i = 0; i < 60; i++) {
            if (i % 10 == 9) {
                tally.merge("own " + reason(login(i, "198.51.100.5", json("user1", "secret-1"))), 1, Integer::sum);
            } else {
                tally.merge(reason(login(i, "198.51.100.5", json("user" + (400 + i), "Summer2026!"))), 1, Integer::sum);
            }
        }
        System.out.println("PROBE77A spray with own success: " + tally);
        assertThat(checked(tally)).as("README: refused from the 21st user name").isLessThanOrEqualTo(20);
    }

    /** Guesses until the first refusal (at most max), alternating instances; how many the check answered. */
    int greedy(String address, java.util.function.IntFunction<String> body, int max, Map<String, Integer> refusals)
            throws Exception {
        int checked = 0;
        for (int i = 0; i < max; i++) {
            HttpResponse<String> a = login(i, address, body.apply(i));
            if (a.statusCode() == 401) {
                checked++;
            } else {
                refusals.merge(reason(a), 1, Integer::sum);
                break;
            }
        }
        return checked;
    }

    /**
     * F1: the combining Latin small letters (U+0363 a, U+0364 e, U+0367 u, U+036C r, U+1DE4 s) weigh as their letters in
     * the accent-insensitive UCA collations README names (MariaDB's utf8mb4_uca1400_ai_ci finds user8 for every
     * spelling below), but the user-name key drops them as marks: each spelling is a "login" budget of its own. The
     * demo's handler compares names exactly, so here the answers are for no account; an application looking the
     * name up in such a database checks user8's password each time.
     */
    @Test
    void combiningLetterSpellingsOfOneAccountEachGetALoginBudget() throws Exception {
        start("abuse-guard.client.trusted-proxies=127.0.0.1");
        prove(0, "198.51.100.30");
        List<String> spellings =
                List.of("user8", "\\u0367ser8", "u\\u1DE4er8", "us\\u0364r8", "use\\u036C8", "\\u0367\\u1DE4er8");
        Map<String, Integer> tally = new TreeMap<>();
        int n = 0;
        for (String spelling : spellings) {
            for (int i = 0; i < 5; i++) {
                tally.merge(reason(login(n, "198.51.100.30", json(spelling, "guess-" + n++))), 1, Integer::sum);
            }
        }
        System.out.println("PROBE77A combining-letter spellings of user8: " + tally);
        assertThat(checked(tally))
                .as("login: 5 a minute per address and user name, whatever spelling the database takes for it")
                .isLessThanOrEqualTo(5);
    }

    /** The 16 spellings of user8 whose letters are plain or combining (u U+0367, s U+1DE4, e U+0364, r U+036C). */
    static List<String> combiningSpellingsOfUser8() {
        String[][] letters = {{"u", "\\u0367"}, {"s", "\\u1DE4"}, {"e", "\\u0364"}, {"r", "\\u036C"}};
        List<String> spellings = new ArrayList<>();
        for (int mask = 0; mask < 16; mask++) {
            StringBuilder name = new StringBuilder();
            for (int l = 0; l < 4; l++) {
                name.append(letters[l][(mask >> l) & 1]);
            }
            spellings.add(name.append('8').toString());
        }
        return spellings;
    }

    /** F1 over ten minutes: one address, greedy in each 10 s of the guards' clock, the 16 spellings in turn. */
    @Test
    void combiningLetterSpellingsOfOneAccountFromOneAddressInTenMinutes() throws Exception {
        start("abuse-guard.client.trusted-proxies=127.0.0.1");
        prove(0, "198.51.100.31");
        List<String> spellings = combiningSpellingsOfUser8();
        Map<String, Integer> refusals = new TreeMap<>();
        int checked = 0;
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        for (int step = 0; step < 60; step++) {
            for (String spelling : spellings) {
                checked += greedy("198.51.100.31", i -> json(spelling, "g" + n.incrementAndGet()), 12, refusals);
            }
            clock.advance(java.time.Duration.ofSeconds(10));
        }
        System.out.println("PROBE77A combining spellings, one address, 10 min: checked=" + checked + " " + refusals);
        assertThat(checked)
                .as("README: one user name from one address is banned from its 10th failure within 10 minutes")
                .isLessThanOrEqualTo(10);
    }
}
