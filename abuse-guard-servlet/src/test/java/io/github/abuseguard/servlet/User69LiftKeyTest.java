package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.identity.ClientResolver;
import org.junit.jupiter.api.Test;

/**
 * user69 F2: README tells an operator of a plain servlet application to lift a ban keyed by an address with the
 * client key "from ClientResolver.keyOf". A filter built by AbuseGuardFilter.fromSettings offers no way to reach the
 * ClientResolver its settings made (only io.github.abuseguard.internal.SettingsAssembler does), so the operator builds
 * a default one; with client.ipv6-prefix-length: 48 its keyOf("::1") names the /64, lift(...) matches nothing and
 * answers [] (seen on Tomcat 11: a ban of ip+body:/username from ::1 stayed in force).
 */
class User69LiftKeyTest {

    @Test
    void theFilterGivesTheClientResolverItsSettingsMade() {
        AbuseGuardFilter filter = AbuseGuardFilter.fromSettings(io.github.abuseguard.config.AbuseGuardSettings.bind(
                java.util.Map.of("abuse-guard.client.ipv6-prefix-length", "48")));
        assertThat(filter.clientResolver().keyOf("::1"))
                .as("keyed as the settings key it, the key FailureGuard.lift matches")
                .isEqualTo(ClientResolver.builder().ipv6PrefixLength(48).build().keyOf("::1"));
        filter.destroy();
    }

    @Test
    void aDefaultResolverKeysAnIpv6AddressOtherwiseThanTheSettings() {
        // what the filter keys ::1 under with ipv6-prefix-length 48, and what a default resolver gives an operator
        String configured =
                ClientResolver.builder().ipv6PrefixLength(48).build().keyOf("::1");
        String operators = ClientResolver.builder().build().keyOf("::1");
        assertThat(operators).as("documents the mismatch behind F2").isNotEqualTo(configured);
    }
}
