package io.github.abuseguard.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.ClientIdentity;
import io.github.abuseguard.KeyResolver;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * probe84b F1: a container may answer {@code getRemoteAddr()} with text that is no address: Tomcat's RemoteIpValve
 * ({@code server.forward-headers-strategy=native}, Spring Boot's default on Kubernetes, Cloud Foundry and Heroku)
 * copies a private or loopback peer's {@code X-Forwarded-For} hop into it without checking it is an address. The
 * resolver keeps such a peer as the client's key as it is, so a 6,000-character header is a 6,000-character key in
 * every store the request touches, against the 128-character bound of every other key ("a client cannot inflate the
 * memory its key takes").
 */
class Probe84bClientResolverTest {

    private static final String LONG_TEXT = "z".repeat(6_000);

    @Test
    void aPeerThatIsNoAddressIsNoLongKey() {
        ClientIdentity client = ClientResolver.peerOnly().resolve(LONG_TEXT, name -> List.of());
        assertThat(client.key().length())
                .as("the key of a peer the container wrote as 6,000 characters")
                .isLessThanOrEqualTo(KeyResolver.MAX_KEY_LENGTH);
    }

    @Test
    void aPeerThatIsNoAddressIsNoLongKeyWithTrustedProxiesToo() {
        ClientIdentity client =
                ClientResolver.builder().trustedProxies("10.0.0.2/32").build().resolve(LONG_TEXT, name -> List.of());
        assertThat(client.key().length())
                .as("the key of a peer the container wrote as 6,000 characters")
                .isLessThanOrEqualTo(KeyResolver.MAX_KEY_LENGTH);
    }
}
