package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.github.abuseguard.email.EmailRule;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.origin.OriginRule;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.volume.DistinctRule;
import java.time.Duration;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every guard's rule validates its scope the same way, because the scope is written once. */
class GuardRuleTest {

    /** A rule kind: its builder, how a complete rule is finished, and its kind in messages. */
    record Kind(
            String kind,
            Function<String, GuardRule.Builder<?>> builder,
            Function<GuardRule.Builder<?>, GuardRule> build) {
        @Override
        public String toString() {
            return kind;
        }
    }

    static Stream<Arguments> kinds() {
        return Stream.of(
                        new Kind(
                                "rate-limit",
                                RateLimitRule::builder,
                                b -> ((RateLimitRule.Builder) b)
                                        .limit(Limit.of(10, Duration.ofMinutes(1)))
                                        .build()),
                        new Kind("origin", OriginRule::builder, b -> ((OriginRule.Builder) b).build()),
                        new Kind("e-mail", EmailRule::builder, b -> ((EmailRule.Builder) b).build()),
                        new Kind("failure", FailureRule::builder, b -> ((FailureRule.Builder) b).build()),
                        new Kind("volume", DistinctRule::builder, b -> ((DistinctRule.Builder) b).build()))
                .map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aNameThatCannotStandInAPolicyOrMetricIsRefusedAtOnce(Kind kind) {
        for (String name : new String[] {"", " login", "-login", "login attempts", "x".repeat(65)}) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> kind.builder().apply(name))
                    .withMessageContaining("must be 1 to 64 letters, digits");
        }
        assertThat(kind.builder().apply("login.v2_a-b")).isNotNull();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aMethodThatIsNotAnHttpTokenIsRefused(Kind kind) {
        GuardRule.Builder<?> builder = kind.builder().apply("r");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.methods("GET", "PO ST"))
                .withMessageContaining("'PO ST' is not an HTTP method");
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aRuleWithoutAPathNamesItsKindAndName(Kind kind) {
        GuardRule.Builder<?> builder = kind.builder().apply("signup");
        assertThatIllegalStateException()
                .isThrownBy(() -> kind.build().apply(builder))
                .withMessage(kind.kind() + " rule 'signup' needs at least one path");
    }

    @ParameterizedTest
    @MethodSource("kinds")
    @SuppressWarnings("deprecation") // the method-and-path form, still answered for rules scoped by path
    void theScopeMatchesMethodAndPathAndReportsWhatWasWritten(Kind kind) {
        GuardRule rule = kind.build()
                .apply(kind.builder()
                        .apply("r")
                        .path("/api/items/{id}")
                        .methods("get")
                        .source("properties"));
        assertThat(rule.name()).isEqualTo("r");
        assertThat(rule.source()).isEqualTo("properties");
        assertThat(rule.methods()).containsExactly("GET");
        assertThat(rule.appliesTo("GET", "/api/items/7")).isTrue();
        assertThat(rule.appliesTo("POST", "/api/items/7")).isFalse();
        assertThat(rule.appliesTo("GET", "/api/items")).isFalse();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aKeyedRuleCountsPerItsKey(Kind kind) {
        GuardRule.Builder<?> builder = kind.builder().apply("r").path("/login");
        if (builder instanceof GuardRule.KeyedBuilder<?> keyed) {
            keyed.key("ip+body:/username");
            assertThat(kind.build().apply(builder).keySpec()).isEqualTo("ip+body:/username");
            assertThatIllegalArgumentException().isThrownBy(() -> keyed.key("nonsense:"));
        } else {
            assertThat(kind.build().apply(builder).keySpec()).isEqualTo("ip");
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    @SuppressWarnings("deprecation") // the method-and-path form, still answered for rules scoped by path
    void methodsGivenInSeveralCallsAddUp(Kind kind) {
        GuardRule rule = kind.build()
                .apply(kind.builder().apply("r").path("/x").methods("GET").methods("head"));
        assertThat(rule.methods()).containsExactlyInAnyOrder("GET", "HEAD");
        assertThat(rule.appliesTo("GET", "/x")).isTrue();
    }

    @org.junit.jupiter.api.Test
    void originAndEmailRulesWatchTheUnsafeMethodsUnlessToldOtherwise() {
        assertThat(OriginRule.builder("o").path("/x").build().methods())
                .containsExactlyInAnyOrder("POST", "PUT", "PATCH", "DELETE");
        assertThat(EmailRule.builder("e").path("/x").build().methods())
                .containsExactlyInAnyOrder("POST", "PUT", "PATCH");
        assertThat(OriginRule.builder("o").path("/x").methods("PUT").build().methods())
                .containsExactly("PUT");
        assertThat(RateLimitRule.builder("r")
                        .path("/x")
                        .limit(Limit.of(1, Duration.ofSeconds(1)))
                        .build()
                        .methods())
                .isEmpty();
    }
}
