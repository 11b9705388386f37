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
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * review133 F1: a sign-up form posted by a browser in Shift_JIS or Big5. A browser percent-encodes the bytes of each
 * character except ASCII alphanumerics and {@code *-._} (WHATWG "percent-encode after encoding"), so a second byte
 * that is an ASCII letter stays literal: {@code テスト} is {@code %83e%83X%83g}, {@code 人} in Big5 {@code %A4H}. Since
 * bfc77193 the guard compares each value with {@link java.net.URLDecoder}'s run-by-run reading, which differs here, and
 * refuses the whole form as malformed.
 */
class Review133BrowserFormFilterTest {

    /** A sign-up that reads its parameters as a servlet does. */
    static final class SignUp extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setStatus(200);
            response.setContentType("text/plain;charset=UTF-8");
            response.getWriter().write(request.getParameter("name") + " " + request.getParameter("email"));
        }
    }

    private static AbuseGuardFilter filter() {
        DisposableEmailGuard email = DisposableEmailGuard.of(
                DisposableDomains.bundled(),
                List.of(EmailRule.builder("sign-up").path("/signup").build()));
        return AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(email).build())
                .build();
    }

    @Test
    void aBrowsersShiftJisOrBig5SignUpFormGoesThrough() throws Exception {
        try (TestServer server = new TestServer(filter(), new SignUp())) {
            HttpResponse<String> japanese = send(server, "Shift_JIS", "name=%83e%83X%83g&email=taro%40example.jp");
            assertThat(japanese.statusCode()).as(japanese.body()).isEqualTo(200);
            assertThat(japanese.body()).isEqualTo("テスト taro@example.jp");
            HttpResponse<String> chinese = send(server, "Big5", "name=%A4H%A4A&email=ren%40example.tw");
            assertThat(chinese.statusCode()).as(chinese.body()).isEqualTo(200);
            assertThat(chinese.body()).isEqualTo("人乙 ren@example.tw");
        }
    }

    private static HttpResponse<String> send(TestServer server, String charset, String form) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(server.uri("/signup"))
                                .header("Content-Type", "application/x-www-form-urlencoded; charset=" + charset)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(form.getBytes(StandardCharsets.US_ASCII)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
