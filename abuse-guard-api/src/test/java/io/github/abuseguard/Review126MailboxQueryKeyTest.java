package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

/**
 * review126: user71 F3's pointer check ({@code KeyResolver.requirePointer}) is applied to {@code mailbox:}, whose
 * argument may also be {@code query:NAME} (README: "key {@code mailbox:query:email}: the parameter as the handler
 * binds it"). Every rule or annotation keyed {@code mailbox:query:email} now fails start-up with "names a body field
 * by a JSON Pointer ... write mailbox:/query:email", a spelling that would read a body field named "query:email".
 */
class Review126MailboxQueryKeyTest {

    @Test
    void aMailboxKeyOfAQueryParameterStillParses() {
        assertThatCode(() -> KeyResolver.parse("mailbox:query:email"))
                .as("the documented key mailbox:query:email")
                .doesNotThrowAnyException();
        assertThatCode(() -> KeyResolver.parse("ip+mailbox:query:email")).doesNotThrowAnyException();
    }

    @Test
    void aMailboxKeyOfAQueryParameterKeysTheInbox() {
        KeyResolver mailbox = KeyResolver.parse("mailbox:query:email");
        GuardRequest request = GuardRequest.builder("POST", "/api/accounts")
                .queryParameter("email", "Ann.Smith+1@gmail.com")
                .build();

        assertThat(mailbox.resolve(request)).isEqualTo("annsmith@gmail.com");
    }
}
