package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.email.DisposableDomains;
import io.github.abuseguard.email.DisposableEmailGuard;
import io.github.abuseguard.email.EmailRule;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * review131 F2: probe74a F2 again, past the two-way reading. The byte reading's refusal is skipped when it is
 * malformed; a second root value after the object, valid GBK and malformed UTF-8, makes it so, while the servlet
 * (Jackson on {@code getInputStream()}, reading one value) never reads that far.
 */
class Review131TrailingValueCharsetTest {

    private static AbuseGuardFilter filter() {
        DisposableEmailGuard email = DisposableEmailGuard.of(
                DisposableDomains.bundled(),
                List.of(EmailRule.builder("signup").path("/signup").build()));
        return AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(email).build())
                .build();
    }

    @Test
    void aTrailingValueMalformedAsUtf8DoesNotHideTheAtOfAThrowAwayAddress() throws Exception {
        try (TestServer server = new TestServer(filter(), new Probe74aDeclaredCharsetTest.JsonSignUp())) {
            for (String charset : List.of("GBK", "GB18030", "Shift_JIS", "windows-31j")) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                bytes.write("{\"email\":\"bot\u4E01@yopmail.com\"}".getBytes(StandardCharsets.UTF_8));
                // a second root value: a two-byte character in each of these charsets, malformed UTF-8
                bytes.write(new byte[] {' ', '"', (byte) 0x81, 0x40, '"'});
                HttpResponse<String> response = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(server.uri("/signup"))
                                        .header("Content-Type", "application/json; charset=" + charset)
                                        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes.toByteArray()))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                assertThat(response.statusCode())
                        .as(charset + ": " + response.body())
                        .isNotEqualTo(201);
            }
        }
    }
}
