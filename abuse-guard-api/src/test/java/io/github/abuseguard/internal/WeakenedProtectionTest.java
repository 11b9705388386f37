package io.github.abuseguard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The shared start-up warnings' path coverage: an exempt pattern covers a rule only when it matches every path. */
class WeakenedProtectionTest {

    @Test
    void anExemptPatternCoversARuleOnlyWhenItMatchesEveryPathOfIt() {
        assertThat(WeakenedProtection.covers("/**", "/api/{id}")).isTrue();
        assertThat(WeakenedProtection.covers("/api/**", "/api/**")).isTrue();
        assertThat(WeakenedProtection.covers("/api/**", "/api/login")).isTrue();
        assertThat(WeakenedProtection.covers("/api/*", "/api/{id}")).isTrue();
        assertThat(WeakenedProtection.covers("/api/**", "/apiary/login")).isFalse();
        assertThat(WeakenedProtection.covers("/api/login", "/api/{id}")).isFalse();
        assertThat(WeakenedProtection.covers("/api/*/x/**", "/api/a/x/y")).isFalse();
        assertThat(WeakenedProtection.coveringPattern(List.of("/health", "/api/**"), "/api/a"))
                .isEqualTo("/api/**");
    }
}
