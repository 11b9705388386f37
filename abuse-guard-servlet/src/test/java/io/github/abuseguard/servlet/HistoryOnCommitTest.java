package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.failure.UnderAttack;
import io.github.abuseguard.store.Histories;
import io.github.abuseguard.store.LocalStateStore;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.LifecycleException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On a real Tomcat, a client's history (which exempts it from the under-attack mode's refusal of fresh
 * clients) is written no later than its successful answer is committed: the application below sends its
 * answer and then keeps the request open until the test has received it, so a history written only after
 * the filter chain returns would not be there when the client fires its next request.
 */
class HistoryOnCommitTest {
    private static final String CLIENT = "127.0.0.1";
    private static final long BOUND_SECONDS = 30;

    private TestTomcat tomcat;
    private final HttpClient client = HttpClient.newHttpClient();
    private final LocalStateStore store =
            LocalStateStore.builder().maximumKeys(1_000).build();
    private final Histories history = store.histories("failure:history", FailureGuard.DEFAULT_HISTORY_TTL);
    private final ConcurrentLinkedQueue<String> responseTypes = new ConcurrentLinkedQueue<>();
    private volatile CountDownLatch received = new CountDownLatch(1);
    private AbuseGuard engine;

    @BeforeEach
    void start() throws Exception {
        UnderAttack underAttack = freshClientsRefused();
        FailureGuard guard = FailureGuard.builder()
                .store(store)
                .rule(FailureRule.builder("app")
                        .path("/app/**")
                        .maxRetry(1_000)
                        .underAttack(underAttack)
                        .build())
                .build();
        engine = AbuseGuard.builder().guard(guard).build();
        AbuseGuardFilter filter = AbuseGuardFilter.builder().engine(engine).build();

        tomcat = new TestTomcat().filter("guard", filter).servlet("app", "/*", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                // taken before the answer is sent: the test replaces the latch once it has the answer
                CountDownLatch held = received;
                responseTypes.add(response.getClass().getSimpleName());
                String outcome = request.getParameter("status");
                int status = outcome == null ? 200 : Integer.parseInt(outcome);
                byte[] body = ("answered " + status).getBytes(StandardCharsets.UTF_8);
                response.setStatus(status);
                response.setContentType("text/plain;charset=UTF-8");
                if (request.getParameter("fail") != null) {
                    response.getOutputStream().write(body); // only buffered: the container answers 500
                    throw new IllegalStateException("the application failed after writing");
                }
                response.setContentLength(body.length);
                response.getOutputStream().write(body);
                response.getOutputStream().flush(); // what Spring's message converters do
                try {
                    // the client has the answer now; the exchange is held open until it has looked
                    held.await(BOUND_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        tomcat.start();
    }

    /** An under-attack mode that refuses clients without a history, and nothing else. */
    static UnderAttack freshClientsRefused() {
        return freshClientsAnswered(Action.REJECT);
    }

    /** An under-attack mode that answers clients without a history with {@code action}, and nothing else. */
    static UnderAttack freshClientsAnswered(Action action) {
        return new UnderAttack(
                Duration.ofSeconds(10),
                5.0,
                20,
                0.2,
                Duration.ofMinutes(2),
                action,
                EnumSet.of(UnderAttack.Signal.FRESH_CLIENT),
                null);
    }

    @AfterEach
    void stop() throws LifecycleException {
        received.countDown();
        tomcat.close();
        engine.close();
    }

    private HttpResponse<String> send(String pathAndQuery) throws Exception {
        CompletableFuture<HttpResponse<String>> answer = client.sendAsync(
                HttpRequest.newBuilder(tomcat.uri(pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
        return answer.get(BOUND_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void aClientHasItsHistoryTheMomentItReceivesItsFirstSuccessfulAnswer() throws Exception {
        HttpResponse<String> page = send("/app/page");

        assertThat(page.body()).isEqualTo("answered 200");
        assertThat(history.has(CLIENT))
                .as("the history is there while the exchange is still open")
                .isTrue();
        received.countDown();
    }

    @Test
    void aFailedAnswerEarnsNoHistoryEvenWhenItIsCommittedEarly() throws Exception {
        HttpResponse<String> denied = send("/app/login?status=401");

        assertThat(denied.statusCode()).isEqualTo(401);
        assertThat(history.has(CLIENT)).isFalse();
        received.countDown();
        received = new CountDownLatch(1);
        HttpResponse<String> redirected = send("/app/next?status=303");
        assertThat(redirected.statusCode()).isEqualTo(303);
        assertThat(history.has(CLIENT)).as("a redirect is a success").isTrue();
    }

    @Test
    void aSuccessStatusTheApplicationThenFailsEarnsNoHistory() throws Exception {
        HttpResponse<String> failed = send("/app/page?fail=1");

        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(history.has(CLIENT)).isFalse();
    }

    @Test
    void aClientWithItsHistoryCostsNoResponseWrapper() throws Exception {
        received.countDown();
        send("/app/page");
        send("/app/page");
        send("/app/page");

        assertThat(history.has(CLIENT)).isTrue();
        assertThat(responseTypes)
                .as("only the first exchange, of a client without history, watches for the commit")
                .containsExactly("HistoryOnCommit", "ResponseFacade", "ResponseFacade");
    }
}
