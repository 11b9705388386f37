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
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * review133 F4: bfc77193 compares each form value read the guard's way (split on the bytes {@code &} and {@code =},
 * then decoded) with the way Spring's {@code FormHttpMessageConverter} reads it, but the converter decodes the
 * <em>whole body</em> in the declared charset before it splits it. In EUC-JP, Big5-HKSCS, x-EUC-TW or ISO-2022-JP a
 * stray lead byte takes the {@code &} after it into one malformed sequence: {@code email=x<0x80>&y=bot@yopmail.com} is
 * two fields to the guard ({@code email} = {@code x\uFFFD}, {@code y} = the address, which no rule reads) and one to
 * the converter ({@code email} = {@code x\uFFFDy=bot@yopmail.com}, an address at the throw-away domain that Hibernate's
 * {@code @Email}, whose local part takes any character from U+0080, accepts). Every PUT, PATCH and DELETE form goes
 * through that converter behind {@code FormContentFilter}.
 */
class Review133FormSplitTest {

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
            boolean throwAway = email != null && email.endsWith("@yopmail.com");
            response.setStatus(throwAway ? 200 : 400);
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
    void aLeadByteBeforeTheAmpersandDoesNotJoinAThrowAwayAddressToTheField() throws Exception {
        try (TestServer server = new TestServer(filter(), new ChangeEmail())) {
            Map<String, String> signedUp = new TreeMap<>();
            for (String charset : List.of("EUC-JP", "Big5-HKSCS", "x-EUC-TW", "ISO-2022-JP")) {
                HttpResponse<String> response = send(
                        server, charset, charset.startsWith("ISO") ? 0x1B : charset.equals("x-EUC-TW") ? 0x8E : 0x80);
                if (response.statusCode() == 200) {
                    signedUp.put(charset, response.body());
                }
            }
            assertThat(signedUp)
                    .as("the converter bound a throw-away address the guard never read")
                    .isEmpty();
        }
    }

    private static HttpResponse<String> send(TestServer server, String charset, int leadByte) throws Exception {
        ByteArrayOutputStream form = new ByteArrayOutputStream();
        form.writeBytes("email=x".getBytes(StandardCharsets.US_ASCII));
        form.write(leadByte);
        form.writeBytes("&y=bot@yopmail.com".getBytes(StandardCharsets.US_ASCII));
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(server.uri("/me"))
                                .header("Content-Type", "application/x-www-form-urlencoded; charset=" + charset)
                                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(form.toByteArray()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
