package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The body layouts that used to carry a throw-away address past the demo's e-mail guard, against the
 * real application and Spring's own data binding: padding, repeated keys, a declared Latin-1 charset,
 * and PUT forms that Spring's {@code FormContentFilter} reads before the guard.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "abuse-guard.client.trusted-proxies=127.0.0.1")
class BodyBypassDemoTest {
    private static final AtomicInteger CLIENTS = new AtomicInteger(1);
    private static final AtomicInteger ACCOUNTS = new AtomicInteger();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String client = "203.0.113." + CLIENTS.getAndIncrement();

    @LocalServerPort
    int port;

    private HttpResponse<String> send(String method, String path, String contentType, byte[] body, String token)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-Forwarded-For", client)
                .header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> signUp(String json) throws Exception {
        return send("POST", "/api/accounts", "application/json", json.getBytes(StandardCharsets.UTF_8), null);
    }

    /** An account of a mailbox of its own: the demo opens at most three per mailbox a day. */
    private HttpResponse<String> newAccount() throws Exception {
        return signUp("{\"email\":\"ann" + ACCOUNTS.incrementAndGet() + "@gmail.com\"}");
    }

    @Test
    void aThrowAwayAddressBehindKilobytesOfPaddingGetsNoAccount() throws Exception {
        HttpResponse<String> padded =
                signUp("{\"padding\":\"" + "x".repeat(9000) + "\",\"email\":\"bot@yopmail.com\"}");
        assertThat(padded.statusCode()).isEqualTo(422);
    }

    @Test
    void aThrowAwayAddressNamedAfterAGoodOneGetsNoAccount() throws Exception {
        HttpResponse<String> twice = signUp(
                "{\"email\":\"ann@gmail.com\",\"padding\":\"" + "x".repeat(9000) + "\",\"email\":\"bot@yopmail.com\"}");
        assertThat(twice.statusCode()).isEqualTo(422);
    }

    @Test
    void aLatin1BodyIsJudgedAsSpringDecodesIt() throws Exception {
        byte[] latin1 =
                "{\"name\":\"J\u00fcrgen\",\"email\":\"bot@yopmail.com\"}".getBytes(StandardCharsets.ISO_8859_1);
        HttpResponse<String> response =
                send("POST", "/api/accounts", "application/json;charset=ISO-8859-1", latin1, null);
        assertThat(response.statusCode()).isEqualTo(422);
    }

    /**
     * probe59a F1: a {@code Content-Type} whose quotes Spring and the guard split differently. The guard reads
     * {@code charset=ISO-8859-1} only; Spring reads {@code a=""\"} as a closed quoted string, then a second
     * {@code charset}, x-IBM949C, in which byte 0x82 is a backslash: Spring binds {@code \\u0040}, an {@code @}, and the
     * handler opened accounts at every listed domain tried (12 of 12 through the running demo).
     */
    @Test
    void aSecondCharsetThatOnlySpringReadsOpensNoAccountWithAThrowAwayAddress() throws Exception {
        byte[] body = "{\"email\":\"bot\u0082u0040yopmail.com\"}".getBytes(StandardCharsets.ISO_8859_1);
        HttpResponse<String> response = send(
                "POST",
                "/api/accounts",
                "application/json; charset=ISO-8859-1; a=\"\"\\\"; charset=x-IBM949C; b=\"\"\"",
                body,
                null);
        assertThat(response.statusCode()).as(response.body()).isIn(400, 415, 422);
    }

    /**
     * probe59a F1: the same header spells one real inbox four ways (a different letter escaped each time, byte 0x82 being
     * x-IBM949C's backslash); the guard keys the one-inbox limit (three a day) on text with no address in it, four keys.
     */
    @Test
    void oneInboxSpelledWithEscapesOnlySpringReadsGetsNoMoreThanThreeAccounts() throws Exception {
        String header = "application/json; charset=ISO-8859-1; a=\"\"\\\"; charset=x-IBM949C; b=\"\"\"";
        String local = "probe59a";
        int opened = 0;
        for (int i = 0; i < 4; i++) {
            String spelled = local.substring(0, i) + "\u0082u" + String.format("%04x", (int) local.charAt(i))
                    + local.substring(i + 1) + "\u0082u0040gmail.com";
            byte[] body = ("{\"email\":\"" + spelled + "\"}").getBytes(StandardCharsets.ISO_8859_1);
            if (send("POST", "/api/accounts", header, body, null).statusCode() == 201) {
                opened++;
            }
        }
        assertThat(opened).isLessThanOrEqualTo(3);
    }

