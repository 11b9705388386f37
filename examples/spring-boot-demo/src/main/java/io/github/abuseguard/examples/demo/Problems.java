package io.github.abuseguard.examples.demo;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/** The demo's own client errors; Spring MVC renders them as {@code application/problem+json}. */
final class Problems {
    private Problems() {}

    static ResponseStatusException badRequest(String detail) {
        return status(HttpStatus.BAD_REQUEST, detail);
    }

    static ResponseStatusException status(HttpStatus status, String detail) {
        return new ResponseStatusException(status, detail);
    }
}
