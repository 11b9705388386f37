package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.email.DisposableDomains;
import io.github.abuseguard.email.DisposableEmailGuard;
import io.github.abuseguard.email.EmailRule;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * probe76a: a {@code mailbox:} key's domain is "the one the e-mail guard reads, so the key and the lists agree on
 * it" (README, Keys), but the e-mail guard reads a domain more ways than the key does. It reads the Turkish capital
 * and dotless i as {@code i} ({@code a@MAİLİNATOR.COM} is mailinator.com: {@code toLowerCase()} in a Turkish or
 * Azerbaijani default locale delivers there), and asks the lists about the domain an application that folds letters
 * to ASCII delivers to ({@code bot@yopmaił.com}, {@code bot@yo\u0301pmail.com}). The key reads the domain only as
 * written: {@code bill@GMAİL.COM} is {@code bill@xn--gmail-bgd.com}, {@code bill@gmaıl.com} is {@code
 * bill@xn--gmal-nza.com}, each a budget of its own, while the same application delivers every one of them to
 * bill@gmail.com. The local part is already folded so ({@code bİll@gmail.com} is {@code bill@gmail.com}); only the
 * domain is not. On the demo, after {@code gus@gmail.com} had its three sign-ups, {@code gus@GMAİL.COM}, {@code
 * gus@gmaıl.com}, {@code gus@googlemaıl.com} and {@code gus@googlemaİl.com} each signed up again (201).
 */
class Probe76aMailboxDomainReadingTest {

    private static String key(String address) {
        return KeyResolver.parse("mailbox:/email").resolve(signUp(address));
    }

    private static GuardRequest signUp(String address) {
        String json = address.replace("\\", "\\\\").replace("\"", "\\\"");
        return GuardRequest.builder("POST", "/api/accounts")
                .client("198.51.100.1")
                .body("application/json", "{\"email\":\"" + json + "\"}")
                .build();
    }

    /** F1: the Turkish i, which the e-mail guard reads as {@code i} in the domain and the key in the local part. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "bill@GMA\u0130L.COM",
                "bill@gma\u0130l.com",
                "bill@gma\u0131l.com",
                "B\u0130LL@GMA\u0130L.COM",
                "b.\u0131ll+1@gma\u0131l.com",
                "bill@googlema\u0131l.com",
                "bill@googlema\u0130l.com",
            })
    void theTurkishIInTheDomainIsReadAsTheGuardReadsIt(String spelling) {
        assertThat(key("bill@gmail.com")).isEqualTo("bill@gmail.com");
        assertThat(key("b\u0130ll@gmail.com"))
                .as("the local part's Turkish i is folded already")
                .isEqualTo("bill@gmail.com");

        assertThat(key(spelling)).as(spelling).isEqualTo("bill@gmail.com");
    }

    /** F1: the same holds for every provider's domain with an i: Outlook's, Apple's. */
    @Test
    void otherProvidersDomainsWithAnIAreTheirInboxToo() {
        assertThat(key("bill@hotma\u0131l.com")).isEqualTo(key("bill@hotmail.com"));
        assertThat(key("bill@l\u0130ve.com")).isEqualTo(key("bill@live.com"));
        assertThat(key("bill@\u0131cloud.com")).isEqualTo(key("bill@icloud.com"));
    }

    /** The e-mail guard's own reading of the same spellings: the Turkish reading of a listed domain is refused. */
    @Test
    void theGuardReadsTheTurkishIAsI() {
        DisposableEmailGuard guard = DisposableEmailGuard.of(
                DisposableDomains.bundled(),
                List.of(EmailRule.builder("sign-up").path("/api/accounts").build()));

        assertThat(guard.check(signUp("bot@YOPMA\u0130L.COM")).reason()).isEqualTo("disposable-email");
        assertThat(guard.check(signUp("bot@yopma\u0131l.com")).reason()).isEqualTo("disposable-email");
        assertThat(key("bot@yopma\u0131l.com"))
                .as("the key of the address the guard refused as yopmail.com")
                .isEqualTo("bot@yopmail.com");
    }
}
