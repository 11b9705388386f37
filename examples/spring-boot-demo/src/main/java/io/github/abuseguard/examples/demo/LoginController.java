package io.github.abuseguard.examples.demo;

import io.github.abuseguard.Action;
import io.github.abuseguard.spring.annotation.FailureLimit;
import io.github.abuseguard.spring.annotation.RateLimit;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Signs in; the target of credential stuffing. Each user name is rate-limited from each client, and the
 * failures the handler answers (401) are counted: the user names failing from an address (fail2ban, with
 * the route watched for a failure surge that puts it under attack), each address and user name pair, and
 * per user name across addresses (tarpitted, not locked).
 */
@RestController
class LoginController {
    private static final Map<String, String> USERS = Map.of("alice", "wonderland", "bob", "builder");
    /** Besides alice and bob, accounts user1 to user5000 (password secret-N), so traffic has many users. */
    private static final int POPULATION = 5_000;

    record Credentials(String username, String password) {}

    @RateLimit(name = "login", capacity = 5, period = "1m", key = "ip+body:/username")
    // A new user name per request is a new "login" bucket: this bounds one address whatever names it
    // tries (and so the keys it can make the guards hold, in Redis too).
    @RateLimit(name = "login-address", capacity = 30, period = "1m", key = "ip")
    // An address is banned for the user names it failed with, not for its failures: many people share one
    // address (an office, a school, a carrier's NAT), and twelve colleagues' typos must not lock it out. It
    // watches the route for a failure surge that puts it under attack.
    @FailureLimit(
            name = "login-per-address",
            statuses = "401",
            distinct = "body:/username",
            maxRetry = 20,
            findTime = "10m",
            underAttack = true)
    // One user name guessed at from one address: that pair is banned, the address's other users are not.
    @FailureLimit(
            name = "login-per-address-and-user",
            statuses = "401",
            key = "ip+body:/username",
            maxRetry = 10,
            findTime = "10m")
    // One user name guessed at from many addresses of one network (an IPv4 /24, an IPv6 /48): the pair is banned
    // from its 30th failure within 10 minutes. A rented /24's 100 addresses, each under its own pair's ban, put
    // 900 guesses at one account in two minutes (probe49b F3); a lock-out by this rule holds only for the
    // attacker's own network.
    @FailureLimit(
            name = "login-per-network-and-user",
            statuses = "401",
            key = "network+body:/username",
            maxRetry = 30,
            findTime = "10m")
    // A user name that failed from 5 addresses is slowed down, not locked: a refusal would let anyone lock
    // bob out by guessing his password 5 times. Each further try waits abuse-guard.tarpit.delay and then
    // reaches the handler (tarpit.then: pass), so bob still signs in and a wrong guess still counts.
    @FailureLimit(
            name = "login-per-username",
            statuses = "401",
            key = "body:/username",
            distinct = "ip",
            maxRetry = 5,
            findTime = "1h",
            banTime = "1h", // a ban lasts at least find-time; said here, not left to a start-up WARN
            action = Action.TARPIT)
    @PostMapping(path = "/api/login", consumes = MediaType.APPLICATION_JSON_VALUE)
    Map<String, String> login(@RequestBody Credentials credentials) {
        if (credentials.username() == null || credentials.password() == null) {
            throw Problems.badRequest("'username' and 'password' are required.");
        }
        if (!credentials.password().equals(passwordOf(credentials.username()))) {
            throw Problems.status(HttpStatus.UNAUTHORIZED, "Wrong user name or password.");
        }
        return Map.of("token", "t-" + Integer.toHexString(credentials.username().hashCode()));
    }

    private static String passwordOf(String username) {
        if (username.matches("user[1-9][0-9]{0,3}")) {
            int n = Integer.parseInt(username.substring(4));
            return n <= POPULATION ? "secret-" + n : null;
        }
        return USERS.get(username);
    }
}
