package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.servlet.ProofSolver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * probe80b F1: a clone served over plain {@code http} behind a stock relay (its visitors' headers forwarded as the
 * browser wrote them) relays its visitors' browser proofs with the clone's own {@code Origin}; browsers send no
 * {@code Sec-Fetch-*} to a page's {@code http} relay, so the proof's cross-site check has nothing to go on, and the
 * relay's address earns the proof and every proof-required route, with {@code own-origins} set. README, The browser
 * proof: "a clone's relay sending its visitors' proofs with the clone's Origin, earns nothing". The proof's
 * {@code POST} is same-origin only (no CORS), and the site's own script always sends the page's origin, so an
 * {@code Origin} that is none of the site's (nor listed) is never the site's own page, old browsers included.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.origin.own-origins=https://cartoonify.example",
            "spring.application.name=probe80b-plain-http-clone"
        })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class Probe80bPlainHttpCloneProofTest {
    private static final Pattern CHALLENGE = Pattern.compile("\"challenge\":\"([^\"]+)\"");
    private static final String CHROME =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0.0.0 Safari/537.36";

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Test
    void aPlainHttpClonesRelayedProofEarnsTheRelayNothing() throws Exception {
        HttpResponse<String> before = read();
        assertThat(before.statusCode())
                .as("control: the relay has no proof yet")
                .isEqualTo(403);

        // control: the same clone served over https (its visitors' browsers send Fetch Metadata) is refused
        HttpResponse<String> overHttps = prove("https://clone.example", true);
        assertThat(overHttps.statusCode())
                .as("control: the https clone's relayed proof")
                .isEqualTo(403);

        HttpResponse<String> overHttp = prove("http://clone.example", false);
        HttpResponse<String> after = read();

        assertThat(overHttp.statusCode() + " / scores " + after.statusCode())
                .as("a proof relayed from http://clone.example (the clone's Origin, no Sec-Fetch-*): the proof"
                        + " endpoint answers only the site's own pages")
                .isEqualTo("403 / scores 403");
    }

    /** The visitor's proof as the clone's stock relay forwards it: the browser's headers as written. */
    private HttpResponse<String> prove(String cloneOrigin, boolean fetchMetadata) throws Exception {
        HttpResponse<String> asked = http.send(
                HttpRequest.newBuilder(uri("/abuse-guard/proof"))
                        .header("User-Agent", CHROME)
                        .header("Accept-Language", "en")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher found = CHALLENGE.matcher(asked.body());
        assertThat(found.find()).as(asked.body()).isTrue();
        String challenge = found.group(1);
        HttpRequest.Builder post = HttpRequest.newBuilder(uri("/abuse-guard/proof"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("User-Agent", CHROME)
                .header("Accept-Language", "en")
                .header("Origin", cloneOrigin)
                .header("Referer", cloneOrigin + "/");
        if (fetchMetadata) {
            post.header("Sec-Fetch-Site", "same-origin")
                    .header("Sec-Fetch-Mode", "cors")
                    .header("Sec-Fetch-Dest", "empty");
        }
        String form = "challenge=" + challenge + "&nonce=" + ProofSolver.nonce(challenge, difficulty(asked.body()));
        return http.send(
                post.POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A score read as the relay sends it for itself (no Origin, no Referer: a cached read of the clone's own). */
    private HttpResponse<String> read() throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri("/api/scores/chess"))
                        .header("User-Agent", CHROME)
                        .header("Accept-Language", "en")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int difficulty(String body) {
        Matcher bits = Pattern.compile("\"difficulty\":(\\d+)").matcher(body);
        assertThat(bits.find()).isTrue();
        return Integer.parseInt(bits.group(1));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
