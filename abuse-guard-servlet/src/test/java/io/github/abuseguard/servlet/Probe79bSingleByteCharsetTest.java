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
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * probe79b F1: a plain servlet application that reads its JSON with Jackson from {@code getInputStream()}, as the
 * servlet demo's login does and README advises ("Read the body with a parser"). Jackson reads JSON's bytes as
 * UTF-8/16/32 whatever {@code charset} the client declares (RFC 8259: JSON has no other encoding). The guard decodes
 * a declared single-byte charset as declared: probe74a F2 made it read a declared multi-byte charset both ways, not a
 * single-byte one. So a UTF-8 body declared {@code charset=ISO-8859-1} (or KOI8-R, windows-1251, IBM437, ...) is
 * mojibake to the guard: {@code bot＠yopmail.com} has no {@code @} at all ({@code botï¼ yopmail.com}), and
 * {@code bot@ｙｏｐｍａｉｌ.com} or {@code bot@𝐲opmail.com} names a domain of Latin-1 letters that no reading folds to
 * yopmail.com. The servlet reads the address as sent, which the guard itself (undeclared) refuses as yopmail.com:
 * README "full-width and mathematical letters", "The full-width and small forms of @ ... count as those characters".
 */
class Probe79bSingleByteCharsetTest {

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
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(server.uri("/signup"))
                                .header("Content-Type", contentType)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(json.getBytes(StandardCharsets.UTF_8)))
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
}
