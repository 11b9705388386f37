package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Form and multipart bodies that Spring reads before the guard or any controller, on a real Tomcat: Spring's
 * {@code FormContentFilter} reads a PUT, PATCH or DELETE form whole into memory, and the
 * {@code DispatcherServlet} parses multipart before it looks for a handler. Neither may cost more than the
 * form bound, and neither may answer a client's malformed body with a 500.
 */
@SpringBootTest(classes = FormBodiesOnServerTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FormBodiesOnServerTest {
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final int FORM_BOUND = 2 * 1024 * 1024;

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aPutFormDeclaredLongerThanTheFormBoundIsRefusedBeforeSpringReadsIt() throws Exception {
        HttpResponse<String> response = send("PUT", FORM, HttpRequest.BodyPublishers.ofByteArray(form(FORM_BOUND + 1)));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body())
                .contains("\"status\":413")
                .contains("\"reason\":\"unreadable-body:too-large\"")
                .contains("\"instance\":\"/echo\"");
    }

    @Test
    void aChunkedPatchFormThatGrowsPastTheFormBoundIsRefused() throws Exception {
        byte[] body = form(FORM_BOUND + 1);
        HttpResponse<String> response =
                send("PATCH", FORM, HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("\"reason\":\"unreadable-body:too-large\"");
    }

    @Test
    void aPutFormOfExactlyTheFormBoundReachesTheApplicationWhole() throws Exception {
        byte[] body = form(FORM_BOUND);
        HttpResponse<String> declared = send("PUT", FORM, HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<String> chunked =
                send("DELETE", FORM, HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));

        String padding = "pad=" + (FORM_BOUND - "name=ann&pad=".length());
        assertThat(declared.statusCode()).isEqualTo(200);
        assertThat(declared.body()).isEqualTo("name=ann " + padding);
        assertThat(chunked.statusCode()).isEqualTo(200);
        assertThat(chunked.body()).isEqualTo("name=ann " + padding);
    }

    @Test
    void aLargePostFormIsLeftToTheContainer() throws Exception {
        HttpResponse<String> response =
                send("POST", FORM, HttpRequest.BodyPublishers.ofByteArray(form(FORM_BOUND + 1)));

        // Spring's FormContentFilter does not read POST forms: the container parses one when the application
        // asks for a parameter, under its own bound (Tomcat's maxPostSize, 2 MiB), and refuses a longer one.
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).doesNotContain("unreadable-body");
    }

    @Test
    void multipartWithoutABoundaryIsABadRequestAnsweredWithAProblem() throws Exception {
        for (String type : new String[] {"multipart/form-data", "Multipart/Mixed", "multipart/form-data; boundary="}) {
            HttpResponse<String> response = send("POST", type, HttpRequest.BodyPublishers.ofString("x"));

            assertThat(response.statusCode()).as(type).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(response.body()).contains("\"status\":400").contains("\"reason\":\"unreadable-body:malformed\"");
        }
    }

    @Test
    void aCutShortMultipartBodyIsABadRequestWhereTheWholeOneReachesTheApplication() throws Exception {
        String part = "--xyz\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nann";
        HttpResponse<String> cutShort = multipart(part);
        HttpResponse<String> whole = multipart(part + "\r\n--xyz--\r\n");

        assertThat(cutShort.statusCode()).isEqualTo(400);
        assertThat(cutShort.body()).contains("\"reason\":\"unreadable-body:malformed\"");
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo("name=ann 0");
    }

    private HttpResponse<String> multipart(String body) throws Exception {
        return send("POST", "multipart/form-data; boundary=xyz", HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpResponse<String> send(String method, String contentType, HttpRequest.BodyPublisher body)
            throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/echo"))
                        .header("Content-Type", contentType)
                        .method(method, body)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@code name=ann&pad=aaa...}, {@code length} bytes in all. */
    private static byte[] form(int length) {
        byte[] body = new byte[length];
        Arrays.fill(body, (byte) 'a');
        byte[] head = "name=ann&pad=".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, body, 0, head.length);
        return body;
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Echo.class)
    static class App {}

    /** The form fields as the application binds them: the name, and how long the padding was. */
    @RestController
    static class Echo {
        @RequestMapping("/echo")
        String echo(@RequestParam(required = false) String name, @RequestParam(required = false) String pad) {
            return (name == null ? "null" : "name=" + name) + " " + (pad == null ? 0 : "pad=" + pad.length());
        }
    }
}
