package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.redis.RedisStateStoreProvider;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.store.StateStore;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** probe30 F1: a key secret that differs from the other instances' shows in a counter, not only in the log. */
class KeySecretMismatchMetricTest {
    private static final String URI = "redis://127.0.0.1:6379";
    private final String prefix = "abuse-guard-test:" + UUID.randomUUID() + ":";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AbuseGuardStoreHealthAutoConfiguration.class))
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new);

    @AfterEach
    void removeKeys() {
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
    void anInstanceThatFindsAnotherKeySecretCountsItAndStaysUp() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 6379), 1000);
        } catch (IOException e) {
            Assumptions.abort("Redis is not reachable at " + URI + ": " + e.getMessage());
        }
        try (ResilientStateStore first = store("first-secret-of-16-chars");
                ResilientStateStore same = store("first-secret-of-16-chars");
                ResilientStateStore other = store("second-secret-of-16-chars")) {
            runner.withBean(StateStore.class, () -> same)
                    .run(context -> assertThat(context.getBean(MeterRegistry.class)
                                    .get("abuseguard.store.key.secret.mismatches")
                                    .functionCounter()
                                    .count())
                            .as("the same secret as the instance before")
                            .isZero());
            runner.withBean(StateStore.class, () -> other).run(context -> {
                assertThat(context.getBean(MeterRegistry.class)
                                .get("abuseguard.store.key.secret.mismatches")
                                .functionCounter()
                                .count())
                        .isEqualTo(1.0);
                assertThat(context.getBean(MeterRegistry.class)
                                .get("abuseguard.store.available")
                                .gauge()
                                .value())
                        .isEqualTo(1.0);
            });
        }
    }

    private ResilientStateStore store(String secret) {
        AbuseGuardSettings settings = AbuseGuardSettings.bind(Map.of(
                "abuse-guard.store.type", "redis",
                "abuse-guard.store.redis.connect-timeout", "10s",
                "abuse-guard.store.redis.timeout", "2s",
                "abuse-guard.store.redis.key-prefix", prefix,
                "abuse-guard.store.redis.key-secret", secret));
        return RedisStateStoreProvider.create(settings, TimeSource.system(), URI);
    }
}
