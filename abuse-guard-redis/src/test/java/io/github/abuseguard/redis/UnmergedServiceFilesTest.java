package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.internal.SettingsBinder;
import org.junit.jupiter.api.Test;

/**
 * user76 F1: a fat jar built with the shade plugin and a main class only keeps one module's {@code META-INF/services}
 * list; the Redis module's settings section is then unknown, and start-up said to add {@code abuse-guard-redis}, which
 * was in the jar. With the module's classes on the class path, the error now names the service files.
 */
class UnmergedServiceFilesTest {

    @Test
    void aRedisSettingWhoseSectionIsNotListedNamesTheServiceFilesNotTheDependency() {
        InvalidSettingException refused =
                SettingsBinder.missingModule("abuse-guard.store.redis.uri", "store.redis.uri");

        assertThat(refused).isNotNull();
        assertThat(refused.getMessage())
                .contains("abuse-guard.store.redis.uri")
                .contains("ServicesResourceTransformer")
                .doesNotContain("add the dependency");
    }
}
