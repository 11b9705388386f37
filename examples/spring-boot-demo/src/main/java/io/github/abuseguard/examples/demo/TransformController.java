package io.github.abuseguard.examples.demo;

import io.github.abuseguard.spring.annotation.RateLimit;
import io.github.abuseguard.spring.annotation.RejectDisposableEmail;
import io.github.abuseguard.spring.annotation.RequireOrigin;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Turns a photo into a cartoon: the expensive call a clone site would proxy. Browsers may call it only
 * from the demo's own page; other clients are flagged (no Origin) and counted against the limit.
 */
@RestController
class TransformController {

    record TransformRequest(String email, String image) {}

    @RejectDisposableEmail(field = "/email")
    @RequireOrigin // only the demo's own page may call it from a browser
    @RateLimit(name = "transform", capacity = 10, period = "1m")
    @PostMapping(path = "/api/transform", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.ACCEPTED)
    Map<String, String> transform(@RequestBody TransformRequest request) {
        if (request.email() == null || !request.email().matches("[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+")) {
            throw Problems.badRequest("'email' is missing or not an e-mail address.");
        }
        if (request.image() == null || request.image().isBlank()) {
            throw Problems.badRequest("'image' is missing: send the image as base64.");
        }
        try {
            Base64.getDecoder().decode(request.image());
        } catch (IllegalArgumentException e) {
            throw Problems.badRequest("'image' is not valid base64.");
        }
        return Map.of("id", UUID.randomUUID().toString(), "status", "queued");
    }
}
