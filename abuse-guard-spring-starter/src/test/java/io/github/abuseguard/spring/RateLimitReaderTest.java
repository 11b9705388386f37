package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.PathPattern;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.spring.annotation.RateLimit;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

class RateLimitReaderTest {

    @RestController
    @RequestMapping("/scores")
    @RateLimit(capacity = 100, period = "1h")
    static class Scores {
        @RateLimit(capacity = 5, period = "1m")
        @RateLimit(capacity = 50, period = "1h")
        @GetMapping("/{game}")
        String read() {
            return "";
        }

        @PostMapping("/{game}")
        String write() {
            return "";
        }
    }

    @RestController
    static class Named {
        @RateLimit(name = "shared", capacity = 1, period = "1m")
        @GetMapping("/a")
        String a() {
            return "";
        }

        @RateLimit(name = "shared", capacity = 1, period = "1m")
        @GetMapping("/b")
        String b() {
            return "";
        }
    }

    @RestController
    static class AlsoShared {
        @RateLimit(name = "shared", capacity = 1, period = "1m")
        @GetMapping("/c")
        String c() {
            return "";
        }
    }

    @RestController
    static class MixedMethods {
        @RateLimit(capacity = 1, period = "1m")
        @GetMapping("/a")
        String a() {
            return "";
        }

        @RequestMapping("/b")
        String b() {
            return "";
        }
    }

    @RestController
    @RateLimit(capacity = 1, period = "1m")
    static class ClassLimitWithAnyMethodHandler {
        @GetMapping("/a")
        String a() {
            return "";
        }

        @RequestMapping("/b")
        String b() {
            return "";
        }
    }

    private static List<String> paths(RateLimitRule rule) {
        return rule.patterns().stream().map(PathPattern::toString).toList();
    }

    @Test
    void repeatedMethodAnnotationsBecomeNumberedRulesOnTheHandlersRouteAndMethod() {
        List<RateLimitRule> rules = new RateLimitReader().read(Handlers.of(Scores.class));

        assertThat(rules).extracting(RateLimitRule::name).containsExactly("scores.read", "scores.read-2", "scores");
        assertThat(paths(rules.get(0))).containsExactly("/scores/{game}");
        assertThat(rules.get(0).methods()).containsExactly("GET");
        assertThat(rules.get(1).limits().get(0).period()).isEqualTo(Duration.ofHours(1));
        assertThat(rules.get(0).source()).isEqualTo("@RateLimit on Scores.read");
    }

    @Test
    void aClassAnnotationCoversEveryRouteOfTheController() {
        RateLimitRule classRule =
                new RateLimitReader().read(Handlers.of(Scores.class)).get(2);

        assertThat(paths(classRule)).containsExactly("/scores/{game}");
        assertThat(classRule.methods()).containsExactlyInAnyOrder("GET", "POST");
        assertThat(classRule.source()).isEqualTo("@RateLimit on Scores");
    }

    @Test
    void aClassAnnotationOverAHandlerMappedWithoutAMethodCoversEveryMethod() {
        RateLimitRule classRule = new RateLimitReader()
                .read(Handlers.of(ClassLimitWithAnyMethodHandler.class))
                .get(0);

        assertThat(classRule.methods()).isEmpty();
        assertThat(paths(classRule)).containsExactlyInAnyOrder("/a", "/b");
    }

    @Test
    void aMethodAnnotationOnlyCoversItsOwnHandler() {
        List<RateLimitRule> rules = new RateLimitReader().read(Handlers.of(MixedMethods.class));

        assertThat(rules).hasSize(1);
        assertThat(paths(rules.get(0))).containsExactly("/a");
    }

    @Test
    void twoRulesWithOneNameFailStartUpNamingTheSecondHandler() {
        assertThatThrownBy(() -> new RateLimitReader().read(Handlers.of(Named.class)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Named.")
                .hasMessageContaining("'shared' exists already");
    }

    @Test
    void ruleNamesStayUniqueAcrossControllersReadByOneReader() {
        RateLimitReader reader = new RateLimitReader();
        reader.read(Handlers.of(AlsoShared.class));

        assertThat(reader.read(Handlers.of(MixedMethods.class))).hasSize(1);
        assertThatThrownBy(() -> reader.read(Handlers.of(Named.class)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exists already");
    }
}
