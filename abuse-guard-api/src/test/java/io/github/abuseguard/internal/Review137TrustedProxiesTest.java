package io.github.abuseguard.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.identity.ClientResolver;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** review137: the trusted-proxy checks of 1a489b55 (probe77b F1, F3). */
class Review137TrustedProxiesTest {

    private static AbuseGuardSettings bind(String... keyValues) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put(keyValues[i], keyValues[i + 1]);
        }
        return SettingsBinder.bind(properties);
    }

    /**
     * F6: the private ranges every guide lists ({@code fc00::/7} beside {@code 10.0.0.0/8}) with the operator's own
     * NAT64 prefix in unique-local space, which RFC 6052 allows: start-up now fails, though the resolver already keeps
     * a translated peer out of the block as written ({@code writtenTrustedProxies}), so accepting it forged nothing.
     * A translated Internet client is not trusted either way; the operator's own ULA proxies are.
     */
    @Test
    void privateRangesWithAUniqueLocalTranslatorStillStart() {
        AbuseGuardSettings settings = bind(
                "abuse-guard.client.trusted-proxies", "10.0.0.0/8, fc00::/7",
                "abuse-guard.client.nat64-prefixes", "fd00:64::/96");
        assertThatCode(() -> SettingsAssembler.clientResolver(settings))
                .as("10.0.0.0/8, fc00::/7 with nat64-prefixes fd00:64::/96")
                .doesNotThrowAnyException();
    }

    /** Held: what the runtime does with that block once built by hand (the builder does not refuse it). */
    @Test
    void aTranslatedPeerIsNotTrustedThroughAUniqueLocalBlockButTheOwnProxyIs() {
        ClientResolver resolver = ClientResolver.builder()
                .trustedProxies("fc00::/7")
                .nat64Prefixes("fd00:64::/96")
                .build();
        // 203.0.113.7 through the translator, forging its address
        assertThat(resolver.resolve("fd00:64::cb00:7107", name -> List.of("192.0.2.1"))
                        .key())
                .isEqualTo("203.0.113.7");
        // the operator's own proxy
        assertThat(resolver.resolve("fd12:3456::1", name -> List.of("192.0.2.1"))
                        .key())
                .isEqualTo("192.0.2.1");
    }

    /** Held: honest blocks near the translation prefixes start. */
    @Test
    void honestBlocksNearTranslationPrefixesStart() {
        for (String block : List.of(
                "::1",
                "::1/128",
                "64:ff9b::cb00:7100/120",
                "64:ff9b::a00:0/104",
                "::ffff:10.0.0.0/104",
                "fe80::/10",
                "fd00::/8",
                "2001:db8::/32")) {
            AbuseGuardSettings settings = bind("abuse-guard.client.trusted-proxies", block);
            assertThatCode(() -> SettingsAssembler.clientResolver(settings))
                    .as(block)
                    .doesNotThrowAnyException();
        }
    }
}
