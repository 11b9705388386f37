package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The demo's contract over real HTTP. The test client stands behind a trusted proxy (127.0.0.1) and
 * names a fresh client address per test in {@code X-Forwarded-For}, so tests do not share buckets.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.client.trusted-proxies=127.0.0.1",
            "abuse-guard.tarpit.delay=200ms",
            Operator.NAME,
            Operator.PASSWORD,
            Operator.ROLES
        })
class DemoContractTest {
    private static final AtomicInteger CLIENTS = new AtomicInteger(1);
    private static final String TRANSFORM = "{\"email\":\"ann@example.com\",\"image\":\"aGVsbG8=\"}";

    private final HttpClient http = HttpClient.newHttpClient();
    private final String client = "198.51.100." + CLIENTS.getAndIncrement();

    @LocalServerPort
    int port;

    private HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-Forwarded-For", client)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> asOperator(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", Operator.AUTHORIZATION)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postJson(String path, String body) throws Exception {
        return send("POST", path, "application/json", body);
    }

    @Test
    void theEleventhTransformWithinAMinuteIsThrottledWithEveryField() throws Exception {
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> accepted = postJson("/api/transform", TRANSFORM);
            assertThat(accepted.statusCode()).isEqualTo(202);
            assertThat(accepted.body()).contains("\"status\":\"queued\"");
        }

        HttpResponse<String> denied = postJson("/api/transform", TRANSFORM);

        assertThat(denied.statusCode()).isEqualTo(429);
        assertThat(denied.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(Long.parseLong(denied.headers().firstValue("Retry-After").orElseThrow()))
                .isBetween(1L, 6L);
        assertThat(denied.headers().firstValue("RateLimit-Policy")).hasValue("\"transform\";q=10;w=60");
        assertThat(denied.headers().firstValue("RateLimit").orElseThrow()).matches("\"transform\";r=0;t=[1-6]");
        assertThat(denied.body())
                .contains("\"type\":\"https://iana.org/assignments/http-problem-types#quota-exceeded\"")
                .contains("\"status\":429")
                .contains("\"detail\":\"Rate limit 'transform' exceeded")
                .contains("\"violated-policies\":[\"transform\"]");
        DemoProof.prove(this::send); // the page's script ran
        assertThat(send("GET", "/api/scores/chess", null, null).statusCode())
                .as("other routes unaffected")
                .isEqualTo(200);
    }

    @Test
    void theDenialIsCountedInMetrics() throws Exception {
        double before = deniedTransforms();
        for (int i = 0; i < 11; i++) {
            postJson("/api/transform", TRANSFORM);
        }
        assertThat(deniedTransforms()).isEqualTo(before + 1);
    }

    private double deniedTransforms() throws Exception {
        HttpResponse<String> metric =
                asOperator("/actuator/metrics/abuseguard.decisions?tag=outcome:deny&tag=route:/api/transform");
        if (metric.statusCode() == 404) {
            return 0;
        }
        Matcher value = Pattern.compile("\"value\":([0-9.]+)").matcher(metric.body());
        assertThat(value.find()).as(metric.body()).isTrue();
        return Double.parseDouble(value.group(1));
    }

    @Test
    void annotationLimitsApplyToTheRouteTemplateNotTheConcretePath() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(postJson("/api/accounts/unknown" + i + "/verify", "").statusCode())
                    .isEqualTo(404);
        }
        assertThat(postJson("/api/accounts/another/verify", "").statusCode())
                .as("the sixth verify, on yet another id, shares the bucket of /api/accounts/{id}/verify")
                .isEqualTo(429);
    }

    @Test
    void classAndMethodAnnotationsCombine() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(postJson("/api/accounts", "{\"email\":\"u" + i + "@example.com\"}")
                            .statusCode())
                    .isEqualTo(201);
        }
        HttpResponse<String> sixthSignUp = postJson("/api/accounts", "{\"email\":\"u6@example.com\"}");
        assertThat(sixthSignUp.statusCode()).isEqualTo(429);
        assertThat(sixthSignUp.headers().firstValue("RateLimit-Policy").orElseThrow())
                .contains("\"sign-up\"");

        for (int i = 0; i < 3; i++) {
            assertThat(postJson("/api/accounts/x" + i + "/verify", "").statusCode())
                    .isEqualTo(404);
        }
        HttpResponse<String> fourthVerify = postJson("/api/accounts/x3/verify", "");
        assertThat(fourthVerify.statusCode())
                .as("the class-level limit of 8 covers every route of the controller: 5 sign-ups and 3 verifies")
                .isEqualTo(429);
        assertThat(fourthVerify.headers().firstValue("RateLimit-Policy").orElseThrow())
                .contains("\"accounts\"");
    }

    @Test
    void aPaymentMethodBeforeVerificationIsRefusedNamingThePrerequisite() throws Exception {
        HttpResponse<String> created = postJson("/api/accounts", "{\"email\":\"eager@example.com\"}");
        String id = field(created.body(), "id");
        String token = field(created.body(), "token");
        HttpResponse<String> card = http.send(
                HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/api/accounts/" + id + "/payment-methods"))
                        .header("X-Forwarded-For", client)
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"card\":\"4111 1111 1111 1111\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(card.statusCode()).isEqualTo(403);
        assertThat(card.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(card.body())
                .contains("\"reason\":\"missing-prerequisite\"")
                .contains("POST /api/accounts/{id}/verify");
    }

    @Test
    void loginIsLimitedPerClientAndUserName() throws Exception {
        String wrong = "{\"username\":\"alice\",\"password\":\"nope\"}";
        for (int i = 0; i < 5; i++) {
            assertThat(postJson("/api/login", wrong).statusCode()).isEqualTo(401);
        }
        assertThat(postJson("/api/login", "{\"username\":\"alice\",\"password\":\"wonderland\"}")
                        .statusCode())
                .isEqualTo(429);
        HttpResponse<String> bob = postJson("/api/login", "{\"username\":\"bob\",\"password\":\"builder\"}");
        assertThat(bob.statusCode()).isEqualTo(200);
        assertThat(bob.body()).contains("\"token\"");
    }

    @Test
    void wrongPasswordsForAUserFromManyAddressesDoNotLockTheUserOut() throws Exception {
        String wrong = "{\"username\":\"user4242\",\"password\":\"guess\"}";
        for (int i = 0; i < 6; i++) {
            assertThat(loginFrom("203.0.113." + (100 + i), wrong).statusCode())
                    .as("guess %d", i + 1)
                    .isEqualTo(401);
        }
        HttpResponse<String> owner =
                loginFrom("203.0.113.200", "{\"username\":\"user4242\",\"password\":\"secret-4242\"}");
        assertThat(owner.statusCode()).as("the owner signs in, only later").isEqualTo(200);
        assertThat(owner.body()).contains("\"token\"");
    }

    private HttpResponse<String> loginFrom(String address, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/login"))
                        .header("X-Forwarded-For", address)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theAccountFlowWorksForAnHonestClient() throws Exception {
        HttpResponse<String> created = postJson("/api/accounts", "{\"email\":\"honest@example.com\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        String id = field(created.body(), "id");
        String token = field(created.body(), "token");
        HttpRequest.Builder verify = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/accounts/" + id + "/verify"))
                .header("X-Forwarded-For", client)
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody());
        assertThat(http.send(verify.build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(200);
        HttpRequest.Builder card = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/accounts/" + id + "/payment-methods"))
                .header("X-Forwarded-For", client)
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"card\":\"4111 1111 1111 1111\"}"));
        assertThat(http.send(card.build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(201);
    }

    @Test
    void giftCardsAndScoresAnswer() throws Exception {
        assertThat(send("GET", "/api/scores/chess", null, null).statusCode())
                .as("only to a client that ran the page's proof script")
                .isEqualTo(403);
        DemoProof.prove(this::send);
        assertThat(send("GET", "/api/giftcards/GIFT-1000", null, null).body()).contains("\"balance\":1000");
        assertThat(send("GET", "/api/giftcards/NOPE", null, null).statusCode()).isEqualTo(404);
        HttpResponse<String> score = send("GET", "/api/scores/chess", null, null);
        assertThat(score.body()).contains("\"game\":\"chess\"");
        assertThat(score.headers().firstValue("RateLimit")).hasValue("\"scores\";r=599;t=1");
    }

    @Test
    void aPhotoFromThePageFitsTheBodyBoundAndItsAddressIsStillJudged() throws Exception {
        // 600 KB of JPEG as the page sends it: base64 in the JSON, about 800 KB in all.
        String photo = java.util.Base64.getEncoder().encodeToString(randomBytes(600_000));
        HttpResponse<String> accepted =
                postJson("/api/transform", "{\"email\":\"ann@gmail.com\",\"image\":\"" + photo + "\"}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);

        HttpResponse<String> disposable =
                postJson("/api/transform", "{\"image\":\"" + photo + "\",\"email\":\"bot@yopmail.com\"}");
        assertThat(disposable.statusCode()).isEqualTo(422);
        assertThat(disposable.body()).contains("\"reason\":\"disposable-email\"");

        String tooLarge = java.util.Base64.getEncoder().encodeToString(new byte[800_000]);
        HttpResponse<String> refused =
                postJson("/api/transform", "{\"email\":\"ann@gmail.com\",\"image\":\"" + tooLarge + "\"}");
        assertThat(refused.statusCode()).as("over 1 MiB").isEqualTo(413);
        assertThat(refused.body()).contains("\"reason\":\"unreadable-body:too-large\"");
    }

    @Test
    void thePageCallsTheApiFromTheSameOrigin() throws Exception {
        HttpResponse<String> page = send("GET", "/", null, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("send('/api/transform'")
                .contains("window.abuseGuard.fetch")
                .contains("<script src=\"/abuse-guard/proof.js\"></script>")
                .contains("body.detail");
    }

    @ParameterizedTest(name = "anonymous GET {0}")
    @ValueSource(
            strings = {
                "/actuator/abuseguard",
                "/actuator/prometheus",
                "/actuator/metrics",
                "/actuator/metrics/abuseguard.decisions",
                "/actuator"
            })
    void whatTheGuardsKnowIsForOperatorsOnly(String path) throws Exception {
        HttpResponse<String> anonymous = send("GET", path, null, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.body()).doesNotContain("mostDenied").doesNotContain("abuseguard_");
    }

    @Test
    void guessingTheOperatorPasswordBansTheAddressWhileHealthProbesStillAnswer() throws Exception {
        String wrong = "Basic " + java.util.Base64.getEncoder().encodeToString("ops:guess".getBytes());
        for (int i = 0; i < 10; i++) {
            assertThat(actuatorAs("/actuator/abuseguard", wrong).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> banned = actuatorAs("/actuator/abuseguard", Operator.AUTHORIZATION);
        assertThat(banned.statusCode())
                .as("even the right password, from this address")
                .isEqualTo(429);
        assertThat(banned.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(actuatorAs("/actuator/health", null).statusCode())
                .as("probes are exempt")
                .isEqualTo(200);
        assertThat(asOperator("/actuator/abuseguard").statusCode())
                .as("the operator elsewhere")
                .isEqualTo(200);
    }

    @Test
    void aWebPageElsewhereCannotLockTheOperatorOutWithImagesOfTheActuator() throws Exception {
        for (int i = 0; i < 20; i++) {
            HttpRequest image = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                    .header("X-Forwarded-For", client)
                    .header("Sec-Fetch-Site", "cross-site")
                    .header("Sec-Fetch-Dest", "image")
                    .build();
            assertThat(http.send(image, HttpResponse.BodyHandlers.ofString()).statusCode())
                    .as("another site's image: refused before anything counts it")
                    .isEqualTo(403);
        }
        assertThat(actuatorAs("/actuator/prometheus", Operator.AUTHORIZATION).statusCode())
                .as("20 images of another site's page counted nothing: the operator at this address signs in")
                .isEqualTo(200);
    }

    private HttpResponse<String> actuatorAs(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-Forwarded-For", client);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void noPathOutsideTheCountedActuatorAnswersWhetherAPasswordIsRight() throws Exception {
        String wrong = "Basic "
                + java.util.Base64.getEncoder()
                        .encodeToString("ops:wrong".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (String path : java.util.List.of("/actuator/health", "/actuator/health/liveness")) {
            HttpResponse<String> guessed = actuatorAs(path, wrong);
            assertThat(guessed.statusCode()).as(path + " with a wrong password").isEqualTo(200);
            assertThat(guessed.body())
                    .as(path + ": a right password shows nothing more")
                    .isEqualTo(actuatorAs(path, Operator.AUTHORIZATION).body());
        }
        DemoProof.prove(this::send);
        for (String path : java.util.List.of("/", "/api/scores/chess")) {
            assertThat(actuatorAs(path, wrong).statusCode())
                    .as(path + " does not authenticate")
                    .isEqualTo(200);
        }
    }

    @Test
    void theHealthStatusIsPublicButItsDetailsAreNot() throws Exception {
        HttpResponse<String> anonymous = send("GET", "/actuator/health", null, null);
        assertThat(anonymous.statusCode()).isEqualTo(200);
        assertThat(anonymous.body()).contains("\"status\":\"UP\"").doesNotContain("abuseGuardStore");
        assertThat(asOperator("/actuator/health/ops").body()).contains("abuseGuardStore");
    }

    @Test
    void theActuatorEndpointReportsRulesWithTheirSource() throws Exception {
        postJson("/api/transform", "{}");
        HttpResponse<String> report = asOperator("/actuator/abuseguard");
        assertThat(report.statusCode()).isEqualTo(200);
        assertThat(report.body())
                .contains("\"name\":\"scores\",\"source\":\"properties\"")
                .contains("\"source\":\"@RateLimit on TransformController.transform\"")
                .contains("\"mostDenied\"");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "/api/transform | {\"email\":\"bot@post-shift.ru\",\"image\":\"aGVsbG8=\"}",
                "/api/transform | {\"email\":\"  Bot@X.1SECMAIL.COM. \",\"image\":\"aGVsbG8=\"}",
                "/api/accounts | {\"email\":\"bot+1@sub.yopmail.com\"}",
            })
    void disposableAddressesAre422ProblemsNamingTheField(String path, String body) throws Exception {
        HttpResponse<String> response = postJson(path, body);
        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("\"reason\":\"disposable-email\"").contains("'email'");
        assertThat(response.body()).doesNotContain("bot@").doesNotContain("bot+1");
    }

    /**
     * Review MEDIUM-1: the guard bounds the different domains one field names, not its addresses, so
     * colleagues at one company are not too many domains, and a throw-away address among them is still
     * found.
     */
    @Test
    void aThrowAwayAddressAmongFortyColleaguesIsFoundAndTheColleaguesAloneAreLeftToTheApplication() throws Exception {
        StringBuilder colleagues = new StringBuilder();
        StringBuilder companies = new StringBuilder("ann@acme.example");
        for (int i = 0; i < 40; i++) {
            colleagues.append('u').append(i).append("@acme.example, ");
            companies.append(", ann@company").append(i).append(".example");
        }
        HttpResponse<String> disposable =
                postJson("/api/accounts", "{\"email\":\"" + colleagues + "bot@mailinator.com\"}");
        assertThat(disposable.statusCode()).isEqualTo(422);
        assertThat(disposable.body()).contains("\"reason\":\"disposable-email\"");

        HttpResponse<String> list = postJson("/api/accounts", "{\"email\":\"" + colleagues + "u40@acme.example\"}");
        assertThat(list.statusCode()).as("the application's own validation").isEqualTo(400);
        assertThat(list.body()).doesNotContain("too-many-email-domains");

        HttpResponse<String> tooMany = postJson("/api/accounts", "{\"email\":\"" + companies + "\"}");
        assertThat(tooMany.statusCode()).isEqualTo(422);
        assertThat(tooMany.body())
                .contains("\"reason\":\"too-many-email-domains\"")
                .contains("different domains");
    }

    @Test
    void realProvidersPass() throws Exception {
        assertThat(postJson("/api/accounts", "{\"email\":\"ann@gmail.com\"}").statusCode())
                .isEqualTo(201);
    }

    @ParameterizedTest(name = "{0} {1} with {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "POST | /api/transform | application/json | {not json",
                "POST | /api/transform | application/json | {\"email\":\"a@b.co\"}",
                "POST | /api/transform | application/json | {\"email\":\"a@b.co\",\"image\":\"***\"}",
                "POST | /api/transform | application/json | []",
                "POST | /api/transform | text/plain | hello",
                "POST | /api/transform | application/x-www-form-urlencoded | email=a",
                "POST | /api/login | application/json | {\"username\":1",
                "POST | /api/login | application/json | {}",
                "POST | /api/login | application/xml | <login/>",
                "POST | /api/accounts | application/json | {\"email\":[]}",
                "POST | /api/accounts | text/plain | x",
                "POST | /api/accounts | application/json | {\"email\":\"not-an-address\"}",
            })
    void badBodiesAndContentTypesAre400ProblemsNever500(String method, String path, String type, String body)
            throws Exception {
        HttpResponse<String> response = send(method, path, type, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("\"status\":400");
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new java.util.Random(7).nextBytes(bytes);
        return bytes;
    }

    private static String field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        assertThat(matcher.find()).as(json).isTrue();
        return matcher.group(1);
    }

    /**
     * probe70b F1: the e-mail change takes a form, yet a JSON body was told to "Send the request body as
     * application/json, not application/json." The answer must name what the route takes.
     */
    @Test
    void anUnsupportedContentTypeIsToldWhatTheRouteTakes() throws Exception {
        HttpResponse<String> response =
                send("PUT", "/api/accounts/abc/email", "application/json", "{\"email\":\"ann@example.com\"}");

        assertThat(response.body()).doesNotContain("as application/json, not application/json");
        assertThat(response.body()).contains("application/x-www-form-urlencoded");
    }

    /** review70 F3: a request without a Content-Type was told "..., not null." */
    @Test
    void aRequestWithoutAContentTypeIsNotToldItSentNull() throws Exception {
        HttpResponse<String> response = send("PUT", "/api/accounts/abc/email", null, null);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body())
                .contains("application/x-www-form-urlencoded")
                .doesNotContain("not null");
    }
}
