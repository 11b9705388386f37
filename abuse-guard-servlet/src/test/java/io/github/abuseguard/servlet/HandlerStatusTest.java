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
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * probe24 F4 and F6 through the filter on a real Jetty: the outcome of a once-only step is the status the
 * handler meant where something reports it ({@link HandlerStatus}), a 406 never withdraws the step's
 * reservation, and a HEAD (answered by the GET handler) is the GET step.
 */
class HandlerStatusTest {
    private final AtomicInteger redeemed = new AtomicInteger();
    private final AtomicInteger revealed = new AtomicInteger();

    private static PrecedenceRule once(String name, String operation) {
        return new PrecedenceRule(
                name, PrecedenceRule.Kind.FORBIDS, operation, operation, 2, Duration.ofHours(1), Duration.ZERO, "test");
    }

    private AbuseGuardFilter filter() {
        LocalStateStore store = LocalStateStore.builder().build();
        SequenceGuard sequence = SequenceGuard.builder()
                .trails(store.trails("sequence", 20, Duration.ofMinutes(30)))
                .inventory(EndpointInventory.withDefaults(io.github.abuseguard.TimeSource.system()))
                .rule(once("redeem-once", "POST /redeem"))
                .rule(once("reveal-once", "GET /reveal"))
                .build();
        return AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(sequence).build())
                .build();
    }

    /**
     * The application: {@code POST /redeem} does its work, reports the status it meant when asked to
     * ({@code X-Report}), then answers what {@code X-Then} names, as a framework would after the handler
     * (406 for the client's Accept, 500 for a value it cannot write); {@code GET /reveal} counts its runs,
     * HEAD included (HttpServlet answers HEAD with doGet).
     */
    private final class Application extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            redeemed.incrementAndGet();
            HandlerStatus awaiting = HandlerStatus.of(request);
            if (awaiting != null && request.getHeader("X-Report") != null) {
                awaiting.returned(Integer.parseInt(request.getHeader("X-Report")));
            }
            String then = request.getHeader("X-Then");
            response.setStatus(then == null ? 200 : Integer.parseInt(then));
            response.getWriter().print("awaiting=" + (awaiting != null));
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            revealed.incrementAndGet();
            response.setContentType("text/plain");
            response.getWriter().print("the secret");
        }
    }

    private static HttpResponse<String> redeem(TestServer server, String session, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri("/redeem"))
                .header("Authorization", "Bearer " + session)
                .POST(HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return server.send(request);
    }

    private static HttpResponse<String> reveal(TestServer server, String method, String session) throws Exception {
        return server.send(HttpRequest.newBuilder(server.uri("/reveal"))
                .header("Authorization", "Bearer " + session)
                .method(method, HttpRequest.BodyPublishers.noBody()));
    }

    @Test
    void aOnceOnlyStepAnswered406IsTakenWhetherOrNotTheHandlersStatusIsReported() throws Exception {
        try (TestServer server = new TestServer(filter(), new Application())) {
            HttpResponse<String> unreported = redeem(server, "plain", "X-Then", "406");
            assertThat(unreported.statusCode()).isEqualTo(406);
            assertThat(unreported.body())
                    .as("a reservation asks for the handler's status")
                    .isEqualTo("awaiting=true");
            assertThat(redeem(server, "plain", "X-Then", "406").statusCode())
                    .as("a 406 never withdraws the reservation")
                    .isEqualTo(403);

            assertThat(redeem(server, "spring", "X-Report", "200", "X-Then", "406")
                            .statusCode())
                    .isEqualTo(406);
            assertThat(redeem(server, "spring", "X-Then", "406").statusCode()).isEqualTo(403);
            assertThat(redeemed.get()).as("one run per session").isEqualTo(2);
        }
    }

    @Test
    void aServerErrorAfterTheHandlerReturnedNormallyIsTheHandlersSuccess() throws Exception {
        try (TestServer server = new TestServer(filter(), new Application())) {
            assertThat(redeem(server, "serialised", "X-Report", "200", "X-Then", "500")
                            .statusCode())
                    .isEqualTo(500);
            assertThat(redeem(server, "serialised").statusCode())
                    .as("the handler did its work: the step is taken")
                    .isEqualTo(403);

            assertThat(redeem(server, "broken", "X-Then", "500").statusCode()).isEqualTo(500);
            assertThat(redeem(server, "broken").statusCode())
                    .as("a server error nobody says the handler got past may be retried")
                    .isEqualTo(200);
        }
    }

    @Test
    void aStatusTheResponseEndsWithOtherThan304406Or5xxIsTheOutcomeAsWritten() throws Exception {
        try (TestServer server = new TestServer(filter(), new Application())) {
            // a handler that returned a body an advice then answered with 401: that refusal is the outcome
            assertThat(redeem(server, "advised", "X-Report", "200", "X-Then", "401")
                            .statusCode())
                    .isEqualTo(401);
            assertThat(redeem(server, "advised").statusCode())
                    .as("the refused step may be retried")
                    .isEqualTo(200);
        }
    }

    @Test
    void aHeadIsTheGetStepOfAOnceOnlyGetInBothOrders() throws Exception {
        try (TestServer server = new TestServer(filter(), new Application())) {
            assertThat(reveal(server, "GET", "first-get").statusCode()).isEqualTo(200);
            assertThat(reveal(server, "HEAD", "first-get").statusCode()).isEqualTo(403);

            HttpResponse<String> head = reveal(server, "HEAD", "first-head");
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.headers().firstValue("Content-Length"))
                    .as("the GET handler ran")
                    .hasValue("10");
            assertThat(reveal(server, "GET", "first-head").statusCode()).isEqualTo(403);
            assertThat(reveal(server, "HEAD", "first-head").statusCode()).isEqualTo(403);

            assertThat(revealed.get()).as("one run per session").isEqualTo(2);
        }
    }
}
