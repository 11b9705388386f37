package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.spring.annotation.RejectDisposableEmail;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * probe79b F1 on Spring and Tomcat: a sign-up handler that takes the body's bytes ({@code @RequestBody byte[]}, as one
 * that verifies a signature over them or logs them does) and reads them with the application's own Jackson
 * {@code ObjectMapper}, which reads JSON as UTF-8 whatever {@code charset} the client declared. The e-mail guard
 * decodes a declared single-byte charset as declared, so {@code bot＠yopmail.com} declared {@code charset=ISO-8859-1}
 * has no {@code @} to the guard ({@code botï¼ yopmail.com}) and is signed up; undeclared it is refused 422.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"abuse-guard.client.trusted-proxies=127.0.0.1"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@Import(Probe79bRawJsonSignUpTest.RawSignUp.class)
class Probe79bRawJsonSignUpTest {
    private static final AtomicInteger CLIENTS = new AtomicInteger(1);

    @RestController
    static class RawSignUp {
        private final ObjectMapper json;

        RawSignUp(ObjectMapper json) {
            this.json = json;
        }

        @RejectDisposableEmail(field = "/email")
        @PostMapping(path = "/test/raw-sign-up", consumes = MediaType.APPLICATION_JSON_VALUE)
        @ResponseStatus(HttpStatus.CREATED)
        Map<String, String> create(@RequestBody byte[] body) {
            JsonNode email = json.readTree(body).get("email");
            // the address the application mails: as NFKC (and IDNA's UTS 46 mapping) reads it
            return Map.of("email", Normalizer.normalize(email.asString(), Normalizer.Form.NFKC));
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    private HttpResponse<String> signUp(String contentType, String address) throws Exception {
        String client = "198.51." + CLIENTS.getAndIncrement() + ".7";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/test/raw-sign-up"))
                .header("X-Forwarded-For", client)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(
                        ("{\"email\":\"" + address + "\"}").getBytes(StandardCharsets.UTF_8)))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static final List<String> THROW_AWAY = List.of(
            "bot\uFF20yopmail.com", "bot@\uFF59\uFF4F\uFF50\uFF4D\uFF41\uFF49\uFF4C.com", "bot@\uD835\uDC32opmail.com");

    @Test
    void undeclaredTheseAddressesAreRefused() throws Exception {
        for (String address : THROW_AWAY) {
            assertThat(signUp("application/json", address).statusCode())
                    .as(address)
                    .isEqualTo(422);
        }
    }

    @Test
    void aDeclaredSingleByteCharsetDoesNotHideAThrowAwayAddress() throws Exception {
        List<String> signedUp = new ArrayList<>();
        for (String charset : List.of("ISO-8859-1", "KOI8-R")) {
            for (String address : THROW_AWAY) {
                HttpResponse<String> response = signUp("application/json;charset=" + charset, address);
                if (response.statusCode() == 201) {
                    signedUp.add(charset + " " + address + " -> " + response.body());
                }
            }
        }
        assertThat(signedUp).as("sign-ups the handler took").isEmpty();
    }
}
