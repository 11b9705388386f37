package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.internal.DomainNames;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * probe85c F1: a domain no registry can hold (an ASCII-only or invisible-holding {@code xn--} label, {@code _}, a
 * symbol, a hyphen at a label's end) is delivered only by an application that reads it carelessly, to the domain the
 * lists read it as; the mailbox key kept each spelling an inbox of its own (9, 13 and 10 accounts on one Gmail inbox
 * where 3 were allowed). It now reads them as the lists do.
 */
class Probe85cUnregistrableDomainKeyTest {

    private static String key(String address) {
        return KeyResolver.parse("mailbox:/email")
                .resolve(GuardRequest.builder("POST", "/api/accounts")
                        .client("198.51.100.1")
                        .body("application/json", "{\"email\":\"" + address + "\"}")
                        .build());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "kim@xn--gmail-.com",
                "kim@XN--GOOGLEMAIL-.COM",
                "kim@xn--gmail-mt3b.com", // gm, U+200B, ail
                "kim@g_mail.com",
                "kim@gm\\u2713ail.com",
                "kim@-gmail-.com"
            })
    void aDomainNoRegistryCanHoldIsTheInboxTheListsReadItAs(String address) {
        assertThat(key(address)).isEqualTo(key("kim@gmail.com"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {"gmail.com", "xn--bcher-kva.de", "xn--wegwerfma-o1a.de", "a-b.example", "xn--80ak6aa92e.com"})
    void aRegistrableNameIsReadAsItIs(String name) {
        assertThat(DomainNames.isRegistrable(name)).isTrue();
        assertThat(DomainNames.registrableReading(name)).isEqualTo(name);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {"xn--gmail-.com", "g_mail.com", "gmail-.com", "-gmail.com", "xn--zz.com", "xn--gmail-mt3b.com"})
    void aNameNoRegistryCanHoldIsNotRegistrable(String name) {
        assertThat(DomainNames.isRegistrable(name)).isFalse();
    }
}
