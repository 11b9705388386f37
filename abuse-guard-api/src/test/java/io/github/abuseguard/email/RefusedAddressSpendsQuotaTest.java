package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The disposable-address check is no free oracle: a refused address spends the route's sign-up quota. */
class RefusedAddressSpendsQuotaTest {

    private static AbuseGuard engine() {
        return engine(RateLimitRule.builder("sign-ups")
                .path("/api/accounts")
                .limit(Limit.of(3, Duration.ofHours(1)))
                .build());
    }

    /** The e-mail guard on the sign-up route, then {@code limit}. */
    private static AbuseGuard engine(RateLimitRule limit) {
        return AbuseGuard.builder()
                .guard(DisposableEmailGuard.of(
                        DisposableDomains.bundled(),
                        List.of(EmailRule.builder("sign-up")
                                .path("/api/accounts")
                                .build())))
                .guard(RateLimitGuard.builder().rule(limit).build())
                .build();
    }

    private static Evaluation signUp(AbuseGuard engine, String client, String email) {
        return engine.evaluate(GuardRequest.builder("POST", "/api/accounts")
                .client(client)
                .body("application/json", "{\"email\":\"" + email + "\"}")
                .build());
    }

    @Test
    void probingTheListSpendsTheSignUpQuotaAndThenGetsOnly429() {
        AbuseGuard engine = engine();
        for (int i = 0; i < 3; i++) {
            Evaluation probe = signUp(engine, "203.0.113.7", "a" + i + "@mailinator.com");
            assertThat(probe.decision().status()).isEqualTo(422);
            assertThat(probe.decision().reason()).isEqualTo("disposable-email");
        }

        Evaluation fourth = signUp(engine, "203.0.113.7", "a3@mailinator.com");
        assertThat(fourth.decision().status())
                .as("once the quota is spent the list answers nothing more")
                .isEqualTo(429);
        assertThat(fourth.decision().guard()).isEqualTo(RateLimitGuard.NAME);
        assertThat(signUp(engine, "203.0.113.7", "ann@example.com").decision().status())
                .as("the probes spent the real sign-up quota")
                .isEqualTo(429);
        assertThat(signUp(engine, "198.51.100.9", "ann@example.com").isDenied())
                .as("another client's quota is untouched")
                .isFalse();
    }

    @Test
    void aRefusedAddressDoesNotSpendTheQuotaOfTheMailboxItNames() {
        // probe57a F8: `@mailinator.com:victim@gmail.com` is refused (its route names a throw-away domain), and the
        // refusal spent the sign-up quota of the mailbox it names, victim@gmail.com's
        AbuseGuard engine = engine(RateLimitRule.builder("per-mailbox")
                .path("/api/accounts")
                .key("body:/email")
                .limit(Limit.of(2, Duration.ofHours(1)))
                .build());
        for (int i = 0; i < 5; i++) {
            Evaluation refused = signUp(engine, "203.0.113." + (10 + i), "@mailinator.com:victim@gmail.com");
            assertThat(refused.decision().reason()).isEqualTo("disposable-email");
        }
        assertThat(signUp(engine, "198.51.100.9", "victim@gmail.com").isDenied())
                .as("the victim signs up: the refusals were not charged to their mailbox")
                .isFalse();
    }

    /**
     * The same under {@code response: decoy}, whichever guard is asked first: a decoy stands for a real answer, but a
     * decoy of a throw-away address must not spend the quota of the mailbox the address names either (this stop's
     * decoy fix, review136 F1, had let the rate limit keep what its check took on a victim's mailbox key).
     */
    @Test
    void aDecoyedAddressDoesNotSpendTheQuotaOfTheMailboxItNames() {
        for (boolean limitFirst : new boolean[] {true, false}) {
            RateLimitGuard perMailbox = RateLimitGuard.builder()
                    .rule(RateLimitRule.builder("per-mailbox")
                            .path("/api/accounts")
                            .key("body:/email")
                            .limit(Limit.of(2, Duration.ofHours(1)))
                            .build())
                    .build();
            DisposableEmailGuard decoying = DisposableEmailGuard.of(
                    DisposableDomains.bundled(),
                    List.of(EmailRule.builder("sign-up")
                            .path("/api/accounts")
                            .response(EmailRule.Response.DECOY, 0)
                            .build()));
            AbuseGuard engine = limitFirst
                    ? AbuseGuard.builder().guard(perMailbox).guard(decoying).build()
                    : AbuseGuard.builder().guard(decoying).guard(perMailbox).build();
            String victim = "victim" + (limitFirst ? 1 : 2) + "@gmail.com";
            for (int i = 0; i < 5; i++) {
                Evaluation decoyed = signUp(engine, "203.0.113." + (10 + i), "@mailinator.com:" + victim);
                assertThat(decoyed.decision().action()).isEqualTo(io.github.abuseguard.Action.DECOY);
            }
            assertThat(signUp(engine, "198.51.100.9", victim).isDenied())
                    .as(
                            "the victim signs up (limit asked first: %s): the decoys were not charged to their mailbox",
                            limitFirst)
                    .isFalse();
        }
    }

    @Test
    void afterTheQuotaIsSpentADisposableAddressGets429LikeAnyOther() {
        AbuseGuard engine = engine();
        for (int i = 0; i < 3; i++) {
            assertThat(signUp(engine, "203.0.113.8", "ann" + i + "@example.com").isDenied())
                    .isFalse();
        }
        assertThat(signUp(engine, "203.0.113.8", "x@yopmail.com").decision().status())
                .isEqualTo(429);
    }

    @Test
    void aBodyTheGuardCannotReadIsRefusedWithoutSpendingTheQuota() {
        AbuseGuard engine = engine();
        for (int i = 0; i < 5; i++) {
            Evaluation multipart = engine.evaluate(GuardRequest.builder("POST", "/api/accounts")
                    .client("203.0.113.9")
                    .body(
                            "multipart/form-data; boundary=b",
                            "--b\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\n" + "ann" + i
                                    + "@example.com\r\n--b--\r\n")
                    .build());
            assertThat(multipart.decision().guard()).isEqualTo(DisposableEmailGuard.NAME);
            assertThat(multipart.decision().status())
                    .as("unreadable, not throttled")
                    .isEqualTo(415);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(signUp(engine, "203.0.113.9", "ann" + i + "@example.com").isDenied())
                    .as("the unreadable bodies spent none of the sign-up quota")
                    .isFalse();
        }
        assertThat(signUp(engine, "203.0.113.9", "ann3@example.com").decision().status())
                .isEqualTo(429);
    }
}
