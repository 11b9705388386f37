package io.github.abuseguard.examples.demo;

import io.github.abuseguard.failure.UnderAttack;
import io.github.abuseguard.spring.annotation.FailureLimit;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Gift-card balances: what an enumeration bot walks through. Its rate limit is in application.yml; a
 * guessed code answers 404, and those failures ban the address and watch the route for a surge.
 */
@RestController
class GiftCardController {
    private static final Map<String, Integer> BALANCES = Map.of("GIFT-1000", 1000, "GIFT-2500", 2500, "GIFT-0042", 42);

    // Under attack, a card looked up here before vouches for the address that looked it up, for that card
    // (history RESOURCE): the proofs an enumerator solved on many addresses buy no guesses (probe17: 360 of
    // 360 through the mode), nor does one card it bought, looked up from each of them (probe18: 1,350 of
    // 1,350 under history RULE, where any success on the route vouched for every guess).
    @FailureLimit(
            name = "giftcard-guesses",
            statuses = "404",
            maxRetry = 10,
            findTime = "10m",
            underAttack = true,
            underAttackHistory = UnderAttack.History.RESOURCE)
    @GetMapping("/api/giftcards/{code}")
    Map<String, Object> balance(@PathVariable String code) {
        Integer balance = BALANCES.get(code);
        if (balance == null) {
            throw Problems.status(HttpStatus.NOT_FOUND, "No gift card with that code.");
        }
        return Map.of("code", code, "balance", balance);
    }
}
