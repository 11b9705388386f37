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
 * probe79a: API discovery (README "Request sequences and API discovery") against a client that pads the endpoint
 * inventory with made-up paths. The inventory holds at most {@code max-endpoints} (2,000) templates; every template
 * past that is counted under {@code /{overflow}}, whoever sent it, and nothing is ever dropped.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {Operator.NAME, Operator.PASSWORD, Operator.ROLES})
class Probe79aInventoryFloodTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * F1: one address sends 2,000 GETs of made-up paths, each answered 404 by the application (letters only, at most
     * 20 values per position, so nothing folds: {@code /qa/ra/sa} ... {@code /qe/rt/st}). Each takes one of the
     * inventory's 2,000 places for good. The application's own sign-in route, asked after them (five wrong passwords,
     * the shape of a credential-stuffing run), is then never listed: the Actuator's inventory shows {@code
     * /{overflow}} where {@code /api/login} would be, and so does every route first asked after the padding, until
     * the instance restarts. A route Spring MVC serves should keep its own entry (or the made-up 404 paths should
     * not take the places of served routes).
     */
    @Test
    void madeUpPathsDoNotPushTheApplicationsRoutesOutOfTheInventory() throws Exception {
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 20; j++) {
                for (int k = 0; k < 20; k++) {
                    String path = "/q" + (char) ('a' + i) + "/r" + (char) ('a' + j) + "/s" + (char) ('a' + k);
                    assertThat(send("GET", path, null).statusCode()).as(path).isEqualTo(404);
                }
            }
        }
        for (int i = 0; i < 5; i++) {
            assertThat(send(
                                    "POST",
                                    "/api/login",
                                    "{\"username\":\"alice\",\"password\":\"guess-" + i + "\"}",
                                    "Content-Type",
                                    "application/json")
                            .statusCode())
                    .isEqualTo(401);
        }

        HttpResponse<String> report =
                send("GET", "/actuator/abuseguard", null, "Authorization", Operator.AUTHORIZATION);
        assertThat(report.statusCode()).isEqualTo(200);
        assertThat(report.body())
                .as("the inventory names the application's sign-in route, the most requested of all")
                .contains("\"template\":\"/api/login\"")
                .doesNotContain("{overflow}");
    }
}
