package io.github.abuseguard.sequence;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.discovery.EndpointInventory;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;

/**
 * The flow stop 69's sequence findings were made on: a once-a-day welcome bonus, README's no-replay rule (a card
 * added within 10 minutes of a verify is refused once more cards were added) and, where asked for, a card only after
 * a verify; one session ({@code Authorization: Bearer <user>}) and a trail of {@value #TRAIL_LENGTH} steps.
 */
public final class BonusFlow {

    public static final String BONUS = "POST /api/bonus";
    public static final String VERIFY = "POST /api/accounts/{id}/verify";
    public static final String CARD = "POST /api/accounts/{id}/payment-methods";
    public static final int TRAIL_LENGTH = 20;

    private BonusFlow() {}

    /** An engine of the bonus and no-replay rules, and {@code verified-first} when {@code verifiedFirst}. */
    public static AbuseGuard engine(StateStore store, FakeTimeSource clock, boolean verifiedFirst) {
        SequenceGuard.Builder guard = SequenceGuard.builder()
                .trails(store.trails("sequence", TRAIL_LENGTH, Duration.ofDays(1)))
                .inventory(EndpointInventory.withDefaults(clock))
                .timeSource(clock)
                .rule(rule("bonus-once", PrecedenceRule.Kind.FORBIDS, BONUS, BONUS, Duration.ofDays(1)))
                .rule(rule("no-replay", PrecedenceRule.Kind.FORBIDS, VERIFY, CARD, Duration.ofMinutes(10)));
        if (verifiedFirst) {
            // a card is added by a verified account: the verify is a step her trail records
            guard.rule(rule("verified-first", PrecedenceRule.Kind.REQUIRES, CARD, VERIFY, Duration.ofDays(1)));
        }
        return AbuseGuard.builder().guard(guard.build()).timeSource(clock).build();
    }

    private static PrecedenceRule rule(
            String name, PrecedenceRule.Kind kind, String operation, String prior, Duration window) {
        return new PrecedenceRule(name, kind, operation, prior, 2, window, Duration.ZERO, "test");
    }

    public static GuardRequest bonus(String user) {
        return request("POST", "/api/bonus", "/api/bonus", user);
    }

    public static GuardRequest card(String user) {
        return request("POST", "/api/accounts/7/payment-methods", "/api/accounts/{id}/payment-methods", user);
    }

    public static GuardRequest verify(String user) {
        return request("POST", "/api/accounts/7/verify", "/api/accounts/{id}/verify", user);
    }

    private static GuardRequest request(String method, String path, String route, String user) {
        return GuardRequest.builder(method, path)
                .route(route)
                .header("Authorization", "Bearer " + user)
                .build();
    }
}
