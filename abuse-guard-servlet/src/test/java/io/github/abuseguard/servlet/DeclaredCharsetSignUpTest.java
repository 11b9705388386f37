package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.email.DisposableDomains;
import io.github.abuseguard.email.DisposableEmailGuard;
import io.github.abuseguard.email.EmailRule;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * A plain servlet application that reads its JSON with Jackson from {@code getInputStream()}, as README advises
 * ("Read the body with a parser") and {@code examples/servlet-demo} does. Jackson reads JSON's bytes as UTF-8/16/32
 * whatever {@code charset} the client declares (RFC 8259: JSON has no other encoding); the guard decodes a declared
 * charset as declared. A UTF-8 body under any other declared charset must not read as something else to the guard
 * than to the application: a throw-away address it would refuse undeclared is refused (or the body answered 415).
 */
class DeclaredCharsetSignUpTest {

    /** The servlet demo's way of reading JSON: Jackson's streaming parser on the body's bytes. */
    static final class JsonSignUp extends HttpServlet {
        private static final long serialVersionUID = 1L;
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
            // the address the application mails: as NFKC (and IDNA's UTS 46 mapping) reads it
            response.getWriter().write(email == null ? "" : Normalizer.normalize(email, Normalizer.Form.NFKC));
        }
    }

    private static final List<String> THROW_AWAY = List.of(
            "bot\uFF20yopmail.com", // full-width @
            "bot@\uFF59\uFF4F\uFF50\uFF4D\uFF41\uFF49\uFF4C.com", // full-width letters
            "bot@\uD835\uDC32opmail.com"); // mathematical bold y

    private static AbuseGuardFilter filter() {
        DisposableEmailGuard email = DisposableEmailGuard.of(
                DisposableDomains.bundled(),
                List.of(EmailRule.builder("signup").path("/signup").build()));
        return AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(email).build())
                .build();
    }

    private static HttpResponse<String> post(TestServer server, String contentType, String json) throws Exception {
        return post(server, contentType, json.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> post(TestServer server, String contentType, byte[] body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(server.uri("/signup"))
                                .header("Content-Type", contentType)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void theSameBodiesWithoutADeclaredCharsetAreRefused() throws Exception {
        try (TestServer server = new TestServer(filter(), new JsonSignUp())) {
            for (String address : THROW_AWAY) {
                assertThat(post(server, "application/json", "{\"email\":\"" + address + "\"}")
                                .statusCode())
                        .as(address)
                        .isEqualTo(422);
            }
        }
    }

    /**
     * probe79b F1: a UTF-8 body declared {@code charset=ISO-8859-1} (or KOI8-R, windows-1251, IBM437, ...) was mojibake
     * to the guard: {@code bot＠yopmail.com} has no {@code @} at all ({@code botï¼ yopmail.com}), and
     * {@code bot@ｙｏｐｍａｉｌ.com} or {@code bot@𝐲opmail.com} names a domain of Latin-1 letters that no reading folds
     * to yopmail.com.
     */
    @Test
    void aDeclaredSingleByteCharsetDoesNotHideAThrowAwayAddress() throws Exception {
        List<String> signedUp = new ArrayList<>();
        try (TestServer server = new TestServer(filter(), new JsonSignUp())) {
            for (String charset : List.of("ISO-8859-1", "KOI8-R", "windows-1251", "IBM437")) {
                for (String address : THROW_AWAY) {
                    HttpResponse<String> response =
                            post(server, "application/json; charset=" + charset, "{\"email\":\"" + address + "\"}");
                    if (response.statusCode() == 201) {
                        signedUp.add(charset + " " + address + " -> " + response.body());
                    }
                }
            }
        }
        assertThat(signedUp)
                .as("sign-ups the servlet opened (it mails the address after ->)")
                .isEmpty();
    }

    @Test
    void theSameBodyWithoutADeclaredCharsetIsRefused() throws Exception {
        try (TestServer server = new TestServer(filter(), new JsonSignUp())) {
            assertThat(post(server, "application/json", "{\"email\":\"bot\u4E01@yopmail.com\"}")
                            .statusCode())
                    .isEqualTo(422);
        }
    }

    /**
     * probe74a F2: in GBK, GB18030, Shift_JIS and windows-31j a byte of a UTF-8 character (0x81..0x9F) leads a
     * two-byte character whose second byte is {@code @} (0x40): the guard read {@code bot涓丂yopmail.com}, no address
     * at all, where the servlet reads {@code bot丁@yopmail.com} (or {@code bot\u200B@yopmail.com}, which an
     * application that drops invisible characters delivers to bot@yopmail.com).
     */
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
    /**
     * review131 F2: probe74a F2 again, past the two-way reading. The byte reading's refusal was skipped when it is
     * malformed; a second root value after the object, valid GBK and malformed UTF-8, made it so, while the servlet
     * (Jackson on {@code getInputStream()}, reading one value) never reads that far.
     */
    @Test
    void aTrailingValueMalformedAsUtf8DoesNotHideTheAtOfAThrowAwayAddress() throws Exception {
        try (TestServer server = new TestServer(filter(), new JsonSignUp())) {
            for (String charset : List.of("GBK", "GB18030", "Shift_JIS", "windows-31j")) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                bytes.write("{\"email\":\"bot\u4E01@yopmail.com\"}".getBytes(StandardCharsets.UTF_8));
                // a second root value: a two-byte character in each of these charsets, malformed UTF-8
                bytes.write(new byte[] {' ', '"', (byte) 0x81, 0x40, '"'});
                HttpResponse<String> response =
                        post(server, "application/json; charset=" + charset, bytes.toByteArray());
                assertThat(response.statusCode())
                        .as(charset + ": " + response.body())
                        .isNotEqualTo(201);
            }
        }
    }

    /**
     * review132 F1: the two-way reading asked the declared charset for an encoder; a charset Java decodes but cannot
     * encode ({@code x-JISAutoDetect}, alias {@code JISAutoDetect}: ASCII-transparent) threw out of the guard, and the
     * engine's default {@code failure-policy: fail-open} let the request through unjudged.
     */
    @Test
    void aDecodeOnlyCharsetDoesNotLetAThrowAwayAddressThrough() throws Exception {
        try (TestServer server = new TestServer(filter(), new JsonSignUp())) {
            for (String charset : List.of("x-JISAutoDetect", "JISAutoDetect")) {
                HttpResponse<String> response =
                        post(server, "application/json; charset=" + charset, "{\"email\":\"bot@yopmail.com\"}");
                assertThat(response.statusCode())
                        .as(charset + ": " + response.body())
                        .isNotEqualTo(201);
            }
        }
    }
}
