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
 * The demo with its DispatcherServlet below the root (probe38a F2/F3): the browser proof is served under the prefix,
 * where a servlet maps it, and a direct request for the error path is {@code 404} there, not Spring Boot's {@code 500}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.mvc.servlet.path=/v1")
class DemoUnderServletPathTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theBrowserProofIsServedUnderTheServletPath() throws Exception {
        assertThat(get("/v1/abuse-guard/proof.js").statusCode()).isEqualTo(200);
        assertThat(get("/v1/abuse-guard/proof").statusCode()).as("a challenge").isEqualTo(200);
    }

    @Test
    void aDirectRequestForTheErrorPathIsNotFoundUnderTheServletPath() throws Exception {
        HttpResponse<String> error = get("/v1/error");

        assertThat(error.statusCode()).isEqualTo(404);
        assertThat(error.body()).doesNotContain("999");
    }
}
