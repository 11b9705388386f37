package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.BodyField;
import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.KeyResolver;
import io.github.abuseguard.RequestBody;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * probe23 F4: a {@code query:NAME} field is a request parameter, and {@code @RequestParam} (as the servlet
 * API's {@code getParameterValues}) binds a parameter from the query string, a form body and a multipart
 * body's text parts alike. README's newsletter rule ({@code field: query:address}) judged only the query
 * string, so the address moved into the body was never looked at. Every value of every layout is judged
 * now; a body the guard cannot read is refused as body fields are.
 */
class QueryFieldLayoutsTest {

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final DisposableDomains BUNDLED = DisposableDomains.bundled();

    private final DisposableEmailGuard guard = DisposableEmailGuard.of(
            BUNDLED,
            List.of(EmailRule.builder("newsletter")
                    .path("/api/newsletter")
                    .field("query:address")
                    .build()));

    private Decision post(String method, String query, String contentType, String body) {
        GuardRequest.Builder request = GuardRequest.builder(method, "/api/newsletter");
        if (query != null) {
            request.queryParameter("address", query);
        }
        if (body != null) {
            request.body(contentType, body);
        }
        return guard.check(request.build());
    }

    @Test
    void theControlAnAddressInTheQueryStringIsRefused() {
        Decision decision = post("POST", "bot@mailinator.com", FORM, "");
        assertThat(decision.isDeny()).isTrue();
        assertThat(decision.status()).isEqualTo(422);
    }

    /** probe47c F6: the rule, with no methods given, let {@code GET /api/newsletter?address=...} through. */
    @ParameterizedTest
    @ValueSource(strings = {"GET", "DELETE", "HEAD", "OPTIONS"})
    void anAddressInTheQueryStringIsRefusedWhateverTheMethod(String method) {
        Decision decision = post(method, "bot@mailinator.com", null, null);
        assertThat(decision.isDeny()).as(method).isTrue();
        assertThat(decision.status()).isEqualTo(422);
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "PATCH"})
    void anAddressInAFormBodyIsRefusedForEveryMethodAFormParserBindsItFor(String method) {
        Decision decision = post(method, null, FORM, "address=bot@mailinator.com");
        assertThat(decision.isDeny()).as(method).isTrue();
        assertThat(decision.status()).isEqualTo(422);
        assertThat(decision.reason()).isEqualTo("disposable-email");
    }

    @Test
    void aCleanAddressInTheQueryDoesNotCoverAThrowAwayOneInTheBody() {
        assertThat(post("POST", "ann@gmail.com", FORM, "address=bot@mailinator.com")
                        .isDeny())
                .isTrue();
        assertThat(post("POST", "bot@mailinator.com", FORM, "address=ann@gmail.com")
                        .isDeny())
                .isTrue();
        assertThat(post("POST", "ann@gmail.com", FORM, "address=ann%40gmail.com")
                        .isDeny())
                .as("clean in both places")
                .isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "address=bot%40mailinator.com",
                "address=bot%40MAILINATOR.com",
                "address=Bot+%3Cbot@mailinator.com%3E",
                "address=ann@gmail.com&address=bot@mailinator.com",
                "address=&address=bot@mailinator.com",
                "other=1&address%5B%5D=bot@mailinator.com",
                "!address=bot@mailinator.com",
                "%61ddress=bot@mailinator.com",
            })
    void everyValueOfTheBodyEncodedAnyWayABinderDecodesIsJudged(String body) {
        assertThat(post("POST", null, FORM, body).isDeny()).as(body).isTrue();
    }

    @Test
    void aLatin1FormIsDecodedInItsCharsetAndAUtf16OneIsRefusedAsUnsupported() {
        assertThat(post("POST", null, FORM + "; charset=ISO-8859-1", "address=bot@mailinator.com")
                        .isDeny())
                .isTrue();
        Decision utf16 = post("POST", null, FORM + "; charset=UTF-16", "address=bot@mailinator.com");
        assertThat(utf16.isDeny()).isTrue();
        assertThat(utf16.status()).isEqualTo(415);
        Decision ambiguous = post("POST", null, FORM + "; charset=UTF-8; charset=UTF-16", "address=bot@mailinator.com");
        assertThat(ambiguous.status())
                .as("two charsets: the body may be decoded either way")
                .isEqualTo(415);
    }

    @Test
    void anotherNameOrAnEmptyValueIsNoAddress() {
        // Containers compare parameter names with case, so @RequestParam does not bind Address; a model
        // attribute's setAddress does (probe43a F1), so the guard judges it as well.
        assertThat(post("POST", null, FORM, "Address=bot@mailinator.com").isDeny())
                .isTrue();
        assertThat(post("POST", null, FORM, "ADDRESS=bot@mailinator.com").isDeny())
                .as("no binder takes ADDRESS for address")
                .isFalse();
        assertThat(post("POST", null, FORM, "address=").isDeny()).isFalse();
        assertThat(post("POST", null, FORM, "address=ann@gmail.com").isDeny()).isFalse();
    }

    @Test
    void aBodyOfAnotherTypeIsNotReadForAParameter() {
        // No container or binder takes parameters from JSON: the rule judges the query string as before,
        // and a JSON body it has no business with is neither read nor refused.
        assertThat(post("POST", null, "application/json", "{\"address\":\"bot@mailinator.com\"}")
                        .isDeny())
                .isFalse();
        assertThat(post("POST", null, "application/json", "{not json").isDeny()).isFalse();
        assertThat(post("POST", "bot@mailinator.com", "application/json", "{}").isDeny())
                .isTrue();
    }

    @Test
    void aMultipartBodyThisAdapterCannotParseIsRefusedNotPassed() {
        // A plain GuardRequest has no container to ask for parts: the parameter cannot be told.
        String multipart =
                "--b\r\nContent-Disposition: form-data; name=\"address\"\r\n\r\nbot@mailinator.com\r\n--b--\r\n";
        Decision decision = post("POST", null, "multipart/form-data; boundary=b", multipart);
        assertThat(decision.isDeny()).isTrue();
        assertThat(decision.status()).isEqualTo(415);
    }

    @Test
    void aFormBodyLargerThanWasReadIsTooLargeNotJudgedByItsPrefix() {
        byte[] prefix = "address=ann@gmail.com&x=".getBytes(StandardCharsets.US_ASCII);
        BodyField field = RequestBody.prefix(prefix, prefix.length, FORM).parameter("address");
        assertThat(field.unreadableReason()).isEqualTo(BodyField.Unreadable.TOO_LARGE);
        assertThat(RequestBody.prefix(prefix, prefix.length, "application/json")
                        .parameter("address")
                        .isUnreadable())
                .as("a large JSON body gives no parameters, however large")
                .isFalse();
    }

    @Test
    void aQueryKeyIsTheParameterWhereverItIsSentAndAmbiguousWhenGivenTwoValues() {
        KeyResolver key = KeyResolver.parse("query:user");
        GuardRequest inBody =
                GuardRequest.builder("POST", "/login").body(FORM, "user=alice").build();
        assertThat(key.resolve(inBody)).isEqualTo("alice");
        assertThat(key.unreadable(inBody)).isNull();

        GuardRequest both = GuardRequest.builder("POST", "/login")
                .queryParameter("user", "junk")
                .body(FORM, "user=alice")
                .build();
        assertThat(key.resolve(both)).isNull();
        assertThat(key.unreadable(both)).isEqualTo(BodyField.Unreadable.AMBIGUOUS);

        GuardRequest inQuery = GuardRequest.builder("GET", "/login")
                .queryParameter("user", "alice")
                .build();
        assertThat(key.resolve(inQuery)).isEqualTo("alice");
        assertThat(key.unreadable(inQuery)).isNull();
    }
}
