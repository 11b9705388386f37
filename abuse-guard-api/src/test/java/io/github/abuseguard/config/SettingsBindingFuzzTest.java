package io.github.abuseguard.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.abuseguard.internal.SettingsAssembler;
import io.github.abuseguard.internal.SettingsBinder;
import io.github.abuseguard.ratelimit.RateLimitGuardFactory;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.ratelimit.RateLimitSettings;
import io.github.abuseguard.testing.FakeTimeSource;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Binding and the file-free assembly steps on arbitrary properties. Input: lines {@code key=value};
 * keys get the {@code abuse-guard.} prefix unless they start with {@code !}. The only exception that
 * may escape is {@link InvalidSettingException}, naming an {@code abuse-guard} property.
 */
class SettingsBindingFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void anyPropertiesBindOrFailNamingTheProperty(byte[] input) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String line : new String(input, StandardCharsets.UTF_8).split("\n", 64)) {
            int equals = line.indexOf('=');
            String key = equals < 0 ? line : line.substring(0, equals);
            String value = equals < 0 ? null : line.substring(equals + 1);
            // Regular expressions are the operator's, trusted like code: quoted, they still reach the
            // assembly without Jazzer reporting every malformed one as an injection.
            String name = key.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
            String quoted = name.contains("pattern") && value != null ? Pattern.quote(value) : value;
            properties.put(key.startsWith("!") ? key.substring(1) : AbuseGuardSettings.PREFIX + "." + key, quoted);
        }
        try {
            AbuseGuardSettings settings = SettingsBinder.bind(properties);
            SettingsAssembler.engine(settings, new FakeTimeSource());
            SettingsAssembler.clientResolver(settings);
            SettingsAssembler.localStore(settings, new FakeTimeSource());
            rateLimitRules(settings);
            SettingsAssembler.guard(settings, "origin", context(settings));
            SettingsAssembler.guard(settings, "client-signals", context(settings));
        } catch (InvalidSettingException expected) {
            assertThat(expected.property()).startsWith(AbuseGuardSettings.PREFIX);
            assertThat(expected.getMessage()).startsWith(expected.property() + ":");
        }
    }

    private static List<RateLimitRule> rateLimitRules(AbuseGuardSettings settings) {
        return RateLimitGuardFactory.rules(settings.section(RateLimitSettings.class), PropertyPath.of("rate-limit"));
    }

    private static GuardContext context(AbuseGuardSettings settings) {
        return GuardContext.builder()
                .store(io.github.abuseguard.store.LocalStateStore.builder().build())
                .timeSource(io.github.abuseguard.TimeSource.system())
                .build();
    }
}
