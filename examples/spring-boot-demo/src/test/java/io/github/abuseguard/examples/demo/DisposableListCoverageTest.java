package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.email.DisposableDomains;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What the demo, with its default e-mail configuration, makes of real data: the bundled CC0 list of
 * disposable domains and a fixture of about 5,000 free-mail and ISP domains that no disposable list we
 * know marks (tools/refresh-email-lists.py --fixture). A seeded sample of the list, dressed the way a
 * bot dresses addresses, and the whole fixture go through the real filter over HTTP; every domain of
 * both goes through the demo's {@link DisposableDomains}.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.client.trusted-proxies=127.0.0.1",
            // 4,000 sign-ups in seconds are this test's data, not a crowd: the site-wide cap steps aside
            "abuse-guard.rate-limit.rules.sign-up-site.limits[0].capacity=1000000",
            "abuse-guard.rate-limit.rules.sign-up-site.limits[0].period=1m"
        })
class DisposableListCoverageTest {
    private static final AtomicInteger CLIENTS = new AtomicInteger();
    private static final int SAMPLE = 1_500;

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    DisposableDomains domains;

    @Test
    void atLeast99PercentOfASampleOfTheBundledListIsRejectedThroughTheFilter() throws Exception {
        List<String> listed = new ArrayList<>(read("/io/github/abuseguard/email/disposable-domains.txt"));
        assertThat(listed).hasSizeGreaterThan(8_000);
        Random random = new Random(13);
        Collections.shuffle(listed, random);
        int rejected = 0;
        List<String> passed = new ArrayList<>();
        for (String domain : listed.subList(0, SAMPLE)) {
            String address = dressed(domain, random);
            int status = signUp(address);
            if (status == 422) {
                rejected++;
            } else {
                passed.add(domain + " -> " + status);
            }
        }
        assertThat(rejected * 100.0 / SAMPLE)
                .as("rejected of %d sampled; passed: %s", SAMPLE, passed)
                .isGreaterThanOrEqualTo(99.0);
    }

    @Test
    void noFreeMailOrIspDomainOfTheFixtureIsRejectedThroughTheFilter() throws Exception {
        List<String> fixture = read("/free-mail-domains.txt");
        assertThat(fixture).hasSizeGreaterThan(4_000);
        List<String> rejected = new ArrayList<>();
        int n = 0;
        for (String domain : fixture) {
            // a mailbox of its own per domain: one provider's domains (Proton's four) are one inbox to the
            // demo's sign-up-mailbox rule
            int status = signUp("ann.smith" + n++ + "+shop@" + domain);
            if (status != 201) {
                rejected.add(domain + " -> " + status);
            }
        }
        assertThat(rejected).isEmpty();
    }

    @Test
    void everyBundledDomainIsDisposableAndNoFixtureDomainIs() throws IOException {
        List<String> listed = read("/io/github/abuseguard/email/disposable-domains.txt");
        long caught = listed.stream()
                .filter(domain -> domains.isDisposable("x@" + domain))
                .count();
        assertThat(caught * 100.0 / listed.size()).isGreaterThanOrEqualTo(99.0);
        assertThat(read("/free-mail-domains.txt").stream().filter(domain -> domains.isDisposable("x@" + domain)))
                .isEmpty();
    }

    /** An address at the domain the way a bot varies it: plus tags, case, subdomains, trailing dots and spaces. */
    private static String dressed(String domain, Random random) {
        StringBuilder address = new StringBuilder("bot").append(random.nextInt(100_000));
        if (random.nextBoolean()) {
            address.append('+').append(random.nextInt(1000));
        }
        address.append('@');
        if (random.nextInt(4) == 0) {
            address.append("mx").append(random.nextInt(100)).append('.');
        }
        address.append(random.nextBoolean() ? domain.toUpperCase(Locale.ROOT) : domain);
        switch (random.nextInt(4)) {
            case 0 -> address.append('.');
            case 1 -> address.append('\u00A0');
            case 2 -> address.append("\u200B ");
            default -> {}
        }
        return address.toString();
    }

    private int signUp(String address) throws Exception {
        int n = CLIENTS.getAndIncrement();
        // each sign-up from an allocation (IPv4 /16) of its own: the per-address, per-network and per-allocation
        // sign-up limits step aside too
        String client = (11 + ((n >> 8) & 127)) + "." + (n & 255) + ".0.1";
        String body = "{\"email\":\"" + address.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/accounts"))
                .header("X-Forwarded-For", client)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static List<String> read(String resource) throws IOException {
        List<String> domains = new ArrayList<>();
        try (InputStream in = DisposableListCoverageTest.class.getResourceAsStream(resource);
                BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                String entry = line.strip();
                if (!entry.isEmpty() && !entry.startsWith("#")) {
                    domains.add(entry);
                }
            }
        }
        return domains;
    }
}
