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
 * probe79b F2 (Jetty): on a route whose e-mail rule reads a form, the filter's {@link CachedBodyRequest} parses the
 * form itself and hands the application its own parameters. Jetty 12 refuses a UTF-8 form with bytes that are no
 * UTF-8 ({@code BadMessageException: 400: Unable to parse form content}); the wrapper decodes them as U+FFFD and the
 * application gets {@code ann\uFFFDx@gmail.com}, a value its container never gives it (and {@code %FF}, {@code %FE},
 * {@code %C3} all become the same one). Turning a rule on changes what the application receives (as probe47c F1).
 */
class Probe79bUndecodableFormTest {

    /** Tells the parameters it got, or the container's refusal. */
    static final class Parameters extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String seen;
            try {
                seen = String.join(",", request.getParameterValues("email"));
            } catch (RuntimeException refused) {
                seen = "refused by the container: " + refused.getClass().getSimpleName();
            }
            response.setStatus(200);
            response.setContentType("text/plain;charset=UTF-8");
            response.getWriter().write(seen);
        }
    }

    private static AbuseGuardFilter filter() {
        DisposableEmailGuard email = DisposableEmailGuard.of(
                DisposableDomains.bundled(),
                List.of(EmailRule.builder("signup").path("/signup").build()));
        return AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(email).build())
                .build();
    }

    private static HttpResponse<String> post(TestServer server, String path, String form) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(server.uri(path))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(
                                        form.getBytes(StandardCharsets.ISO_8859_1)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void aFormJettyRefusesDoesNotReachTheApplicationWithReplacedBytes() throws Exception {
        try (TestServer server = new TestServer(filter(), new Parameters())) {
            for (String form :
                    List.of("email=ann%FFx@gmail.com", "email=ann%C3x@gmail.com", "email=ann\u00FFx@gmail.com")) {
                HttpResponse<String> plain = post(server, "/other", form);
                HttpResponse<String> guarded = post(server, "/signup", form);
                assertThat(plain.body()).as("control, unguarded: " + form).startsWith("refused by the container");
                assertThat(guarded.statusCode() == 400 || guarded.body().equals(plain.body()))
                        .as("guarded " + form + ": " + guarded.statusCode() + " "
                                + guarded.body().replace("\uFFFD", "<U+FFFD>"))
                        .isTrue();
            }
        }
    }
}
