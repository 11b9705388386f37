package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.config.InvalidSettingException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;

/**
 * cfgrest 6: {@code abuse-guard.store.redis.uri} in an application without {@code abuse-guard-redis} fails
 * start-up naming the dependency to add, not only as a key left unbound.
 */
class MissingModuleSettingsTest {

    private static MutablePropertySources properties(Map<String, Object> values) {
        MutablePropertySources sources = new MutablePropertySources();
        sources.addFirst(new MapPropertySource("application", values));
        return sources;
    }

    @Test
    void aRedisSettingWithoutTheRedisSectionNamesTheArtifact() {
        assertThatThrownBy(() -> SettingsSectionsBinder.refuseSettingsOfMissingModules(
                        ConfigurationPropertySources.from(
                                properties(Map.of("abuse-guard.store.redis.uri", "redis://cache:6379"))),
                        List.of(ConfigurationPropertyName.of("abuse-guard.rate-limit"))))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("abuse-guard.store.redis.uri: is a setting of abuse-guard.store.redis")
                .hasMessageContaining("abuse-guard-redis")
                // the starter's tests have the module's classes: its section unlisted is a fat jar's unmerged service
                // files (user76 F1); without the classes, the message asks for the dependency (the api's tests)
                .hasMessageContaining("META-INF/services");
    }

    @Test
    void aRedisSettingWithTheRedisSectionPresentIsBound() {
        assertThatCode(() -> SettingsSectionsBinder.refuseSettingsOfMissingModules(
                        ConfigurationPropertySources.from(
                                properties(Map.of("abuse-guard.store.redis.uri", "redis://cache:6379"))),
                        List.of(ConfigurationPropertyName.of("abuse-guard.store.redis"))))
                .doesNotThrowAnyException();
    }
}
