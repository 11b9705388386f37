package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

class HandlerRoutesTest {

    @RestController
    @RequestMapping("${api.base}")
    static class Placeholder {
        @GetMapping("/items/{id}")
        String item() {
            return "";
        }
    }

    @Test
    void aCatchAllVariableBecomesADoubleWildcard() {
        assertThat(HandlerRoutes.template("/files/{*path}")).isEqualTo("/files/**");
    }

    @Test
    void aSegmentMixingTextWithAVariableBecomesASingleWildcard() {
        assertThat(HandlerRoutes.template("/api/v{n}/report.{ext}")).isEqualTo("/api/*/*");
        assertThat(HandlerRoutes.template("/api/v?/report")).isEqualTo("/api/*/report");
    }

    @Test
    void wholeSegmentVariablesAndDuplicateSlashesAreKeptAsSpringServesThem() {
        assertThat(HandlerRoutes.template("//users//{id}/")).isEqualTo("/users/{id}");
        assertThat(HandlerRoutes.template("")).isEqualTo("/");
    }

    @Test
    void classPathsResolvePlaceholdersAndJoinTheMethodPath() {
        ControllerHandlers handlers = HandlerRoutes.fromClasses(
                        java.util.List.of(Placeholder.class), path -> path.replace("${api.base}", "/api"))
                .get(0);

        assertThat(handlers.routes()).containsExactly("/api/items/{id}");
        assertThat(handlers.handlers().get(0).where()).isEqualTo("Placeholder.item");
    }

    /** probe45c F1, F2: the patterns whose template Spring would match or rank otherwise, routed by asking Spring. */
    @Test
    void aPatternTheTemplateDoesNotReadAsSpringDoesIsLossy() {
        assertThat(HandlerRoutes.lossy("/api/tasks/{id}:ship")).isTrue();
        assertThat(HandlerRoutes.lossy("/api/reports/{id}.pdf")).isTrue();
        assertThat(HandlerRoutes.lossy("/api/users/{id:\\d+}")).isTrue();
        assertThat(HandlerRoutes.lossy("/**/status")).isTrue();
        assertThat(HandlerRoutes.lossy("/api/v{n}/x")).isTrue();
        assertThat(HandlerRoutes.lossy("/api/v?/report")).as("review46 F3").isTrue();
        assertThat(HandlerRoutes.lossy("/api/users/{id}")).isFalse();
        assertThat(HandlerRoutes.lossy("/files/{*path}")).isFalse();
        assertThat(HandlerRoutes.lossy("/static/**")).isFalse();
        assertThat(HandlerRoutes.lossy("/api/*/x")).isFalse();
    }
}
