package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.InvalidSettingException;
import io.lettuce.core.RedisURI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Redis settings that cannot work fail when the store is built, naming the property. */
class RedisSettingsTest {

    @Test
    void anEmptyKeyPrefixFailsNamingIt() {
        // keys without a prefix share the name space of every other application on the same Redis
        AbuseGuardSettings settings = AbuseGuardSettings.bind(Map.of("abuse-guard.store.redis.key-prefix", ""));
        assertThatThrownBy(() -> RedisStateStoreProvider.create(
                        settings, TimeSource.system(), null, RedisURI.create("redis://127.0.0.1:1")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("abuse-guard.store.redis.key-prefix:");
    }
}
