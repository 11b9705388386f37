package io.github.abuseguard.examples.demo;

import io.github.abuseguard.spring.annotation.RateLimit;
import io.github.abuseguard.spring.annotation.RejectDisposableEmail;
import io.github.abuseguard.spring.annotation.RequiresPrior;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Sign-up, e-mail verification and payment methods. The session is the bearer token handed out at
 * sign-up. One limit covers the whole controller; sign-up has a tighter one of its own.
 */
@RestController
@RequestMapping("/api/accounts")
@RateLimit(name = "accounts", capacity = 8, period = "1m")
class AccountsController {
    private static final int MAX_ACCOUNTS = 10_000;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();

    record SignUp(String email) {}

    record PaymentMethod(String card) {}

    static final class Account {
        final String token;
        volatile boolean verified;

        Account(String token) {
            this.token = token;
        }
    }

    @RejectDisposableEmail(field = "/email")
    @RateLimit(name = "sign-up", capacity = 5, period = "10m")
    // Per network (IPv4 /24, IPv6 /48) after the per-address rule, so that it counts only sign-ups an address's
    // own limit let through: one IPv6 subscriber holds 65,536 /64s, each a fresh address, enough to spend the
    // site-wide cap alone (review14 F4). Thirty is a class signing up together; size it for your largest office.
    @RateLimit(name = "sign-up-network", key = "network", capacity = 30, period = "10m")
    // Per allocation (IPv4 /16, IPv6 /32) after the network's: a hosting customer's /44 or a tunnel broker's /48s are
    // many networks, each with its own 30 (probe73c F1: the 16 /48s of one /44 opened 480 accounts in ten minutes).
    // An IPv4 /16 may be a mobile carrier's: size it for your busiest carrier's sign-ups.
    @RateLimit(name = "sign-up-allocation", key = "allocation", capacity = 100, period = "10m")
    // One inbox, three accounts a day: the sign-up-mailbox rule of application.yml, which counts the e-mail
    // change below too.
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, String> create(@RequestBody SignUp signUp) {
        if (signUp.email() == null || !signUp.email().matches("[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+")) {
            throw Problems.badRequest("'email' is missing or not an e-mail address.");
        }
        if (accounts.size() >= MAX_ACCOUNTS) {
            throw Problems.status(HttpStatus.SERVICE_UNAVAILABLE, "The demo holds no more accounts.");
        }
        String id = HexFormat.of().formatHex(random.generateSeed(6));
        String token = HexFormat.of().formatHex(random.generateSeed(16));
        accounts.put(id, new Account(token));
        return Map.of("id", id, "token", token);
    }

    /** A form, as browsers send it: Spring's FormContentFilter reads a PUT form's body before any guard. */
    @RejectDisposableEmail(field = "/email")
    @PutMapping(path = "/{id}/email", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    Map<String, String> changeEmail(
            @PathVariable String id,
            @RequestHeader(name = "Authorization", required = false) String authorization,
            @RequestParam String email) {
        Account account = owned(id, authorization);
        if (!email.matches("[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+")) {
            throw Problems.badRequest("'email' is not an e-mail address.");
        }
        account.verified = false; // the new address is not verified: the old one's verification does not carry over
        return Map.of("id", id, "email", email);
    }

    @RateLimit(name = "verify", capacity = 5, period = "1m")
    @PostMapping("/{id}/verify")
    Map<String, String> verify(
            @PathVariable String id, @RequestHeader(name = "Authorization", required = false) String authorization) {
        Account account = owned(id, authorization);
        account.verified = true;
        return Map.of("id", id, "status", "verified");
    }

    @RequiresPrior(value = "POST /api/accounts/{id}/verify", status = "2xx", within = "30m")
    @PostMapping(path = "/{id}/payment-methods", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, String> addPaymentMethod(
            @PathVariable String id,
            @RequestHeader(name = "Authorization", required = false) String authorization,
            @RequestBody PaymentMethod method) {
        Account account = owned(id, authorization);
        if (!account.verified) {
            // The guard's @RequiresPrior sees a verify answered in this session within 30 minutes; the account's own
            // state decides: an address changed since is not verified (probe73d F1: a card was added after the
            // verified address was changed to one never verified).
            throw Problems.status(HttpStatus.FORBIDDEN, "Verify the account's e-mail address first.");
        }
        if (method.card() == null || !method.card().matches("[0-9 ]{12,23}")) {
            throw Problems.badRequest("'card' is missing or not a card number.");
        }
        String digits = method.card().replace(" ", "");
        return Map.of("id", id, "card", "**** " + digits.substring(digits.length() - 4));
    }

    private Account owned(String id, String authorization) {
        Account account = accounts.get(id);
        if (account == null) {
            throw Problems.status(HttpStatus.NOT_FOUND, "No account " + id + ".");
        }
        if (authorization == null || !authorization.equals("Bearer " + account.token)) {
            throw Problems.status(
                    HttpStatus.UNAUTHORIZED, "Send the account's token as 'Authorization: Bearer <token>'.");
        }
        return account;
    }
}
