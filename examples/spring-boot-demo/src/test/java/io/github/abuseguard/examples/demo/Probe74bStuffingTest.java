package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.TimeSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;

/**
 * probe74b: a credential stuffer with a list of leaked user name and password pairs (each pair tried once),
 * against the demo's login, paced greedily: in each 10 s of the guards' clock each of its clients sends guesses
 * until the first refusal, then waits for the next 10 s. The guards' clock is moved, not waited for.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.client.trusted-proxies=127.0.0.1",
            "abuse-guard.tarpit.delay=20ms",
            "spring.application.name=probe74b-stuffing"
        })
@DirtiesContext(classMode = DirtiesContext.ClassMode.BEFORE_EACH_TEST_METHOD)
class Probe74bStuffingTest {
    static final String CHROME =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";

    @LocalServerPort
    int port;

    @Autowired
    MovableClock clock;

    static final class MovableClock implements TimeSource {
        private final AtomicLong aheadNanos = new AtomicLong();

        @Override
        public long nanoTime() {
            return System.nanoTime() + aheadNanos.get();
        }

        @Override
        public Instant instant() {
            return Instant.now().plusNanos(aheadNanos.get());
        }

        void advance(Duration duration) {
            aheadNanos.addAndGet(duration.toNanos());
        }
    }

    @TestConfiguration
    static class Clock {
        @Bean
        MovableClock abuseGuardTimeSource() {
            return new MovableClock();
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger names = new AtomicInteger();

    HttpResponse<String> login(String address, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/login"))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .header("X-Forwarded-For", address)
                .header("User-Agent", CHROME)
                .header("Accept-Language", "en-GB,en;q=0.9")
                .header("Origin", "http://127.0.0.1:" + port)
                .header("Sec-Fetch-Site", "same-origin")
                .header("Sec-Fetch-Mode", "cors")
                .header("Sec-Fetch-Dest", "empty");
        for (int i = 0; i < headers.length; i += 2) {
            request.setHeader(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> login(String address, String user, String password) throws Exception {
        return login(address, "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}");
    }

    void prove(String address) throws Exception {
        DemoProof.prove(DemoProof.forwarded(port, address));
    }

    /** Guesses from one address until the first refusal (at most {@code max}); the ones the check answered. */
    int guessUntilRefused(String address, int max, List<String> refusals) throws Exception {
        int checked = 0;
        for (int i = 0; i < max; i++) {
            int n = names.incrementAndGet();
            HttpResponse<String> answer = login(address, "leaked" + n, "pw-" + n);
            if (answer.statusCode() == 401) {
                checked++;
            } else {
                refusals.add(answer.statusCode() + " " + reason(answer.body()));
                break;
            }
        }
        return checked;
    }

    static String reason(String body) {
        int r = body.indexOf("\"rule\":");
        int s = body.indexOf("\"reason\":");
        return (r < 0
                        ? ""
                        : body.substring(
                                r,
                                Math.min(
                                        body.length(),
                                        body.indexOf(',', r) < 0 ? body.length() : body.indexOf(',', r))))
                + " "
                + (s < 0
                        ? ""
                        : body.substring(
                                s,
                                Math.min(
                                        body.length(),
                                        body.indexOf(',', s) < 0 ? body.length() : body.indexOf(',', s))));
    }

    static String summary(List<String> refusals) {
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        refusals.forEach(r -> counts.merge(r, 1, Integer::sum));
        return counts.toString();
    }

    @Test
    void oneIpv4AddressInAnHour() throws Exception {
        String address = "198.51.100.7";
        prove(address);
        List<String> refusals = new ArrayList<>();
        int checked = 0;
        for (int step = 0; step < 360; step++) {
            checked += guessUntilRefused(address, 40, refusals);
            clock.advance(Duration.ofSeconds(10));
        }
        System.out.println("PROBE74B one IPv4, 1h: checked=" + checked + " refusals=" + summary(refusals));
        assertThat(checked)
                .as("README: 19 user names per 10 minutes per address, at most about 120 an hour")
                .isLessThanOrEqualTo(120);
    }

    @Test
    void oneIpv6SlashFortyEightRotatingSlashSixtyFoursInAnHour() throws Exception {
        List<String> refusals = new ArrayList<>();
        int checked = 0;
        int nets = 0;
        for (int step = 0; step < 360; step++) {
            for (int k = 0; k < 3; k++) {
                String address = "2001:db8:74:" + Integer.toHexString(++nets) + "::1";
                prove(address);
                int got = guessUntilRefused(address, 40, refusals);
                checked += got;
                if (got == 0) {
                    break;
                }
            }
            clock.advance(Duration.ofSeconds(10));
        }
        System.out.println(
                "PROBE74B one /48 over " + nets + " /64s, 1h: checked=" + checked + " refusals=" + summary(refusals));
        assertThat(checked)
                .as("README: about 400 guesses an hour per /48 paced over many /64s")
                .isLessThanOrEqualTo(400);
    }

    /** Sends one guess (a distinct name) from each of {@code addresses}, all at once behind a start gate. */
    int burst(List<String> addresses, List<String> refusals) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(addresses.size());
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<HttpResponse<String>>> answers = new ArrayList<>();
        for (String address : addresses) {
            int n = names.incrementAndGet();
            answers.add(pool.submit(() -> {
                gate.await();
                return login(address, "leaked" + n, "pw-" + n);
            }));
        }
        gate.countDown();
        int checked = 0;
        for (var answer : answers) {
            HttpResponse<String> a = answer.get();
            if (a.statusCode() == 401) {
                checked++;
            } else {
                refusals.add(a.statusCode() + " " + reason(a.body()));
            }
        }
        pool.shutdown();
        return checked;
    }

    @Test
    void oneSlashFortyEightsProvedSlashSixtyFoursInParallelBursts() throws Exception {
        List<String> addresses = new ArrayList<>();
        for (int k = 1; k <= 150; k++) {
            String address = "2001:db8:75:" + Integer.toHexString(k) + "::1";
            prove(address);
            addresses.add(address);
        }
        List<String> refusals = new ArrayList<>();
        int checked = 0;
        StringBuilder per = new StringBuilder();
        for (int b = 0; b < 6; b++) {
            int got = burst(addresses, refusals);
            per.append(got).append(' ');
            checked += got;
            clock.advance(Duration.ofMinutes(10));
        }
        System.out.println("PROBE74B one /48, 150 proved /64s, 6 bursts over 1h: checked=" + checked + " per burst="
                + per + " refusals=" + summary(refusals));
        assertThat(checked)
                .as("README: about 60 of 300 per find-time, about 400 an hour per /48")
                .isLessThanOrEqualTo(400);
    }

    @Test
    void layoutsOfTheLoginBodyAfterTheAccountsPairIsBanned() throws Exception {
        String[][] variants = {
            {"application/json", "{\"username\":\"alice\",\"password\":\"wonderland\"}"},
            {"application/json", "{\"\\u0075sername\":\"alice\",\"password\":\"wonderland\"}"},
            {"application/json", "{\"username\":\"\\u0061lice\",\"password\":\"wonderland\"}"},
            {"application/json", "{\"USERNAME\":\"alice\",\"password\":\"wonderland\"}"},
            {"application/json", "{\"Username\":\"alice\",\"password\":\"wonderland\"}"},
            {"application/json", "{\"username\":\"alice\",\"password\":\"wonderland\",\"username\":\"alice\"}"},
            {"application/json", "[{\"username\":\"alice\",\"password\":\"wonderland\"}]"},
            {"application/json", "{\"username\":\"alice\",\"password\":\"wonderland\"}{\"username\":\"bob\"}"},
            {"application/json", "{\"username\":\"alice\",\"password\":\"wonderland\"} // x"},
            {"application/json", "{\"username\":[\"alice\"],\"password\":\"wonderland\"}"},
            {"application/json", "{'username':'alice','password':'wonderland'}"},
            {"application/json", "{username:\"alice\",password:\"wonderland\"}"},
            {"application/json", "{\"password\":\"wonderland\",\"username\":\"alice\"}"},
            {"Application/JSON; charset=\"utf-8\"", "{\"username\":\"alice\",\"password\":\"wonderland\"}"},
            {"application/json ; x=y", "{\"username\":\"alice\",\"password\":\"wonderland\"}"},
            {"application/json;charset=ISO-8859-1", "{\"username\":\"alice\",\"password\":\"wonderland\"}"},
            {"application/json", "\uFEFF{\"username\":\"alice\",\"password\":\"wonderland\"}"},
            {"application/json", "{\"username\":\"alice\",\"password\":\"wonderland\",\"\":{\"username\":\"bob\"}}"},
            {"application/json", "{\"username\":\"alice\",\"password\":\"wonderland\",\"username\u0000\":\"bob\"}"},
            {"application/json", "{\"username\":\"alice\",\"password\":\"wonderland\",\"userName\":\"bob\"}"},
            {"application/json", "{\"username\":\"alice\",\"password\":\"wonderland\",\"user_name\":\"bob\"}"},
        };
        StringBuilder report = new StringBuilder();
        int a = 0;
        for (String[] v : variants) {
            String address = "100.64." + (++a) + ".1";
            prove(address);
            for (int i = 0; i < 10; i++) {
                if (i == 5) {
                    clock.advance(Duration.ofSeconds(61));
                }
                HttpResponse<String> guess = login(address, "alice", "guess" + i);
                assertThat(guess.statusCode()).as(guess.body()).isEqualTo(401);
            }
            HttpResponse<String> after = login(address, v[1], "Content-Type", v[0]);
            report.append("\n  ")
                    .append(after.statusCode())
                    .append(" ")
                    .append(v[0])
                    .append(" ")
                    .append(v[1])
                    .append(" -> ")
                    .append(reason(after.body()));
        }
        System.out.println("PROBE74B layouts after the pair's ban:" + report);
        assertThat(report.toString())
                .as("no layout of the body reaches the check of a banned pair")
                .doesNotContain("\n  200 ");
    }

    /** The crowd of fresh addresses README says starts the login's mode: 12 /24s, 2 wrong logins each. */
    void startTheModeWithAFreshCrowd() throws Exception {
        for (int a = 1; a <= 12; a++) {
            for (int g = 0; g < 2; g++) {
                int n = names.incrementAndGet();
                login("100.70." + a + ".3", "leaked" + n, "pw-" + n);
            }
        }
    }

    @Test
    void theOwnerSignsInWhileACrowdGuessesAtHisAccount() throws Exception {
        String home = "100.90.0.1";
        prove(home);
        assertThat(login(home, "bob", "builder").statusCode()).isEqualTo(200);
        for (int a = 1; a <= 50; a++) {
            prove("100.91." + a + ".1");
        }
        int checked = 0;
        for (int round = 0; round < 2; round++) {
            for (int a = 1; a <= 50; a++) {
                for (int g = 0; g < 5; g++) {
                    checked += login("100.91." + a + ".1", "bob", "guess" + round + "-" + g)
                                            .statusCode()
                                    == 401
                            ? 1
                            : 0;
                }
            }
            clock.advance(Duration.ofSeconds(61));
        }
        HttpResponse<String> owner = login(home, "bob", "builder");
        String newDevice = "100.92.0.1";
        prove(newDevice);
        HttpResponse<String> fresh = login(newDevice, "bob", "builder");
        HttpResponse<String> unproved = login("100.93.0.1", "bob", "builder");
        System.out.println(
                "PROBE74B 50 proved addresses at bob: checked=" + checked + "; owner at home " + owner.statusCode()
                        + " " + reason(owner.body()) + "; owner on a new device " + fresh.statusCode() + " "
                        + reason(fresh.body())
                        + "; without proof " + unproved.statusCode() + " " + reason(unproved.body()));
        assertThat(owner.statusCode()).as("the owner from his usual address").isEqualTo(200);
        assertThat(fresh.statusCode())
                .as("the owner from a new device whose page ran the proof")
                .isEqualTo(200);
    }

    @Test
    void theAddressesThatStartedTheLoginsModeAreRefusedOnTheirOwnAfterItEvenWithAProof() throws Exception {
        startTheModeWithAFreshCrowd();
        HttpResponse<String> during = login("100.71.0.3", "leaked-x", "pw");
        assertThat(during.statusCode())
                .as("a fresh address during the mode: " + during.body())
                .isEqualTo(429);
        prove("100.70.2.3"); // a starter runs the page's script during the mode
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        HttpResponse<String> unproved = login("100.70.1.3", "leaked-a", "pw");
        prove("100.70.3.3"); // a starter runs the page's script after the mode
        HttpResponse<String> provedDuring = login("100.70.2.3", "leaked-b", "pw");
        HttpResponse<String> provedAfter = login("100.70.3.3", "leaked-c", "pw");
        System.out.println(
                "PROBE74B starters after the mode: unproved " + unproved.statusCode() + " " + reason(unproved.body())
                        + "; proved during " + provedDuring.statusCode() + " " + reason(provedDuring.body())
                        + "; proved after " + provedAfter.statusCode() + " " + reason(provedAfter.body()));
        assertThat(unproved.statusCode())
                .as("a starter, unproved, after the mode")
                .isEqualTo(429);
        assertThat(provedDuring.statusCode())
                .as("a starter that solved the proof during the mode, after it (README: the sites whose failures"
                        + " started a mode are refused on their own for three durations after it)")
                .isEqualTo(429);
        assertThat(provedAfter.statusCode())
                .as("a starter that solved the proof after the mode")
                .isEqualTo(429);
    }
}
