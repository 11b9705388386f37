package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.discovery.EndpointInventory;
import io.github.abuseguard.sequence.PrecedenceRule;
import io.github.abuseguard.sequence.SequenceGuard;
import io.github.abuseguard.store.LocalStateStore;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * review127: a sequence step is now heard "at commit", but the filter's commit watcher settles before a writer's
 * characters that might fill the buffer, counting each as 4 bytes: a handler that writes 2,100 ASCII characters (2,100
 * bytes, a quarter of Tomcat's 8 KB buffer, nothing committed) and then fails is answered 500 by the container, yet the
 * step was recorded as the 200 it had set. Before the change the exception path told the sequence guard 500.
 */
class Review127StepAtCommitTest {

    private static final String WRITTEN = "x".repeat(2_100);

    private static PrecedenceRule rule(String name, PrecedenceRule.Kind kind, String operation, String prior) {
        return new PrecedenceRule(name, kind, operation, prior, 2, Duration.ofMinutes(30), Duration.ZERO, "test");
    }

    private static TestTomcat tomcat(SequenceGuard sequence) throws Exception {
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(sequence).build())
                .build();
        return new TestTomcat()
                .filter("guard", filter)
                .servlet("app", "/*", new HttpServlet() {
                    @Override
                    protected void service(HttpServletRequest request, HttpServletResponse response)
                            throws IOException {
                        response.setStatus(200);
                        response.setContentType("text/plain;charset=UTF-8");
                        if (request.getParameter("fail") != null) {
                            // a quarter of the buffer: nothing is committed, the container answers 500
                            response.getWriter().write(WRITTEN);
                            throw new IllegalStateException("the verify failed after writing part of its answer");
                        }
                        response.getWriter().write("ok");
                    }
                })
                .start();
    }

    private static SequenceGuard sequence(PrecedenceRule rule) {
        LocalStateStore store = LocalStateStore.builder().build();
        return SequenceGuard.builder()
                .trails(store.trails("sequence", 20, Duration.ofMinutes(30)))
                .inventory(EndpointInventory.withDefaults(io.github.abuseguard.TimeSource.system()))
                .rule(rule)
                .build();
    }

    private static int post(TestTomcat tomcat, String pathAndQuery) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(tomcat.uri(pathAndQuery))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    @Test
    void aVerifyAnswered500IsNoVerify() throws Exception {
        TestTomcat tomcat =
                tomcat(sequence(rule("card-after-verify", PrecedenceRule.Kind.REQUIRES, "POST /card", "POST /verify")));
        try {
            assertThat(post(tomcat, "/verify?fail")).as("the verify's answer").isEqualTo(500);
            assertThat(post(tomcat, "/card"))
                    .as("a card after a verify the client was answered 500 for")
                    .isEqualTo(403);
        } finally {
            tomcat.close();
        }
    }

    @Test
    void aOnceOnlyStepAnswered500MayBeTakenAgain() throws Exception {
        TestTomcat tomcat =
                tomcat(sequence(rule("redeem-once", PrecedenceRule.Kind.FORBIDS, "POST /redeem", "POST /redeem")));
        try {
            assertThat(post(tomcat, "/redeem?fail")).as("the redeem's answer").isEqualTo(500);
            assertThat(post(tomcat, "/redeem"))
                    .as("the user retries a redeem that failed with 500")
                    .isEqualTo(200);
        } finally {
            tomcat.close();
        }
    }
}
