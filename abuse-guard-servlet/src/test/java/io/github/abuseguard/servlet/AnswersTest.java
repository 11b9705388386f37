package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardEvent;
import io.github.abuseguard.GuardListener;
import io.github.abuseguard.GuardRequest;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The answers beyond a plain refusal: decoy and tarpit. */
class AnswersTest {

    /** Denies every request under /trap with the given action. */
    private static Guard trap(Action action) {
        return new Guard() {
            @Override
            public String name() {
                return "trap";
            }

            @Override
            public Decision check(GuardRequest request) {
                if (!request.path().startsWith("/trap")) {
                    return Decision.allow();
                }
                return Decision.deny(action)
                        .guard("trap")
                        .reason("clone-site")
                        .decoy("images")
                        .build();
            }
        };
    }

    @Test
    void aDecoyedClientGetsTheConfiguredFakeSuccessAndTheDenialIsRecorded() throws Exception {
        List<GuardEvent> events = new CopyOnWriteArrayList<>();
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder()
                        .guard(trap(Action.DECOY))
                        .listener(new GuardListener() {
                            @Override
                            public void onEvent(GuardEvent event) {
                                events.add(event);
                            }
                        })
                        .build())
                .decoy("images", new DecoyResponse(200, "application/json", "{\"id\":\"${uuid}\",\"url\":\"${path}\"}"))
                .build();
        try (TestServer server = new TestServer(filter)) {
            HttpResponse<String> decoy = server.get("/trap/images/7");

            assertThat(decoy.statusCode()).isEqualTo(200);
            assertThat(decoy.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(decoy.body()).matches("\\{\"id\":\"[0-9a-f-]{36}\",\"url\":\"/trap/images/7\"}");
            assertThat(decoy.body()).doesNotContain("length="); // the application never ran
        }
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.kind()).isEqualTo(GuardEvent.Kind.DENY);
            assertThat(event.decision().action()).isEqualTo(Action.DECOY);
        });
    }

    @Test
    void twoHundredTarpittedRequestsHoldNoRequestThreadAndANormalRequestIsAnsweredMeanwhile() throws Exception {
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(trap(Action.TARPIT)).build())
                .tarpit(Duration.ofSeconds(3), false, 500)
                .build();
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (TestServer server = new TestServer(filter, 24)) {
            List<CompletableFuture<HttpResponse<String>>> trapped = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                trapped.add(client.sendAsync(
                        HttpRequest.newBuilder(server.uri("/trap/" + i)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            HttpResponse<String> normal = server.get("/api/normal");
            long normalMillis = (System.nanoTime() - start) / 1_000_000;

            assertThat(normal.statusCode()).isEqualTo(200);
            assertThat(normalMillis).as("a normal request waits for no tarpit").isLessThan(2_500);
            for (CompletableFuture<HttpResponse<String>> future : trapped) {
                HttpResponse<String> response = future.join();
                assertThat(response.statusCode()).isEqualTo(403);
                assertThat(response.body()).contains("\"reason\":\"clone-site\"");
            }
            long allMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(allMillis)
                    .as("held for the delay, not queued behind each other")
                    .isBetween(2_900L, 20_000L);
        }
    }

    @Test
    void aFullTarpitRefusesAtOnceAndAPassingTarpitLetsTheApplicationAnswerWithTheBody() throws Exception {
        List<GuardEvent> denials = new CopyOnWriteArrayList<>();
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder()
                        .guard(trap(Action.TARPIT))
                        .listener(new GuardListener() {
                            @Override
                            public void onEvent(GuardEvent event) {
                                denials.add(event);
                            }
                        })
                        .build())
                .tarpit(Duration.ofSeconds(2), true, 1)
                .build();
        HttpClient client = HttpClient.newHttpClient();
        try (TestServer server = new TestServer(filter)) {
            CompletableFuture<HttpResponse<String>> first = client.sendAsync(
                    HttpRequest.newBuilder(server.uri("/trap/upload"))
                            .POST(HttpRequest.BodyPublishers.ofString("payload"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (denials.isEmpty() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
            }

            HttpResponse<String> overflow = server.get("/trap/again");
            HttpResponse<String> passed = first.join();

            assertThat(overflow.statusCode())
                    .as("refused at once: the tarpit holds one")
                    .isEqualTo(403);
            assertThat(passed.statusCode()).isEqualTo(200);
            assertThat(passed.body()).startsWith("length=7 ");
        }
    }
}
