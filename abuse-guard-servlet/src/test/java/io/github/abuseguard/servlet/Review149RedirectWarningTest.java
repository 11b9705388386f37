package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.StandardError;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * review149 F4: a plain servlet's form login that does what README and the WARN itself ask (reports a wrong password
 * with {@code HandlerStatus.of(request).decided(401)} before its {@code 302 /login.html?error}) and answers a right one
 * with {@code 302 /}, as every form login does, is told after 20 right sign-ins that came before the first wrong one
 * (a start, a quiet site) that "a sign-in that answers a wrong password with a redirect counts no failure": the
 * heuristic counts the successes' redirects, and the WARN tells the operator to change a set-up that is right.
 */
class Review149RedirectWarningTest {

    /** Reports a wrong password as README says, and redirects either way. */
    private static final class Login extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if ("right".equals(request.getParameter("password"))) {
                response.sendRedirect("/");
                return;
            }
            HandlerStatus status = HandlerStatus.of(request);
            if (status != null) {
                status.decided(401);
            }
            response.sendRedirect("/login.html?error");
        }
    }

    @Test
    void rightSignInsOfALoginThatReportsItsFailuresAreNotTakenForUncountedFailures() throws Exception {
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder()
                        .guard(FailureGuard.builder()
                                .store(LocalStateStore.builder().build())
                                .rule(FailureRule.builder("login")
                                        .path("/login")
                                        .methods("POST")
                                        .statuses("401")
                                        .key("ip")
                                        .maxRetry(5)
                                        .build())
                                .build())
                        .build())
                .build();
        HttpClient client = HttpClient.newHttpClient(); // follows no redirect
        try (TestServer server = new TestServer(filter, new Login())) {
            String printed = StandardError.printedBy(() -> {
                for (int i = 1; i <= 25; i++) {
                    HttpResponse<String> right = client.send(
                            HttpRequest.newBuilder(server.uri("/login"))
                                    .header("Content-Type", "application/x-www-form-urlencoded")
                                    .POST(HttpRequest.BodyPublishers.ofString("username=u" + i + "&password=right"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(right.statusCode()).isEqualTo(302);
                }
            });
            // and the set-up is right: wrong passwords are counted, the sixth refused
            int last = 0;
            for (int i = 1; i <= 6; i++) {
                last = client.send(
                                HttpRequest.newBuilder(server.uri("/login"))
                                        .header("Content-Type", "application/x-www-form-urlencoded")
                                        .POST(HttpRequest.BodyPublishers.ofString("username=alice&password=guess"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode();
            }
            assertThat(last).as("the sixth wrong password").isEqualTo(429);
            assertThat(printed.lines().filter(line -> line.contains("failure rule 'login' heard")))
                    .as(printed)
                    .isEmpty();
        }
    }
}
