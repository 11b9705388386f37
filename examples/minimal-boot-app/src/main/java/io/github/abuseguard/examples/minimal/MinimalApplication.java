package io.github.abuseguard.examples.minimal;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The smallest API worth protecting: one JSON route and, when the starter is on the class path, one
 * per-IP rate-limit rule from {@code application.yml}. The load harness runs it with and without the
 * starter to measure what the starter costs; it names no abuse-guard type, so both packagings share
 * these classes.
 */
@SpringBootApplication
@RestController
public class MinimalApplication {

    public static void main(String[] args) {
        SpringApplication.run(MinimalApplication.class, args);
    }

    @GetMapping("/api/scores/{game}")
    Score score(@PathVariable String game) {
        return new Score(game, Math.floorMod(game.hashCode(), 100_000));
    }

    /** One game's score. */
    record Score(String game, int score) {}
}
