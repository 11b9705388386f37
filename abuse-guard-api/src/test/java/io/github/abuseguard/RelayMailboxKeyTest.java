package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * review58 F5: alias relays are allowed by default now (allow-alias-relays), and some of them deliver any local part at a
 * user's subdomain to the user's one inbox without creating the alias first (addy.io's username.anonaddy.me,
 * 33mail's username.33mail.com), as Fastmail's subdomain addressing does, which the mailbox key folds. These are
 * not folded, so one person has an unlimited number of mailbox keys for per-inbox sign-up limits.
 */
class RelayMailboxKeyTest {
    @Test
    void aRelaysOnTheFlySubdomainAliasesAreOneMailbox() {
        assertThat(Mailboxes.key("anything@ann.fastmail.com")).isEqualTo(Mailboxes.key("other@ann.fastmail.com"));
        assertThat(Mailboxes.key("shop1@bob.anonaddy.me")).isEqualTo(Mailboxes.key("shop2@bob.anonaddy.me"));
        assertThat(Mailboxes.key("shop1@bob.33mail.com")).isEqualTo(Mailboxes.key("shop2@bob.33mail.com"));
    }
}
