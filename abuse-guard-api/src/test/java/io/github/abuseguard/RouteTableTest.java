package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    /** Paths last resolved are answered from a small table first: two paths of one slot keep their own routes. */
    @Test
    void pathsSharingALastSeenSlotResolveToTheirOwnRoutes() {
        RouteTable table = RouteTable.of(List.of("/a/{id}", "/b/{id}"));
        for (int i = 0; i < 3; i++) {
            assertThat(table.resolve(new String("/a/x1"))).isEqualTo("/a/{id}");
            assertThat(table.resolve(new String("/b/x1"))).isEqualTo("/b/{id}");
        }
    }

    @Test
    void theMostSpecificTemplateWins() {
        RouteTable routes = RouteTable.of(List.of("/api/**", "/api/accounts/{id}", "/api/accounts/new", "/**"));

        assertThat(routes.resolve("/api/accounts/new")).isEqualTo("/api/accounts/new");
        assertThat(routes.resolve("/api/accounts/42")).isEqualTo("/api/accounts/{id}");
        assertThat(routes.resolve("/api/scores")).isEqualTo("/api/**");
        assertThat(routes.resolve("/other")).isEqualTo("/**");
    }

    @Test
    void anUnknownPathHasNoRoute() {
        assertThat(RouteTable.of(List.of("/api/x")).resolve("/nope")).isNull();
        assertThat(RouteTable.empty().resolve("/nope")).isNull();
    }

    @Test
    void aFloodOfRandomUnmatchedPathsTakesNoCacheSlotAndRealRoutesStillResolve() {
        RouteTable routes = RouteTable.of(List.of("/api/accounts/{id}", "/api/login", "/static/**"));
        assertThat(routes.resolve("/api/login")).isEqualTo("/api/login");

        for (int i = 0; i < 50_000; i++) {
            assertThat(routes.resolve("/" + UUID.randomUUID() + "/" + i)).isNull();
            assertThat(routes.resolve("/api/" + UUID.randomUUID())).isNull();
        }

        assertThat(routes.cachedPaths()).isEqualTo(1);
        assertThat(routes.resolve("/api/login")).isEqualTo("/api/login");
        assertThat(routes.resolve("/api/accounts/42")).isEqualTo("/api/accounts/{id}");
    }

    @Test
    void aFloodOfRandomMatchedPathsStaysWithinTheCacheBoundAndLongPathsAreNeverCached() {
        RouteTable routes = RouteTable.of(List.of("/static/**"));
        for (int i = 0; i < RouteTable.CACHE_SIZE * 3; i++) {
            assertThat(routes.resolve("/static/" + i)).isEqualTo("/static/**");
        }
        assertThat(routes.cachedPaths()).isLessThanOrEqualTo(RouteTable.CACHE_SIZE);

        RouteTable fresh = RouteTable.of(List.of("/static/**"));
        String longPath = "/static/" + "x".repeat(RouteTable.MAX_CACHED_PATH_LENGTH);
        assertThat(fresh.resolve(longPath)).isEqualTo("/static/**");
        assertThat(fresh.cachedPaths()).isZero();
    }

    @Test
    void theFirstSegmentIndexAnswersLikeAScanOfEveryTemplate() {
        List<String> templates =
                List.of("/a/b", "/a/{x}", "/a/**", "/**/b", "/*/c", "/b/**/c", "/{y}/b/c", "/", "/**", "/c");
        RouteTable routes = RouteTable.of(templates);
        Random random = new Random(3);
        String[] segments = {"a", "b", "c", "d"};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder path = new StringBuilder();
            int length = random.nextInt(5);
            for (int s = 0; s < length; s++) {
                path.append('/').append(segments[random.nextInt(segments.length)]);
            }
            String expected = null;
            for (String template : routes.templates()) {
                if (PathPattern.parse(template).matches(path.toString())) {
                    expected = template;
                    break;
                }
            }
            assertThat(routes.resolve(path.toString())).as(path.toString()).isEqualTo(expected);
        }
    }

    @Test
    void manyFirstSegmentsSharingHashSlotsEachFindTheirOwnTemplates() {
        List<String> templates = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            templates.add("/s" + i + "/{id}");
        }
        // "Aa" and "BB" have the same String hash: the index must compare the segment, not only its hash.
        templates.add("/Aa/x");
        templates.add("/BB/x");
        RouteTable routes = RouteTable.of(templates);

        for (int i = 0; i < 300; i++) {
            assertThat(routes.resolve("/s" + i + "/7")).isEqualTo("/s" + i + "/{id}");
        }
        assertThat(routes.resolve("/Aa/x")).isEqualTo("/Aa/x");
        assertThat(routes.resolve("/BB/x")).isEqualTo("/BB/x");
        assertThat(routes.resolve("//s42/7")).isEqualTo("/s42/{id}");
        assertThat(routes.resolve("/s300/7")).isNull();
        assertThat(routes.resolve("/s4")).isNull();
        assertThat(routes.resolve("/")).isNull();
        assertThat(routes.resolve("")).isNull();
    }

    /**
     * probe45a F2: the route is the one the framework sends the request to, which depends on its method; the
     * first template declared answered for every method, and a rule on another method's template never applied.
     */
    @Test
    void aRequestsRouteIsTheMostSpecificThatTakesItsMethod() {
        Map<String, List<String>> methods = new LinkedHashMap<>();
        methods.put("/api/accounts/{accountId}/payment-methods", List.of("GET"));
        methods.put("/api/accounts/me/payment-methods", List.of("GET"));
        methods.put("/api/accounts/{id}/payment-methods", List.of("POST"));
        methods.put("/api/accounts/{id}", List.of());
        RouteTable routes = RouteTable.withMethods(methods);

        for (int round = 0; round < 2; round++) { // the second from the cache
            assertThat(routes.resolve("POST", "/api/accounts/7/payment-methods"))
                    .isEqualTo("/api/accounts/{id}/payment-methods");
            assertThat(routes.resolve("GET", "/api/accounts/7/payment-methods"))
                    .isEqualTo("/api/accounts/{accountId}/payment-methods");
            assertThat(routes.resolve("HEAD", "/api/accounts/7/payment-methods"))
                    .as("HEAD is answered by the GET route")
                    .isEqualTo("/api/accounts/{accountId}/payment-methods");
            assertThat(routes.resolve("POST", "/api/accounts/me/payment-methods"))
                    .as("the alias takes GET only: the framework sends a POST to the variable's route")
                    .isEqualTo("/api/accounts/{id}/payment-methods");
            assertThat(routes.resolve("GET", "/api/accounts/me/payment-methods"))
                    .isEqualTo("/api/accounts/me/payment-methods");
            assertThat(routes.resolve("DELETE", "/api/accounts/me/payment-methods"))
                    .as("no route takes it (405): the most specific")
                    .isEqualTo("/api/accounts/me/payment-methods");
            assertThat(routes.resolve("/api/accounts/7/payment-methods"))
                    .as("whatever the method: the first declared of the most specific")
                    .isEqualTo("/api/accounts/{accountId}/payment-methods");
            assertThat(routes.resolve("PATCH", "/api/accounts/7")).isEqualTo("/api/accounts/{id}");
        }
        assertThat(RouteTable.of(List.of("/a/{id}")).resolve("POST", "/a/1"))
                .as("a table without methods: every template takes every method")
                .isEqualTo("/a/{id}");
    }

    /**
     * review45 F5: the order is Spring MVC's (a pattern capturing the rest last, then fewer variables and
     * wildcards, then the longer one): {@code /api/{version}/{kind}} serves {@code /api/v1/transfers}, not
     * {@code /api/v1/**}, whatever their literal segments.
     */
    @Test
    void theOrderIsSpringMvcsSpecificity() {
        RouteTable routes = RouteTable.of(List.of("/api/v1/**", "/api/{version}/{kind}", "/api/v1/*/x", "/**"));

        assertThat(routes.resolve("/api/v1/transfers")).isEqualTo("/api/{version}/{kind}");
        assertThat(routes.resolve("/api/v1/transfers/x"))
                .as("a wildcard weighs 100 variables, but the rest is captured last")
                .isEqualTo("/api/v1/*/x");
        assertThat(routes.resolve("/api/v1/a/b/c")).isEqualTo("/api/v1/**");
        assertThat(routes.resolve("/other")).isEqualTo("/**");
        assertThat(routes.templates()).containsExactly("/api/{version}/{kind}", "/api/v1/*/x", "/api/v1/**", "/**");
    }

    /**
     * review46 F7, probe46b F1: Spring MVC matches a trailing slash only with a template that captures the rest,
     * or ends with {@code *}; such a path is that template's route. Only where none matches is it the route of
     * the template without the slash, so that a trailing slash escapes no rule.
     */
    @Test
    void aPathWithATrailingSlashIsTheRouteOfTheTemplateSpringServesItWith() {
        RouteTable routes =
                RouteTable.of(List.of("/api/mon/free", "/api/mon/**", "/api/accounts", "/api/x", "/api/x/*"));

        assertThat(routes.resolve("/api/mon/free/")).isEqualTo("/api/mon/**");
        assertThat(routes.resolve("/api/mon/free")).isEqualTo("/api/mon/free");
        assertThat(routes.resolve("/api/x/")).isEqualTo("/api/x/*");
        assertThat(routes.resolve("/api/accounts/"))
                .as("no template of Spring's takes it: the one without the slash, whose rules hold")
                .isEqualTo("/api/accounts");
    }

    /**
     * review45 F1: a template whose handler takes a request only under conditions the client chooses
     * (consumes, params...) is not the route of every request its path and method match: when a less specific
     * template takes the method too, the table says so and the adapter asks the framework.
     */
    @Test
    void aConditionalTemplateBeforeAnotherThatTakesTheMethodIsAmbiguous() {
        Map<String, List<String>> methods = new LinkedHashMap<>();
        methods.put("/api/accounts/me/cards", List.of("POST"));
        methods.put("/api/accounts/{id}/cards", List.of("POST"));
        methods.put("/api/accounts/{id}/cards/{card}", List.of("GET"));
        RouteTable routes =
                RouteTable.withMethods(methods, Set.of("/api/accounts/me/cards", "/api/accounts/{id}/cards/{card}"));

        for (int round = 0; round < 2; round++) {
            assertThat(routes.resolve("POST", "/api/accounts/me/cards")).isEqualTo("/api/accounts/me/cards");
            assertThat(routes.ambiguous("POST", "/api/accounts/me/cards")).isTrue();
            assertThat(routes.ambiguous("GET", "/api/accounts/me/cards"))
                    .as("no template takes GET there")
                    .isFalse();
            assertThat(routes.ambiguous("POST", "/api/accounts/7/cards"))
                    .as("the variable's own route")
                    .isFalse();
            assertThat(routes.ambiguous("GET", "/api/accounts/7/cards/1"))
                    .as("conditional, but nothing less specific to fall to")
                    .isFalse();
        }
        assertThat(RouteTable.withMethods(methods).ambiguous("POST", "/api/accounts/me/cards"))
                .as("no conditional template")
                .isFalse();
    }

    /**
     * review47 F1: Spring breaks a tie in specificity by the methods condition, a handler that names the request's
     * method before one that takes every method; the table kept the order of declaration, so a rate limit on the
     * {@code GET} handler was skipped for {@code GET /t/b/c}, which Spring ran it for.
     */
    @Test
    void aTieInSpecificityGoesToTheTemplateThatNamesTheMethodWhateverTheOrderOfDeclaration() {
        Map<String, List<String>> anyFirst = new LinkedHashMap<>();
        anyFirst.put("/t/b/{y}", List.of());
        anyFirst.put("/t/{x}/c", List.of("GET"));
        Map<String, List<String>> getFirst = new LinkedHashMap<>();
        getFirst.put("/t/{x}/c", List.of("GET"));
        getFirst.put("/t/b/{y}", List.of());
        for (Map<String, List<String>> declared : List.of(anyFirst, getFirst)) {
            RouteTable routes = RouteTable.withMethods(declared);
            assertThat(routes.resolve("GET", "/t/b/c")).as("%s", declared).isEqualTo("/t/{x}/c");
            assertThat(routes.resolve("HEAD", "/t/b/c")).as("%s", declared).isEqualTo("/t/{x}/c");
            assertThat(routes.resolve("POST", "/t/b/c")).as("%s", declared).isEqualTo("/t/b/{y}");
            assertThat(routes.resolve("GET", "/t/b/d")).as("%s", declared).isEqualTo("/t/b/{y}");
        }
    }

    /** review47 F6: only a template whose condition reads parameters makes a body's fields decide the route. */
    @Test
    void aRouteIsDecidedByParametersOnlyWhereAParamsConditionalTemplateTakesTheRequest() {
        Map<String, List<String>> methods = new LinkedHashMap<>();
        methods.put("/q/{id}", List.of("POST"));
        methods.put("/q/me", List.of("POST"));
        methods.put("/f/{id}", List.of("POST"));
        methods.put("/f/me", List.of("POST"));
        RouteTable routes = RouteTable.withMethods(methods, Set.of("/q/me", "/f/me"), Set.of("/f/me"));
        assertThat(routes.ambiguous("POST", "/q/me")).isTrue();
        assertThat(routes.decidedByParameters("POST", "/q/me"))
                .as("a consumes sibling")
                .isFalse();
        assertThat(routes.decidedByParameters("POST", "/f/me"))
                .as("a params sibling")
                .isTrue();
        assertThat(routes.decidedByParameters("GET", "/f/me"))
                .as("a method it does not take")
                .isFalse();
        assertThat(RouteTable.withMethods(methods, Set.of("/q/me")).decidedByParameters("POST", "/q/me"))
                .as("conditional templates of unknown kind read parameters")
                .isTrue();
    }
}
