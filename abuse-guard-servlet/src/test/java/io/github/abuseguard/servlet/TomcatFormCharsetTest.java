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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * probe47c F1, F2: on a real Tomcat a form on a route whose rule reads the body reaches the application with the
 * values Tomcat gives on a route no rule reads: its body in ISO-8859-1 when it names no charset (the guard
 * decoded UTF-8), its query string in UTF-8 whatever the body's charset (the guard decoded it in the body's).
 */
class TomcatFormCharsetTest {

    @Test
    void aGuardedFormHasTheParameterValuesTomcatGivesAnUnguardedOne() throws Exception {
        TestTomcat tomcat = new TestTomcat();
        tomcat.filter(
                "guard",
                AbuseGuardFilter.builder()
                        .engine(AbuseGuard.builder()
                                .guard(DisposableEmailGuard.of(
                                        DisposableDomains.bundled(),
                                        List.of(EmailRule.builder("signup")
                                                .path("/guarded")
                                                .build())))
                                .build())
                        .build());
        tomcat.servlet("app", "/*", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                StringBuilder seen = new StringBuilder();
                for (String name : List.of("n", "m", "q")) {
                    seen.append(name).append('=');
                    request.getParameter(name)
                            .chars()
                            .forEach(c -> seen.append(Integer.toHexString(c)).append(' '));
                    seen.append('\n');
                }
                response.getOutputStream().write(seen.toString().getBytes(StandardCharsets.US_ASCII));
            }
        });
        try (tomcat) {
            tomcat.start();
            HttpClient client = HttpClient.newHttpClient();
            for (String type : List.of(
                    "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=ISO-8859-1")) {
                String[] seen = new String[2];
                int i = 0;
                for (String path : List.of("/plain", "/guarded")) {
                    URI uri = tomcat.uri(path + "?q=caf%C3%A9");
                    HttpResponse<String> response = client.send(
                            HttpRequest.newBuilder(uri)
                                    .header("Content-Type", type)
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "email=ann@gmail.com&n=caf%E9&m=caf%C3%A9"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(response.statusCode()).isEqualTo(200);
                    seen[i++] = response.body();
                }
                assertThat(seen[1]).as(type).isEqualTo(seen[0]);
                assertThat(seen[0])
                        .as("Tomcat's own decoding: the body in ISO-8859-1, the query in UTF-8")
                        .contains("n=63 61 66 e9 \n")
                        .contains("m=63 61 66 c3 a9 \n")
                        .contains("q=63 61 66 e9 \n");
            }
        }
    }
}
