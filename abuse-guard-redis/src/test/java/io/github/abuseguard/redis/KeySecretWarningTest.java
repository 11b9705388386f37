package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import io.github.abuseguard.testing.StandardError;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * user76 F3: README's Redis settings had no {@code key-secret}, and nothing said what that costs: a key's plain SHA-256
 * ({@code 127.0.0.1|alice}) names whose account is locked out to anyone who reads Redis. Start-up now WARNs.
 */
class KeySecretWarningTest {
    private final String prefix = "key-secret-warning:" + UUID.randomUUID() + ":";

    private String startUp(String keySecret) throws Exception {
        Map<String, String> properties =
                new HashMap<>(Map.of("abuse-guard.store.type", "redis", "abuse-guard.store.redis.key-prefix", prefix));
        if (keySecret != null) {
            properties.put("abuse-guard.store.redis.key-secret", keySecret);
        }
        return StandardError.printedBy(() -> {
            try (ResilientStateStore store = RedisStateStoreProvider.create(
                    AbuseGuardSettings.bind(properties), new FakeTimeSource(), RedisAvailability.requireRedis())) {
                assertThat(store).isNotNull();
            }
        });
    }

    private static long keySecretWarnings(String printed) {
        return printed.lines()
                .filter(line -> line.contains("WARN") && line.contains("key-secret is not set"))
                .count();
    }

    @Test
    void aStoreWithoutAKeySecretIsWarnedOf() throws Exception {
        String printed = startUp(null);
        assertThat(keySecretWarnings(printed)).as(printed).isEqualTo(1);
        assertThat(printed).contains("abuse-guard.store.redis.key-secret is not set");
    }

    @Test
    void aStoreWithAKeySecretIsQuiet() throws Exception {
        assertThat(keySecretWarnings(startUp("a secret of sixteen bytes or more")))
                .isZero();
    }
}
