package io.github.abuseguard.examples.demo;

import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Game scores: the high-volume, legitimate endpoint. Its generous limit is a property. */
@RestController
class ScoresController {

    @GetMapping("/api/scores/{game}")
    Map<String, Object> score(@PathVariable String game) {
        return Map.of("game", game, "score", Math.floorMod(game.hashCode(), 100_000));
    }
}
