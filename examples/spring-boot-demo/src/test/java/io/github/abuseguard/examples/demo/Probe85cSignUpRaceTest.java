package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * probe85c (held): 24 sign-ups of one inbox, each spelt apart and from an allocation of its own, released at once,
 * open three accounts; 24 simultaneous e-mail changes of 24 accounts onto one inbox move three. Regression coverage:
 * the per-inbox limit is taken atomically, not read and then written.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "abuse-guard.client.trusted-proxies=127.0.0.1")
class Probe85cSignUpRaceTest {
    private static final int N = 24;

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    private HttpResponse<String> send(String method, String path, String type, String body, String client, String token)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-Forwarded-For", client)
                .header("Content-Type", type)
                .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<Integer> all(List<Future<Integer>> futures) throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> future : futures) {
            statuses.add(future.get());
        }
        return statuses;
    }

    @Test
    void simultaneousSpellingsOfOneInboxOpenThreeAccounts() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(N);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < N; i++) {
                int k = i;
                futures.add(pool.submit(() -> {
                    go.await();
                    return send(
                                    "POST",
                                    "/api/accounts",
                                    "application/json",
                                    "{\"email\":\"Race.Inbox+" + k + "@gmail.com\"}",
                                    "10." + (k + 1) + ".0.1",
                                    null)
                            .statusCode();
                }));
            }
            go.countDown();
            List<Integer> statuses = all(futures);
            assertThat(statuses.stream().filter(status -> status == 201))
                    .as(statuses.toString())
                    .hasSize(3);
            assertThat(statuses).containsOnly(201, 429);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void simultaneousChangesOntoOneInboxMoveThreeAccounts() throws Exception {
        List<String[]> accounts = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            HttpResponse<String> created = send(
                    "POST",
                    "/api/accounts",
                    "application/json",
                    "{\"email\":\"own" + i + ".probe85c@gmail.com\"}",
                    "10." + (i + 101) + ".1.1",
                    null);
            assertThat(created.statusCode()).isEqualTo(201);
            accounts.add(new String[] {
                created.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1"),
                created.body().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1")
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(N);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < N; i++) {
                String[] account = accounts.get(i);
                int k = i;
                futures.add(pool.submit(() -> {
                    go.await();
                    return send(
                                    "PUT",
                                    "/api/accounts/" + account[0] + "/email",
                                    "application/x-www-form-urlencoded",
                                    "email=moved.race%2B" + k + "%40gmail.com",
                                    "10." + (k + 101) + ".2.1",
                                    account[1])
                            .statusCode();
                }));
            }
            go.countDown();
            List<Integer> statuses = all(futures);
            assertThat(statuses.stream().filter(status -> status == 200))
                    .as(statuses.toString())
                    .hasSize(3);
            assertThat(statuses).containsOnly(200, 429);
        } finally {
            pool.shutdownNow();
        }
    }
}
