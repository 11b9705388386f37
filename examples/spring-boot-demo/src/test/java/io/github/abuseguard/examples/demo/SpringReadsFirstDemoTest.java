package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What Spring answers before the guard or any controller runs, on the demo: a PUT form that
 * {@code FormContentFilter} would read whole, a multipart body the {@code DispatcherServlet} cannot parse,
 * and a direct request for Boot's error path. None may be a 500, and none may cost an unbounded read.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "abuse-guard.client.trusted-proxies=127.0.0.1")
class SpringReadsFirstDemoTest {
    private static final AtomicInteger CLIENTS = new AtomicInteger(1);

    private final HttpClient http = HttpClient.newHttpClient();
    private final String client = "198.51.100." + CLIENTS.getAndIncrement();

    @LocalServerPort
    int port;

    private HttpResponse<String> send(String method, String path, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-Forwarded-For", client)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPutFormLongerThanTheFormBoundIsRefusedOnAnyPathBeforeSpringReadsIt() throws Exception {
        byte[] form = new byte[3 * 1024 * 1024];
        Arrays.fill(form, (byte) 'a');
        form[3] = '=';

        HttpResponse<String> response = send("PUT", "/x", "application/x-www-form-urlencoded", form);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("\"reason\":\"unreadable-body:too-large\"");
    }

    @Test
    void multipartWithoutABoundaryOnARouteWithoutABodyRuleIsABadRequest() throws Exception {
        // the scores answer browsers that ran the page's script
        DemoProof.prove(
                (method, path, type, body) -> send(method, path, type, body == null ? new byte[0] : body.getBytes()));
        for (String path : new String[] {"/api/scores/chess", "/", "/actuator/health"}) {
            HttpResponse<String> response = send("POST", path, "multipart/form-data", new byte[] {'x'});

            assertThat(response.statusCode()).as(path).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(response.body()).contains("\"reason\":\"unreadable-body:malformed\"");
        }
    }

    @Test
    void aDirectRequestForTheErrorPathIsNotFound() throws Exception {
        HttpResponse<String> get = send("GET", "/error", null, new byte[0]);
        HttpResponse<String> post = send("POST", "/error", "application/json", "{}".getBytes());

        assertThat(get.statusCode()).isEqualTo(404);
        assertThat(get.body()).doesNotContain("999");
        assertThat(post.statusCode()).isEqualTo(404);
    }

    @Test
    void errorsStillRenderThroughTheErrorPath() throws Exception {
        // Spring Security answers a missing password with sendError(401): the container's error dispatch
        // to /error renders it, which a direct request may not reach.
        HttpResponse<String> noPassword = send("GET", "/actuator/metrics", null, new byte[0]);

        assertThat(noPassword.statusCode()).isEqualTo(401);
        assertThat(noPassword.body()).contains("\"status\":401").contains("\"path\":\"/actuator/metrics\"");
    }
}
