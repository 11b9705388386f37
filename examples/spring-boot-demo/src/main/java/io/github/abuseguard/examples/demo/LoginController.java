package io.github.abuseguard.examples.demo;

import io.github.abuseguard.spring.annotation.RateLimit;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Signs in; the target of credential stuffing, so each user name is limited from each client. */
@RestController
class LoginController {
    private static final Map<String, String> USERS = Map.of("alice", "wonderland", "bob", "builder");

    record Credentials(String username, String password) {}

    @RateLimit(name = "login", capacity = 5, period = "1m", key = "ip+body:/username")
    @PostMapping(path = "/api/login", consumes = MediaType.APPLICATION_JSON_VALUE)
    Map<String, String> login(@RequestBody Credentials credentials) {
        if (credentials.username() == null || credentials.password() == null) {
            throw Problems.badRequest("'username' and 'password' are required.");
        }
        if (!credentials.password().equals(USERS.get(credentials.username()))) {
            throw Problems.status(HttpStatus.UNAUTHORIZED, "Wrong user name or password.");
        }
        return Map.of("token", "t-" + Integer.toHexString(credentials.username().hashCode()));
    }
}