    /**
     * probe59a F1, the other way round: the guard reads a {@code charset=ISO-8859-1} inside what Spring takes for an
     * open quoted string ({@code a="\\\\"}), so Spring lets Jackson read UTF-8 while the guard decodes Latin-1: the
     * zero-width space (U+200B) before the dot of {@code yopmail.com} is {@code â} and two controls to the guard, and
     * the handler bound the address with the zero-width space, which the guard refuses when it reads it.
     */
    @Test
    void aCharsetThatOnlyTheGuardReadsOpensNoAccountWithAThrowAwayAddress() throws Exception {
        byte[] body = "{\"email\":\"bot@yopmail\u200B.com\"}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = send(
                "POST", "/api/accounts", "application/json; a=\"\\\\\"; charset=ISO-8859-1; b=\"\\\\\"", body, null);
        assertThat(response.statusCode()).as(response.body()).isIn(400, 415, 422);
    }

    /**
     * probe21 F4: a UTF-16 body with a byte-order mark (what .NET's {@code Encoding.Unicode} writes) past the
     * reader's first 8 KiB was refused as malformed, although the application binds it.
     */
    @Test
    void aLargeUtf16BodyWithAByteOrderMarkIsJudgedAsSpringReadsIt() throws Exception {
        String padding = "x".repeat(5_000);
        byte[] good = ("\uFEFF{\"padding\":\"" + padding + "\",\"email\":\"ann@gmail.com\"}")
                .getBytes(StandardCharsets.UTF_16LE);
        byte[] disposable = ("\uFEFF{\"padding\":\"" + padding + "\",\"email\":\"bot@yopmail.com\"}")
                .getBytes(StandardCharsets.UTF_16LE);

        HttpResponse<String> accepted = send("POST", "/api/accounts", "application/json", good, null);
        HttpResponse<String> refused = send("POST", "/api/accounts", "application/json", disposable, null);

        assertThat(accepted.statusCode()).isEqualTo(201);
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body()).contains("disposable-email");
    }

    @Test
    void aPutFormThatSpringReadsBeforeTheGuardIsStillJudged() throws Exception {
        HttpResponse<String> account = newAccount();
        assertThat(account.statusCode()).isEqualTo(201);
        String id = field(account.body(), "id");
        String token = field(account.body(), "token");
        String path = "/api/accounts/" + id + "/email";

        HttpResponse<String> disposable =
                send("PUT", path, "application/x-www-form-urlencoded", bytes("email=bot%40yopmail.com"), token);
        HttpResponse<String> splitAcrossQueryAndBody = send(
                "PUT",
                path + "?email=ann%40gmail.com",
                "application/x-www-form-urlencoded",
                bytes("email=bot%40yopmail.com"),
                token);
        HttpResponse<String> permanent =
                send("PUT", path, "application/x-www-form-urlencoded", bytes("email=ann.new%40gmail.com"), token);

        assertThat(disposable.statusCode()).isEqualTo(422);
        assertThat(splitAcrossQueryAndBody.statusCode()).isEqualTo(422);
        assertThat(permanent.statusCode()).isEqualTo(200);
        assertThat(permanent.body()).contains("\"email\":\"ann.new@gmail.com\"");
    }

    /**
     * Spring's FormContentFilter keeps a field written without {@code =} as a null value; that made the guard
     * throw and fail open, so a disposable address beside a bare repeat of its field reached the handler.
     */
    @Test
    void aBareRepeatOfTheFieldInAPutFormDoesNotHideADisposableAddress() throws Exception {
        HttpResponse<String> account = newAccount();
        String path = "/api/accounts/" + field(account.body(), "id") + "/email";
        String token = field(account.body(), "token");

        HttpResponse<String> bareAfter =
                send("PUT", path, "application/x-www-form-urlencoded", bytes("email=bot%40yopmail.com&email"), token);
        HttpResponse<String> bareBefore =
                send("PUT", path, "application/x-www-form-urlencoded", bytes("email&email=bot%40yopmail.com"), token);

        assertThat(bareAfter.statusCode()).isEqualTo(422);
        assertThat(bareBefore.statusCode()).isEqualTo(422);
    }

    /**
     * Spring's data binding takes {@code email[]} for {@code email} (array syntax without an index) and
     * {@code !email} as its default when {@code email} is absent: each names the field the guard judges.
     */
    @Test
    void theFieldSpelledAsSpringDataBindingAlsoReadsItIsJudged() throws Exception {
        HttpResponse<String> account = newAccount();
        String path = "/api/accounts/" + field(account.body(), "id") + "/email";
        String token = field(account.body(), "token");

        for (String body :
                List.of("email%5B%5D=bot%40yopmail.com", "email[]=bot%40yopmail.com", "%21email=bot%40yopmail.com")) {
            assertThat(send("PUT", path, "application/x-www-form-urlencoded", bytes(body), token)
                            .statusCode())
                    .as(body)
                    .isEqualTo(422);
        }
        assertThat(send(
                                "PUT",
                                path + "?email%5B%5D=bot%40yopmail.com",
                                "application/x-www-form-urlencoded",
                                bytes(""),
                                token)
                        .statusCode())
                .isEqualTo(422);
    }

    /**
     * Spring's FormContentFilter reads a PUT form before the guard and any controller; a bad {@code %}-escape
     * made it throw, which the container answered 500. The client sent a malformed body: 400, as a problem.
     */
    @Test
    void aMalformedPutFormIsABadRequestAnsweredWithAProblemNotAServerError() throws Exception {
        HttpResponse<String> account = newAccount();
        String path = "/api/accounts/" + field(account.body(), "id") + "/email";

        HttpResponse<String> malformed = send(
                "PUT",
                path,
                "application/x-www-form-urlencoded",
                bytes("email=bot%zz%40yopmail.com"),
                field(account.body(), "token"));

        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(malformed.body())
                .contains("\"status\":400")
                .contains("\"reason\":\"unreadable-body:malformed\"")
                .contains("\"instance\":\"" + path + "\"");
    }

    @Test
    void aBodyTooLargeForTheGuardIsRefusedWithAProblem() throws Exception {
        // over the demo's abuse-guard.body.max-bytes (1 MiB)
        HttpResponse<String> huge =
                signUp("{\"email\":\"ann@gmail.com\",\"padding\":\"" + "x".repeat(1_100_000) + "\"}");
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(huge.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static String field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        assertThat(matcher.find()).as(json).isTrue();
        return matcher.group(1);
    }
}
