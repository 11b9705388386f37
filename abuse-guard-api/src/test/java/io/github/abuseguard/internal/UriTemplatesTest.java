package io.github.abuseguard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class UriTemplatesTest {
    private static final Predicate<String> EMAIL = "email"::equalsIgnoreCase;

    @Test
    void aVariableNamedLikeTheFieldTakesItsSegment() {
        assertThat(UriTemplates.values("/users/{email}", "/users/x@mailinator.com", EMAIL))
                .containsExactly("x@mailinator.com");
        assertThat(UriTemplates.values("/users/{Email:.+}/invite", "/users/x@mailinator.com/invite", EMAIL))
                .containsExactly("x@mailinator.com");
        assertThat(UriTemplates.values("/users/{email}", "//users//x@mailinator.com/", EMAIL))
                .as("empty segments, as routes match")
                .containsExactly("x@mailinator.com");
    }

    @Test
    void otherVariablesAndLiteralsAreNot() {
        assertThat(UriTemplates.values("/users/{id}/email", "/users/x@mailinator.com/email", EMAIL))
                .isEmpty();
        assertThat(UriTemplates.values("/users/email", "/users/email", EMAIL)).isEmpty();
    }

    @Test
    void segmentsAfterADoubleWildcardCountFromTheEnd() {
        assertThat(UriTemplates.values("/a/**/{email}/x", "/a/b/c/d/x@mailinator.com/x", EMAIL))
                .containsExactly("x@mailinator.com");
    }

    @Test
    void theRestOfThePathForACapturingVariable() {
        assertThat(UriTemplates.values("/to/{*email}", "/to/x@mailinator.com/more", EMAIL))
                .containsExactly("x@mailinator.com/more");
    }

    @Test
    void aPathTheTemplateCannotMatchYieldsNothing() {
        assertThat(UriTemplates.values("/users/{id}/{email}", "/users/1", EMAIL))
                .isEmpty();
    }
}
