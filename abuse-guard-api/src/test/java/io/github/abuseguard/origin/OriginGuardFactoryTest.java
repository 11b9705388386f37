package io.github.abuseguard.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.config.PropertyPath;
import io.github.abuseguard.internal.SettingsAssembler;
import io.github.abuseguard.internal.SettingsBinder;
import io.github.abuseguard.store.LocalStateStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code abuse-guard.origin.own-origins}: the application's public origins, bound, checked and warned about. */
class OriginGuardFactoryTest {

    private static final String RULE = "abuse-guard.origin.rules.api.paths";

    private static Guard originGuard(Map<String, String> properties) {
        return SettingsAssembler.guard(
                SettingsBinder.bind(properties),
                OriginGuardFactory.NAME,
                GuardContext.builder()
                        .store(LocalStateStore.builder().build())
                        .timeSource(TimeSource.system())
                        .build());
    }

    /** A clone's proxy that forwards its own {@code Host} and {@code Origin} (probe 5, F4). */
    private static GuardRequest cloneProxied() {
        return GuardRequest.builder("POST", "/api/transform")
                .targetOrigin("https://clone.example")
                .header("Origin", "https://clone.example")
                .header("Sec-Fetch-Site", "same-origin")
                .build();
    }

    @Test
    void namedOwnOriginsAreTheOwnOriginAndTheHostIsNotRead() {
        Guard guard = originGuard(Map.of(
                RULE, "/api/**", "abuse-guard.origin.own-origins", "https://shop.example, https://*.shop.example"));

        assertThat(guard.check(cloneProxied()).reason()).isEqualTo("origin-not-allowed");
        for (String own : List.of("https://shop.example", "https://www.shop.example")) {
            assertThat(guard.check(GuardRequest.builder("POST", "/api/transform")
                                    .targetOrigin("https://clone.example")
                                    .header("Origin", own)
                                    .build())
                            .isAllow())
                    .as(own)
                    .isTrue();
        }
        assertThat(guard.describe().state())
                .containsEntry("ownOrigins", List.of("https://shop.example", "https://*.shop.example"));
    }

    @Test
    void withoutThemTheOwnOriginIsTheHostTheClientSent() {
        Guard guard = originGuard(Map.of(RULE, "/api/**"));

        assertThat(guard.check(cloneProxied()).isAllow()).isTrue();
        assertThat(guard.describe().state()).doesNotContainKey("ownOrigins");
    }

    @Test
    void aMalformedOwnOriginFailsStartUpNamingItsIndex() {
        assertThatThrownBy(() -> originGuard(
                        Map.of(RULE, "/api/**", "abuse-guard.origin.own-origins", "https://shop.example,shop.example")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("abuse-guard.origin.own-origins[1]:")
                .hasMessageContaining("'shop.example' is not an origin");
    }

    /** probe46d F2: {@code https://*.com} let every .com site's pages spend the visitors' limits. */
    @Test
    void aWildcardOverATopLevelDomainFailsStartUpNamingItsIndex() {
        assertThatThrownBy(() -> originGuard(Map.of(
                        RULE, "/api/**", "abuse-guard.origin.own-origins", "https://shop.example,https://*.com")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("abuse-guard.origin.own-origins[1]:")
                .hasMessageContaining("every origin under the top-level domain .com");
        assertThat(originGuard(Map.of(RULE, "/api/**", "abuse-guard.origin.own-origins", "https://*.github.io"))
                        .check(cloneProxied())
                        .isDeny())
                .as("a shared suffix is a warning, and is applied as written")
                .isTrue();
    }

    /** review47 F4: a wildcard over a name no one can register under is a development or intranet set-up. */
    @Test
    void aWildcardOverAPrivateTopLevelNameIsAccepted() {
        for (String origin :
                List.of("http://*.localhost:3000", "https://*.internal", "https://*.corp", "http://*.test")) {
            assertThat(originGuard(Map.of(RULE, "/api/**", "abuse-guard.origin.own-origins", origin)))
                    .as(origin)
                    .isNotNull();
        }
    }

    @Test
    void anOwnOriginWhoseHostIdnaStandardsConvertDifferentlyFailsStartUpAskingForPunycode() {
        // probe24 F7: IDNA2003 made https://straße.example strasse.example, another registrable domain, while
        // browsers send xn--strae-oqa.example: the clone's twin domain was let in and the real site refused
        for (String origin : List.of("https://straße.example", "https://ς.example", "https://a\u200Db.example")) {
            assertThatThrownBy(() -> originGuard(Map.of(
                            RULE, "/api/**", "abuse-guard.origin.own-origins", "https://shop.example," + origin)))
                    .as(origin)
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageStartingWith("abuse-guard.origin.own-origins[1]:")
                    .hasMessageContaining("punycode (xn--) form");
        }
        Guard guard =
                originGuard(Map.of(RULE, "/api/**", "abuse-guard.origin.own-origins", "https://xn--strae-oqa.example"));
        assertThat(guard.describe().state()).containsEntry("ownOrigins", List.of("https://xn--strae-oqa.example"));
    }

    @Test
    void anEmptyApiKeyHeaderFailsStartUpNamingIt() {
        // no request carries a header without a name: the rule's api-keys would never be checked
        assertThatThrownBy(() -> originGuard(Map.of(
                        RULE,
                        "/api/**",
                        "abuse-guard.origin.rules.api.api-key-header",
                        " ",
                        "abuse-guard.origin.rules.api.api-keys.widget-key",
                        "https://widget.example")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("abuse-guard.origin.rules.api.api-key-header:");
    }

    @Test
    void anOwnOriginIsCheckedEvenWithoutARule() {
        assertThatThrownBy(() -> originGuard(Map.of("abuse-guard.origin.own-origins", "https://shop.example/")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("abuse-guard.origin.own-origins[0]:");
    }

    @Test
    void theHostIsWarnedAboutOnlyWhenARuleLetsTheOwnOriginThroughAndNoneIsNamed() {
        PropertyPath at = PropertyPath.of("origin");
        OriginRule same = OriginRule.builder("api").path("/api/**").build();
        OriginRule listedOnly = OriginRule.builder("partner")
                .path("/partner/**")
                .allowSameOrigin(false)
                .allowOrigin("https://partner.example")
                .build();

        assertThat(OriginGuardFactory.warnIfTheOwnOriginIsReadFromHost(List.of(listedOnly, same), List.of(), at))
                .isTrue();
        assertThat(OriginGuardFactory.warnIfTheOwnOriginIsReadFromHost(
                        List.of(same), List.of("https://shop.example"), at))
                .isFalse();
        assertThat(OriginGuardFactory.warnIfTheOwnOriginIsReadFromHost(List.of(listedOnly), List.of(), at))
                .isFalse();
    }

    @Test
    void anOwnOriginThatIsNotAnOriginIsRefusedByTheGuardToo() {
        OriginRule rule = OriginRule.builder("api").path("/api/**").build();
        assertThatThrownBy(() -> OriginGuard.of(List.of(rule), List.of("shop.example")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
