package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.email.DisposableDomains;
import io.github.abuseguard.email.DisposableEmailGuard;
import io.github.abuseguard.email.EmailRule;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * probe74a F2: a plain servlet application that reads its JSON with Jackson from {@code getInputStream()}, as README
 * advises ("Read the body with a parser") and {@code examples/servlet-demo} does. Jackson reads the bytes as
 * UTF-8/16/32 whatever {@code charset} the client declares (JSON has no other encoding, RFC 8259); the guard decodes
 * a declared ASCII-compatible charset as declared. In GBK, GB18030, Shift_JIS and windows-31j a byte of a UTF-8
 * character (0x81..0x9F) leads a two-byte character whose second byte is {@code @} (0x40): the guard reads
 * {@code bot涓丂yopmail.com}, no address at all, and lets it through; the servlet reads {@code bot丁@yopmail.com}
 * (or {@code bot\u200B@yopmail.com}, which an application that drops invisible characters delivers to
 * bot@yopmail.com), at the listed domain.
 */
class Probe74aDeclaredCharsetTest {

    /** The servlet demo's way of reading JSON: Jackson's streaming parser on the body's bytes. */
    static final class JsonSignUp extends HttpServlet {
        private static final JsonFactory JSON = new JsonFactory();

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String email = null;
            try (JsonParser json = JSON.createParser(ObjectReadContext.empty(), request.getInputStream())) {
                if (json.nextToken() == JsonToken.START_OBJECT) {
                    for (String name = json.nextName(); name != null; name = json.nextName()) {
                        json.nextToken();
                        if (name.equals("email")) {
                            email = json.getString();
                        } else {
                            json.skipChildren();
                        }
                    }
                }
            }
            response.setStatus(email == null ? 400 : 201);
            response.setContentType("text/plain;charset=UTF-8");
            response.getWriter().write("signed up " + email);
        }
    }

    private static AbuseGuardFilter filter() {
        DisposableEmailGuard email = DisposableEmailGuard.of(
                DisposableDomains.bundled(),
                List.of(EmailRule.builder("signup").path("/signup").build()));
        return AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(email).build())
                .build();
    }

    private static HttpResponse<String> post(TestServer server, String contentType, String json) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(server.uri("/signup"))
                                .header("Content-Type", contentType)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(json.getBytes(StandardCharsets.UTF_8)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void theSameBodyWithoutADeclaredCharsetIsRefused() throws Exception {
        try (TestServer server = new TestServer(filter(), new JsonSignUp())) {
            assertThat(post(server, "application/json", "{\"email\":\"bot\u4E01@yopmail.com\"}")
                            .statusCode())
                    .isEqualTo(422);
        }
    }

    @Test
    void aDeclaredMultiByteCharsetDoesNotHideTheAtOfAThrowAwayAddress() throws Exception {
        try (TestServer server = new TestServer(filter(), new JsonSignUp())) {
            for (String charset : List.of("GBK", "GB18030", "Shift_JIS", "windows-31j")) {
                for (String address : List.of("bot\u4E01@yopmail.com", "bot\u200B@yopmail.com")) {
                    HttpResponse<String> response =
                            post(server, "application/json; charset=" + charset, "{\"email\":\"" + address + "\"}");
                    assertThat(response.statusCode())
                            .as(charset + " " + address.replace("\u200B", "<U+200B>") + ": " + response.body())
                            .isNotEqualTo(201);
                }
            }
        }
    }
}
