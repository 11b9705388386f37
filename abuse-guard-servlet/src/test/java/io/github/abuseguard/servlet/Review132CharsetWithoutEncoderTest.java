package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.email.DisposableDomains;
import io.github.abuseguard.email.DisposableEmailGuard;
import io.github.abuseguard.email.EmailRule;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * review132 F1: the two-way reading asks the declared charset for an encoder ({@code charset.newEncoder()
 * .maxBytesPerChar()}); a charset Java decodes but cannot encode ({@code x-JISAutoDetect}, alias {@code
 * JISAutoDetect}: ASCII-transparent, so not refused before) throws {@link UnsupportedOperationException} out of the
 * guard, and the engine's default {@code failure-policy: fail-open} lets the request through unjudged. The servlet
 * (Jackson on the bytes) signs a throw-away address up.
 */
class Review132CharsetWithoutEncoderTest {

    private static AbuseGuardFilter filter() {
        DisposableEmailGuard email = DisposableEmailGuard.of(
                DisposableDomains.bundled(),
                List.of(EmailRule.builder("signup").path("/signup").build()));
        return AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(email).build())
                .build();
    }

    @Test
    void aDecodeOnlyCharsetDoesNotLetAThrowAwayAddressThrough() throws Exception {
        try (TestServer server = new TestServer(filter(), new Probe74aDeclaredCharsetTest.JsonSignUp())) {
            for (String charset : List.of("x-JISAutoDetect", "JISAutoDetect")) {
                HttpResponse<String> response = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(server.uri("/signup"))
                                        .header("Content-Type", "application/json; charset=" + charset)
                                        .POST(HttpRequest.BodyPublishers.ofByteArray(
                                                "{\"email\":\"bot@yopmail.com\"}".getBytes(StandardCharsets.UTF_8)))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                assertThat(response.statusCode())
                        .as(charset + ": " + response.body())
                        .isNotEqualTo(201);
            }
        }
    }
}
