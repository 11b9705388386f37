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
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * review132 F2: a form in a multi-byte charset, its lead byte percent-encoded before a literal {@code @}. The guard
 * decodes the escapes to bytes, then the bytes in the charset, as a container's {@code getParameter} does ({@code
 * bot%81@yopmail.com}: {@code bot丂yopmail.com} in GBK, no address). Spring's {@code FormContentFilter} (every PUT,
 * PATCH and DELETE form) reads the body with {@code FormHttpMessageConverter}, which decodes each pair with {@link
 * URLDecoder}, one run of escapes at a time: {@code bot\uFFFD@yopmail.com}, an address at the throw-away domain.
 */
class Review132FormEscapeTest {

    /** A PATCH of the e-mail address, its form read as Spring's {@code FormHttpMessageConverter} reads one. */
    static final class ChangeEmail extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            Charset charset = Charset.forName(request.getCharacterEncoding());
            String body = new String(request.getInputStream().readAllBytes(), charset);
            String email = null;
            for (String pair : body.split("&")) {
                int equals = pair.indexOf('=');
                if (equals > 0
                        && URLDecoder.decode(pair.substring(0, equals), charset).equals("email")) {
                    email = URLDecoder.decode(pair.substring(equals + 1), charset);
                }
            }
            boolean address = email != null && email.indexOf('@') > 0;
            response.setStatus(address ? 200 : 400);
            response.setContentType("text/plain;charset=UTF-8");
            response.getWriter().write("e-mail now " + email);
        }
    }

    private static AbuseGuardFilter filter() {
        DisposableEmailGuard email = DisposableEmailGuard.of(
                DisposableDomains.bundled(),
                List.of(EmailRule.builder("change-email").path("/me").build()));
        return AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(email).build())
                .build();
    }

    @Test
    void aPercentEncodedLeadByteBeforeALiteralAtDoesNotHideAThrowAwayAddress() throws Exception {
        try (TestServer server = new TestServer(filter(), new ChangeEmail())) {
            assertThat(send(server, "UTF-8", "email=bot@yopmail.com").statusCode())
                    .as("the plain throw-away address")
                    .isEqualTo(422);
            for (String charset : List.of("GBK", "GB18030", "Shift_JIS", "windows-31j")) {
                HttpResponse<String> response = send(server, charset, "email=bot%81@yopmail.com");
                assertThat(response.statusCode())
                        .as(charset + ": " + response.body())
                        .isNotEqualTo(200);
            }
        }
    }

    private static HttpResponse<String> send(TestServer server, String charset, String form) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(server.uri("/me"))
                                .header("Content-Type", "application/x-www-form-urlencoded; charset=" + charset)
                                .method(
                                        "PATCH",
                                        HttpRequest.BodyPublishers.ofByteArray(
                                                form.getBytes(StandardCharsets.US_ASCII)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
