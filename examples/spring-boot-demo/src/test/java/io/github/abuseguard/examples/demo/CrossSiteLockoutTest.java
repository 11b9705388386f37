package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A page on another site makes its visitors' browsers send requests to the demo: {@code <img>} tags and
 * {@code no-cors} posts, which browsers send cross-site without asking anyone (probe5: a dozen images
 * banned a visitor from the gift cards for 15 minutes, 31 posts locked alice out of signing in). They are
 * refused before any guard counts them, so the visitor, on the demo's own page, goes on. So are the
 * prefetches its speculation rules make the browser send with a navigation's headers (probe16).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"abuse-guard.client.trusted-proxies=127.0.0.1", Operator.NAME, Operator.PASSWORD, Operator.ROLES})
class CrossSiteLockoutTest {
    private static final String CHROME =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    private HttpRequest.Builder request(String path, String visitor) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-Forwarded-For", visitor)
                .header("User-Agent", CHROME)
                .header("Accept-Language", "en-GB,en;q=0.9");
    }

    /** What evil.example's page makes the visitor's browser send. */
    private HttpResponse<String> fromEvilPage(HttpRequest.Builder request, String mode, String destination)
            throws Exception {
        return http.send(
                request.header("Sec-Fetch-Site", "cross-site")
                        .header("Sec-Fetch-Mode", mode)
                        .header("Sec-Fetch-Dest", destination)
                        .header("Referer", "https://evil.example/")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The visitor on the demo's own page. */
    private HttpResponse<String> own(HttpRequest.Builder request) throws Exception {
        return http.send(
                request.header("Sec-Fetch-Site", "same-origin")
                        .header("Sec-Fetch-Mode", "cors")
                        .header("Sec-Fetch-Dest", "empty")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void imagesOfGiftCardsOnAnotherSiteDoNotBanTheVisitor() throws Exception {
        String visitor = "203.0.113.61";
        DemoProof.prove(DemoProof.forwarded(port, visitor)); // a visitor of the demo's page: its script ran
        for (int i = 0; i < 12; i++) {
            HttpResponse<String> image = fromEvilPage(request("/api/giftcards/IMG" + i, visitor), "no-cors", "image");
            assertThat(image.statusCode()).isEqualTo(403);
            assertThat(image.body()).contains("\"reason\":\"cross-site-request\"");
        }
        assertThat(own(request("/api/giftcards/GIFT-1000", visitor)).statusCode())
                .as("the visitor's own look-up of a valid card")
                .isEqualTo(200);
    }

    @Test
    void noCorsPostsNamingUsersDoNotLockTheVisitorOutOfSigningIn() throws Exception {
        String visitor = "203.0.113.62";
        for (int i = 0; i < 31; i++) {
            HttpRequest.Builder post = request("/api/login", visitor)
                    .header("Origin", "https://evil.example")
                    .header("Content-Type", "text/plain;charset=UTF-8")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"username\":\"user" + (i + 1) + "\",\"password\":\"x\"}"));
            assertThat(fromEvilPage(post, "no-cors", "empty").statusCode()).isEqualTo(403);
        }
        HttpResponse<String> alice = own(request("/api/login", visitor)
                .header("Origin", "http://127.0.0.1:" + port)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"alice\",\"password\":\"wonderland\"}")));
        assertThat(alice.statusCode()).as("alice signs in").isEqualTo(200);
    }

    /**
     * What {@code <script type="speculationrules">} on evil.example makes the visitor's browser send for
     * each URL it lists: a top-level navigation's headers and the purpose, with no click.
     */
    private HttpResponse<String> prefetchedByEvilPage(String path, String visitor) throws Exception {
        return fromEvilPage(request(path, visitor).header("Sec-Purpose", "prefetch"), "navigate", "document");
    }

    @Test
    void speculationRulesOnAnotherSiteDoNotBanTheVisitorFromGiftCards() throws Exception {
        // probe16 F2: twelve prefetches banned the visitor (too-many-failures), its own look-up then 429
        String visitor = "203.0.113.64";
        DemoProof.prove(DemoProof.forwarded(port, visitor));
        for (int i = 0; i < 12; i++) {
            HttpResponse<String> prefetch = prefetchedByEvilPage("/api/giftcards/PF" + i, visitor);
            assertThat(prefetch.statusCode()).isEqualTo(403);
            assertThat(prefetch.body()).contains("\"reason\":\"cross-site-prefetch\"");
        }
        assertThat(own(request("/api/giftcards/GIFT-1000", visitor)).statusCode())
                .as("the visitor's own look-up of a valid card")
                .isEqualTo(200);
    }

    @Test
    void speculationRulesOnAnotherSiteDoNotSpendTheVisitorsDistinctScores() throws Exception {
        // probe16 F2: 36 prefetched games, and the visitor's own read was 429 many-distinct-resources
        String visitor = "203.0.113.65";
        DemoProof.prove(DemoProof.forwarded(port, visitor));
        for (int i = 0; i < 36; i++) {
            assertThat(prefetchedByEvilPage("/api/scores/pf-" + i, visitor).statusCode())
                    .isEqualTo(403);
        }
        assertThat(own(request("/api/scores/chess", visitor)).statusCode())
                .as("the visitor's own read of a score")
                .isEqualTo(200);
    }

    @Test
    void aLinkFromAnotherSiteOpensThePage() throws Exception {
        HttpResponse<String> link = fromEvilPage(request("/", "203.0.113.63"), "navigate", "document");
        assertThat(link.statusCode()).isEqualTo(200);
    }
}
