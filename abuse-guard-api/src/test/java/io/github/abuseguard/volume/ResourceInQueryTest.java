package io.github.abuseguard.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import org.junit.jupiter.api.Test;

/**
 * user64 F1: a route that names its resource in its query ({@code GET /api/catalogue?page=N}) was one resource to a
 * volume rule, which never refused a client walking every page. A rule's {@code resource} names it.
 */
class ResourceInQueryTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).build();

    private VolumeGuard guard(DistinctRule rule) {
        return VolumeGuard.builder()
                .store(store)
                .timeSource(clock)
                .seed(99)
                .rule(rule)
                .build();
    }

    private static DistinctRule.Builder catalogue() {
        return DistinctRule.builder("catalogue")
                .path("/api/catalogue")
                .methods("GET")
                .maxDistinct(5);
    }

    private static GuardRequest page(String address, String page) {
        return GuardRequest.builder("GET", "/api/catalogue")
                .client(address)
                .queryParameter("page", page)
                .build();
    }

    private static int allowedOf(VolumeGuard guard, String address, int pages) {
        int allowed = 0;
        for (int i = 1; i <= pages; i++) {
            allowed += guard.check(page(address, Integer.toString(i))).isAllow() ? 1 : 0;
        }
        return allowed;
    }

    /** user67 F5: the control endpoint and the actuator listed the rule with its key, not its resource. */
    @Test
    void theRulesDescriptionNamesItsResource() {
        assertThat(guard(catalogue().resource("query:page").build())
                        .describe()
                        .rules()
                        .get(0)
                        .settings())
                .containsEntry("resource", "query:page");
        assertThat(guard(catalogue().build()).describe().rules().get(0).settings())
                .as("a rule on the path alone")
                .doesNotContainKey("resource");
    }

    @Test
    void eachPageIsAResourceOfItsOwn() {
        VolumeGuard guard = guard(catalogue().resource("query:page").build());

        assertThat(allowedOf(guard, "198.51.100.1", 40))
                .as("a walk over 40 pages")
                .isBetween(5, 7);
        assertThat(allowedOf(guard, "198.51.100.2", 3)).as("another client").isEqualTo(3);
    }

    @Test
    void withoutItTheRouteIsOneResource() {
        VolumeGuard guard = guard(catalogue().build());

        assertThat(allowedOf(guard, "198.51.100.1", 40)).isEqualTo(40);
    }

    @Test
    void thePageGivenTwiceDifferentlyIsRefusedAsAKeyWouldBe() {
        VolumeGuard guard = guard(catalogue().resource("query:page").build());
        GuardRequest twice = GuardRequest.builder("GET", "/api/catalogue")
                .client("198.51.100.3")
                .queryParameter("page", "1")
                .body("application/x-www-form-urlencoded", "page=2") // as @RequestParam binds it: "1,2"
                .build();

        Decision refused = guard.check(twice);
        assertThat(refused.isDeny()).isTrue();
        assertThat(refused.status()).isEqualTo(400);
        Decision next = guard.check(page("198.51.100.3", "4"));
        assertThat(next.isAllow())
                .as("a request without a second page is read: " + next)
                .isTrue();
    }

    @Test
    void aRequestWithoutThePageIsItsPath() {
        VolumeGuard guard = guard(catalogue().resource("query:page").build());
        for (int i = 0; i < 10; i++) {
            assertThat(guard.check(GuardRequest.builder("GET", "/api/catalogue")
                                    .client("198.51.100.4")
                                    .build())
                            .isAllow())
                    .isTrue();
        }
    }

    /** The start-up WARN's test: a rule on literal paths alone, within its bound, can never refuse. */
    @Test
    void aRuleOnLiteralPathsWithoutAResourceNeverPassesItsBound() {
        assertThat(catalogue().build().neverPassesItsBound()).isTrue();
        assertThat(catalogue().resource("query:page").build().neverPassesItsBound())
                .isFalse();
        assertThat(DistinctRule.builder("scores")
                        .path("/api/scores/{game}")
                        .build()
                        .neverPassesItsBound())
                .isFalse();
        assertThat(DistinctRule.builder("two")
                        .path("/a")
                        .path("/b")
                        .maxDistinct(1)
                        .build()
                        .neverPassesItsBound())
                .as("two literal paths past a bound of one")
                .isFalse();
    }

    @Test
    void onlyAParameterOrABodyFieldNamesAResource() {
        assertThatThrownBy(() -> catalogue().resource("ip"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("query:NAME");
        assertThatThrownBy(() -> catalogue().resource("query:page+header:X-Page"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(catalogue().resource("query:page+query:size").build().resource())
                .isEqualTo("query:page+query:size");
    }

    /**
     * review96 F1: resource query:a+query:b joins the two values with '|' before hashing, so (a=s|s, b=s) and (a=s, b=s|s) are
     * one resource: a value holding the separator moves the boundary, and 39 different requests (which the
     * application reads as 39 different (a, b) pairs) count as one.
     */
    @Test
    void twoParametersWhoseJoinIsTheSameAreNotOneResource() {
        VolumeGuard guard = guard(DistinctRule.builder("search")
                .path("/api/search")
                .methods("GET")
                .maxDistinct(5)
                .resource("query:a+query:b")
                .build());
        int segments = 40;
        int allowed = 0;
        for (int i = 1; i < segments; i++) {
            String a = "s" + "|s".repeat(i - 1);
            String b = "s" + "|s".repeat(segments - i - 1);
            allowed += guard.check(GuardRequest.builder("GET", "/api/search")
                                    .client("198.51.100.9")
                                    .queryParameter("a", a)
                                    .queryParameter("b", b)
                                    .build())
                            .isAllow()
                    ? 1
                    : 0;
        }
        assertThat(allowed).as("39 different (a, b) pairs past a bound of 5").isLessThanOrEqualTo(8);
    }

    /**
     * review96 F2: a rule on literal paths with only-reads below the number of its paths refuses a client that read them
     * all and wrote nothing, yet neverPassesItsBound() (the start-up WARN "it never refuses") holds for it.
     */
    @Test
    void aLiteralRuleWithOnlyReadsCanRefuseSoItIsNotWarnedAsNeverRefusing() {
        DistinctRule rule = DistinctRule.builder("pages")
                .path("/a")
                .path("/b")
                .path("/c")
                .methods("GET")
                .maxDistinct(50)
                .onlyReads(new OnlyReads(2, 0, Action.REJECT))
                .build();
        VolumeGuard guard = guard(rule);
        boolean refused = false;
        for (String path : new String[] {"/a", "/b", "/c"}) {
            refused |= guard.check(GuardRequest.builder("GET", path)
                            .client("198.51.100.10")
                            .build())
                    .isDeny();
        }
        assertThat(refused)
                .as("only-reads refuses a reader of the literal paths")
                .isTrue();
        assertThat(rule.neverPassesItsBound())
                .as("the WARN says it never refuses")
                .isFalse();
    }

    private static DistinctRule pages(OnlyReads onlyReads) {
        return DistinctRule.builder("pages")
                .path("/a")
                .path("/b")
                .path("/c")
                .methods("GET")
                .maxDistinct(50)
                .onlyReads(onlyReads)
                .build();
    }

    /** review97 F2: only-reads that refuses nothing (a flag, a log) does not silence the WARN. */
    @Test
    void anOnlyReadsThatRefusesNothingDoesNotSilenceTheWarn() {
        assertThat(pages(new OnlyReads(2, 50, Action.THROTTLE)).neverPassesItsBound())
                .as("a flag of 50 only")
                .isTrue();
        assertThat(pages(new OnlyReads(2, 0, Action.LOG)).neverPassesItsBound())
                .as("a LOG only")
                .isTrue();
    }
}
