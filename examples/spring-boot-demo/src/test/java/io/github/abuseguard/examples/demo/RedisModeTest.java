package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The demo in Redis mode: one property, and the limits live in the local Redis. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RedisModeTest {

    private static final String REDIS = System.getenv().getOrDefault("ABUSE_GUARD_REDIS_URI", "redis://127.0.0.1:6379");
    private static final String PREFIX = "demo-test:" + UUID.randomUUID() + ":";

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry properties) {
        properties.add("abuse-guard.store.type", () -> "redis");
        properties.add("spring.security.user.name", () -> "ops");
        properties.add("spring.security.user.password", () -> "demo-tests-operator");
        properties.add("spring.security.user.roles", () -> "OPS");
        properties.add("abuse-guard.store.redis.uri", () -> REDIS);
        properties.add("abuse-guard.store.redis.key-prefix", () -> PREFIX);
        properties.add("abuse-guard.store.redis.connect-timeout", () -> "10s"); // first handshake under load
    }

    @LocalServerPort
    int port;

    @Test
    void theEleventhTransformIsThrottledFromSharedStateAndHealthShowsTheStore() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        int last = 0;
        for (int i = 0; i < 11; i++) {
            last = http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/transform"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "{\"email\":\"a@example.com\",\"image\":\"aGVsbG8=\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .statusCode();
        }
        assertThat(last).isEqualTo(429);
        try (RedisClient client = RedisClient.create(REDIS);
                StatefulRedisConnection<String, String> connection = client.connect()) {
            assertThat(connection.sync().keys(PREFIX + "*"))
                    .as("the bucket lives in Redis")
                    .isNotEmpty();
        }
        HttpResponse<String> health = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/ops"))
                        .header("Authorization", Operator.AUTHORIZATION)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.body())
                .contains(
                        "\"abuseGuardStore\":{\"details\":{\"outagePolicy\":\"local-fallback\",\"shared\":true},\"status\":\"UP\"}");
    }
}
