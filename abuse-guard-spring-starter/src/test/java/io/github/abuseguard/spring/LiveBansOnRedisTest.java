package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.redis.RedisStateStore;
import io.lettuce.core.RedisClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two instances of an application sharing one Redis, each with its own store and live bans. */
class LiveBansOnRedisTest {
    private static final String URI = "redis://127.0.0.1:6379";
    private final String prefix = "abuse-guard-test:" + UUID.randomUUID() + ":";
    private RedisStateStore firstStore;
    private RedisStateStore secondStore;

    @BeforeEach
    void start() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 6379), 1000);
        } catch (IOException e) {
            Assumptions.abort("Redis is not reachable at " + URI + ": " + e.getMessage());
        }
        firstStore = store();
        secondStore = store();
    }

    private RedisStateStore store() {
        return RedisStateStore.builder()
                .uri(URI)
                .keyPrefix(prefix)
                .commandTimeout(Duration.ofSeconds(5))
                .connectTimeout(Duration.ofSeconds(10)) // a fresh JVM's first handshake on a loaded machine
                .build();
    }

    @AfterEach
    void stop() {
        firstStore.close();
        secondStore.close();
        RedisClient client = RedisClient.create(URI);
        try (var connection = client.connect()) {
            List<String> keys = connection.sync().keys(prefix + "*");
            if (!keys.isEmpty()) {
                connection.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aBanSetOnOneInstanceIsHonouredAndListedOnTheOther() {
        LiveBans first = new LiveBans(firstStore, TimeSource.system());
        LiveBans second = new LiveBans(secondStore, TimeSource.system());

        first.ban("203.0.113.7", Duration.ofMinutes(10));
        first.ban("203.0.113.9", Duration.ofMinutes(1));

        Decision refused = second.check(
                GuardRequest.builder("GET", "/api/x").client("203.0.113.7").build());
        assertThat(refused.isDeny()).isTrue();
        assertThat(refused.retryAfter())
                .as("probe46d L5: the time the ban has left, where no Retry-After was sent")
                .isBetween(Duration.ofMinutes(9), Duration.ofMinutes(10));
        assertThat(second.active()).extracting(LiveBans.Ban::key).containsExactly("203.0.113.9", "203.0.113.7");

        second.lift("203.0.113.7");

        assertThat(first.active()).extracting(LiveBans.Ban::key).containsExactly("203.0.113.9");
    }
}
