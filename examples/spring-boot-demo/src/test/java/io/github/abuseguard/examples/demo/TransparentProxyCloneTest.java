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
 * probe61a F1: a clone site behind a transparent reverse proxy (nginx's default {@code proxy_pass}: the visitor's
 * headers forwarded as they came, {@code Host} rewritten to the upstream). The visitor's browser is on the clone's
 * page and calls the clone's {@code /api/...}, so it sends {@code Sec-Fetch-Site: same-origin} with the clone's
 * {@code Origin}: a combination no browser sends to the demo (a same-origin request's {@code Origin} is the target's
 * own). "A request to a watched route that another site's page made is refused" (README, Security model) looks at
 * {@code Sec-Fetch-Site} alone, and no client signal weighs the contradiction: the clone signs its visitors up and
 * relays their logins with no refusal and no flag.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.application.name=probe61a-transparent-clone")
class TransparentProxyCloneTest {
    private static final String CLONE = "https://cartoonify-free.example";
    private static final String CHROME =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    /** What the clone's proxy forwards of its visitor's fetch from the clone's own page. */
    private HttpResponse<String> relayed(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("User-Agent", CHROME)
                        .header("Accept-Language", "en-GB,en;q=0.9")
                        .header("Content-Type", "application/json")
                        .header("Origin", CLONE)
                        .header("Referer", CLONE + "/")
                        .header("Sec-Fetch-Site", "same-origin")
                        .header("Sec-Fetch-Mode", "cors")
                        .header("Sec-Fetch-Dest", "empty")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aSignUpRelayedWithTheClonesOriginAndSameOriginFetchMetadataIsRefused() throws Exception {
        HttpResponse<String> signUp = relayed("/api/accounts", "{\"email\":\"ann.visitor@gmail.com\"}");
        assertThat(signUp.statusCode())
                .as(
                        "Origin %s with Sec-Fetch-Site: same-origin is no browser's request to this site: %s",
                        CLONE, signUp.body())
                .isEqualTo(403);
    }

    @Test
    void aLoginRelayedWithTheClonesOriginAndSameOriginFetchMetadataIsRefused() throws Exception {
        HttpResponse<String> login = relayed("/api/login", "{\"username\":\"alice\",\"password\":\"wonderland\"}");
        assertThat(login.statusCode())
                .as("the clone relays (and reads) its visitor's login: %s", login.body())
                .isEqualTo(403);
    }

    /** The demo's own page's requests, same-origin with the demo's own origin, pass as before. */
    @Test
    void theSitesOwnPageStillSignsUp() throws Exception {
        HttpResponse<String> signUp = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/accounts"))
                        .header("User-Agent", CHROME)
                        .header("Accept-Language", "en-GB,en;q=0.9")
                        .header("Content-Type", "application/json")
                        .header("Origin", "http://127.0.0.1:" + port)
                        .header("Sec-Fetch-Site", "same-origin")
                        .header("Sec-Fetch-Mode", "cors")
                        .header("Sec-Fetch-Dest", "empty")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"own.page@gmail.com\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(signUp.statusCode()).as(signUp.body()).isNotEqualTo(403);
    }
}
