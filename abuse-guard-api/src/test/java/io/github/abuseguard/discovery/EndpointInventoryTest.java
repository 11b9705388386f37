package io.github.abuseguard.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.testing.FakeTimeSource;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EndpointInventoryTest {
    private final EndpointInventory inventory = EndpointInventory.withDefaults(new FakeTimeSource());

    @Test
    void tenThousandRandomIdPathsFoldIntoTheirFewTemplates() {
        Random random = new Random(42);
        Set<String> templates = new TreeSet<>();
        for (int i = 0; i < 10_000; i++) {
            String path = switch (i % 4) {
                case 0 -> "/login/" + random.nextInt(1_000_000);
                case 1 -> "/api/orders/" + UUID.randomUUID() + "/items";
                case 2 -> "/api/users/" + Long.toHexString(random.nextLong() | Long.MIN_VALUE) + "abcd";
                default -> "/api/giftcards/GC" + random.nextInt(1_000_000_000) + "X" + random.nextInt(1000);
            };
            String template = inventory.template(path, null);
            inventory.record("GET", template, 200, false);
            templates.add(template);
        }
        assertThat(inventory.endpoints())
                .extracting(EndpointInventory.EndpointView::template)
                .contains("/login/{var1}", "/api/orders/{var1}/items", "/api/users/{var1}", "/api/giftcards/{var1}");
        assertThat(inventory.size())
                .as("gift-card codes are not obvious ids: the first 20 stay literal")
                .isLessThanOrEqualTo(4 + 20);
        assertThat(inventory.template("/login/999", null)).isEqualTo("/login/{var1}");
        assertThat(inventory.template("/api/giftcards/GCANYTHING", null)).isEqualTo("/api/giftcards/{var1}");
    }

    @Test
    void aMillionJunkPathsKeepTheInventoryAtItsBounds() {
        EndpointInventory bounded = new EndpointInventory(20, 5_000, 500, new FakeTimeSource());
        Random random = new Random(7);
        for (int i = 0; i < 1_000_000; i++) {
            StringBuilder path = new StringBuilder();
            int depth = 1 + random.nextInt(6);
            for (int d = 0; d < depth; d++) {
                path.append('/').append((char) ('a' + random.nextInt(26))).append(random.nextInt(50) < 25 ? "x" : "yz");
            }
            bounded.record("GET", bounded.template(path.toString(), null), 404, false);
        }
        assertThat(bounded.size()).isLessThanOrEqualTo(500 + 1);
        assertThat(bounded.nodes()).isLessThanOrEqualTo(5_000 + 64);
    }

    private static GuardRequest get(String path, String route) {
        return GuardRequest.builder("GET", path)
                .route(route)
                .client("203.0.113.9")
                .build();
    }

    private static java.util.List<String> templates(EndpointInventory inventory) {
        return inventory.endpoints().stream()
                .map(EndpointInventory.EndpointView::template)
                .toList();
    }

    /**
     * probe79a F1: one address's 2,000 made-up paths (at most 20 values per segment position, so nothing folds), each
     * answered 404, took every place of the inventory for good, and every route first requested after them was
     * counted under {@code /{overflow}}: a credential-stuffing run on {@code POST /api/login} was not listed.
     */
    @Test
    void madeUpPathsDoNotTakeTheApplicationsRoutesPlaces() {
        EndpointInventory bounded = new EndpointInventory(20, 20_000, 100, new FakeTimeSource());
        for (int i = 0; i < 1_000; i++) {
            bounded.observe(
                    get(
                            "/q" + (char) ('a' + i / 400) + "/r" + (char) ('a' + i / 20 % 20) + "/s"
                                    + (char) ('a' + i % 20),
                            null),
                    404);
        }
        bounded.observe(get("/api/login", "/api/login"), 401);
        bounded.observe(get("/api/accounts/7/verify", null), 404);

        assertThat(templates(bounded)).contains("/api/login");
        assertThat(bounded.size())
                .as("100 places for each share, and the overflow's")
                .isLessThanOrEqualTo(201);
    }

    /**
     * Once the folds of unrouted paths fill their share, a fold the application answers (a shadow endpoint a servlet
     * outside the framework serves) takes the place of one only ever refused or not found; made-up paths answered 404
     * never take an answered fold's place.
     */
    @Test
    void anAnsweredUnroutedPathTakesAJunkPathsPlaceAndJunkNeverTakesAnAnsweredOnes() {
        EndpointInventory bounded = new EndpointInventory(20, 20_000, 10, new FakeTimeSource());
        for (int i = 0; i < 9; i++) {
            bounded.observe(get("/legacy/v" + (char) ('a' + i), null), 200);
        }
        for (int i = 0; i < 400; i++) { // at most 20 values at a segment position: nothing folds
            bounded.observe(get("/j/x" + (char) ('a' + i / 20) + "/y" + (char) ('a' + i % 20), null), 404);
        }
        bounded.observe(get("/internal/export", null), 200);
        for (int i = 0; i < 400; i++) {
            bounded.observe(get("/k/z" + (char) ('a' + i / 20) + "/w" + (char) ('a' + i % 20), null), 404);
        }

        assertThat(templates(bounded))
                .as("every answered unrouted path, after 800 made-up ones")
                .contains("/internal/export", "/legacy/va", "/legacy/vi");
        assertThat(templates(bounded).stream().filter(t -> t.startsWith("/legacy/")))
                .hasSize(9);
        assertThat(bounded.size()).isLessThanOrEqualTo(10 + 1);
    }

    @Test
    void aKnownRouteTemplateIsUsedAsItIsAndTheInventoryExportsAsJson() {
        inventory.record("POST", inventory.template("/api/accounts/7/verify", "/api/accounts/{id}/verify"), 200, true);
        inventory.record("POST", inventory.template("/api/accounts/8/verify", "/api/accounts/{id}/verify"), 401, true);
        EndpointInventory.EndpointView view = inventory.endpoints().get(0);
        assertThat(view.template()).isEqualTo("/api/accounts/{id}/verify");
        assertThat(view.requests()).isEqualTo(2);
        assertThat(view.statusClasses()).containsEntry("2xx", 1L).containsEntry("4xx", 1L);
        assertThat(inventory.toJson())
                .startsWith("[{\"template\":\"/api/accounts/{id}/verify\",\"methods\":[\"POST\"],\"requests\":2,")
                .contains("\"statusClasses\":{\"2xx\":1,\"4xx\":1}");
    }

    @Test
    void anEndpointReportsWhenItWasFirstAndLastSeenAndItsCountsByStatusClass() {
        FakeTimeSource time = new FakeTimeSource();
        EndpointInventory timed = EndpointInventory.withDefaults(time);
        java.time.Instant start = time.instant();

        timed.record("GET", "/api/scores/{game}", 200, true);
        time.advance(java.time.Duration.ofMinutes(5));
        timed.record("POST", "/api/scores/{game}", 404, true);
        timed.record("GET", "/api/scores/{game}", 200, true);

        EndpointInventory.EndpointView view = timed.endpoints().get(0);
        assertThat(view.firstSeen()).isEqualTo(start);
        assertThat(view.lastSeen()).isEqualTo(start.plus(java.time.Duration.ofMinutes(5)));
        assertThat(view.requests()).isEqualTo(3);
        assertThat(view.methods()).containsExactlyInAnyOrder("GET", "POST");
        assertThat(view.statusClasses()).containsEntry("2xx", 2L).containsEntry("4xx", 1L);
    }

    @Test
    void anEndpointListsItsMethodsInTheOrderFirstSeenAndCountsEveryStatus() {
        inventory.record("GET", "/api/items", 200, true);
        inventory.record("POST", "/api/items", 200, true);
        inventory.record("GET", "/api/items", 600, true); // no status class, but a request
        for (int i = 0; i < 20; i++) {
            inventory.record("M" + i, "/api/items", 0, true);
        }

        EndpointInventory.EndpointView view = inventory.endpoints().get(0);
        assertThat(view.methods()).hasSize(16).startsWith("GET", "POST", "M0").endsWith("M13");
        assertThat(view.requests()).isEqualTo(23);
        assertThat(view.statusClasses()).containsExactly(java.util.Map.entry("2xx", 2L));
    }

    /**
     * probe31 F1: the inventory kept up to 16 methods per template as sent; made-up methods of 7.8 KB on 2,100
     * paths pinned 245 MB. A request's method that is not a registered one is counted as {@code OTHER}.
     */
    @Test
    void aMadeUpMethodIsCountedAsOther() {
        for (int i = 0; i < 20; i++) {
            inventory.observe(
                    GuardRequest.builder("M" + i + "Q".repeat(7_800), "/api/items")
                            .build(),
                    400);
        }
        inventory.observe(GuardRequest.builder("GET", "/api/items").build(), 200);
        inventory.observe(GuardRequest.builder("PROPFIND", "/api/items").build(), 207);
        inventory.observe(GuardRequest.builder("get", "/api/items").build(), 400);

        EndpointInventory.EndpointView view = inventory.endpoints().get(0);
        assertThat(view.methods()).containsExactly("OTHER", "GET", "PROPFIND");
        assertThat(view.requests()).isEqualTo(23);
        assertThat(inventory.toJson()).doesNotContain("QQQQ");
    }

    /**
     * cfg36 F1: a kept template named after a more general one that also matches its paths was never the
     * answer (the first kept match won), so a sequence rule's step {@code /api/items/special}, named after
     * a rule's {@code /api/items/{id}}, was recorded as the general one in the plain filter.
     */
    @Test
    void theMostSpecificKeptTemplateWinsInWhateverOrderTheyWereKept() {
        inventory.keep("/api/**");
        inventory.keep("/api/items/{id}");
        inventory.keep("/api/items/special");
        inventory.keep("/api/items/{id}/**");
        inventory.keep("/api/items/{id}/notes");

        assertThat(inventory.template("/api/items/special", null)).isEqualTo("/api/items/special");
        assertThat(inventory.template("/api/items/7", null)).isEqualTo("/api/items/{id}");
        assertThat(inventory.template("/api/items/7/notes", null)).isEqualTo("/api/items/{id}/notes");
        assertThat(inventory.template("/api/items/7/notes/3", null)).isEqualTo("/api/items/{id}/**");
        assertThat(inventory.template("/api/other", null)).isEqualTo("/api/**");
        assertThat(inventory.keptTemplates())
                .containsExactlyInAnyOrder(
                        "/api/**",
                        "/api/items/{id}",
                        "/api/items/special",
                        "/api/items/{id}/**",
                        "/api/items/{id}/notes");
    }

    @Test
    void lastSeenMovesByTheMillisecondNotByEveryRequest() {
        FakeTimeSource time = new FakeTimeSource();
        EndpointInventory timed = EndpointInventory.withDefaults(time);
        java.time.Instant start = time.instant();

        timed.record("GET", "/api/scores/{game}", 200, true);
        time.advance(java.time.Duration.ofNanos(999_999));
        timed.record("GET", "/api/scores/{game}", 200, true);
        assertThat(timed.endpoints().get(0).lastSeen()).isEqualTo(start);

        time.advance(java.time.Duration.ofNanos(1));
        timed.record("GET", "/api/scores/{game}", 200, true);
        assertThat(timed.endpoints().get(0).lastSeen()).isEqualTo(start.plusMillis(1));
    }

    @Test
    void aKeptTemplateListsThePathsItMatchesInsteadOfFoldingThem() {
        inventory.keep("/api/accounts/{id}/verify");
        inventory.keep("/api/accounts/{id}/verify");

        for (int i = 0; i < 50; i++) {
            inventory.observe(
                    GuardRequest.builder("POST", "/api/accounts/" + i + "/verify")
                            .build(),
                    200);
        }
        inventory.observe(GuardRequest.builder("POST", "/api/accounts/7/close").build(), 200);

        assertThat(inventory.keptTemplates()).containsExactly("/api/accounts/{id}/verify");
        assertThat(inventory.endpoints())
                .extracting(EndpointInventory.EndpointView::template, EndpointInventory.EndpointView::requests)
                .containsExactly(tuple("/api/accounts/{id}/verify", 50L), tuple("/api/accounts/{var1}/close", 1L));
    }

    @Test
    void keptTemplatesAreBounded() {
        for (int i = 0; i < EndpointInventory.MAX_KEPT; i++) {
            inventory.keep("/kept/" + i);
        }
        assertThatThrownBy(() -> inventory.keep("/one/more"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("at most " + EndpointInventory.MAX_KEPT);
    }

    @Test
    void pathsAreWrittenInCanonicalFormWhateverSlashesTheyCarry() {
        assertThat(inventory.template("", null)).isEqualTo("/");
        assertThat(inventory.template("///", null)).isEqualTo("/");
        assertThat(inventory.template("/health", null)).isEqualTo("/health");
        assertThat(inventory.template("/api/news/", null)).isEqualTo("/api/news");
        assertThat(inventory.template("//api//news", null)).isEqualTo("/api/news");
        assertThat(inventory.template("api/news", null)).isEqualTo("/api/news");
        assertThat(inventory.template("/api/orders/17/items/", null)).isEqualTo("/api/orders/{var1}/items");
        assertThat(inventory.template("/a/1/b/2", null)).isEqualTo("/a/{var1}/b/{var2}");
        String deep = "/s".repeat(40);
        assertThat(inventory.template(deep, null)).isEqualTo("/s".repeat(32));
    }

    /** probe52d F6: the operators' view listed made-up paths with e-mail addresses and tokens as sent. */
    @Test
    void anAddressOrATokenInAPathIsMaskedInTheOperatorsView() {
        assertThat(EndpointInventory.shown("/password-reset/alice@example.com")).isEqualTo("/password-reset/***");
        assertThat(EndpointInventory.shown("/reset/9f8a7b6c5d4e3f2a1b0c9d8e7f6a"))
                .isEqualTo("/reset/***");
        assertThat(EndpointInventory.shown("/reset/alice%40example.com")).isEqualTo("/reset/***");
        assertThat(EndpointInventory.shown("/reset/aZ3kQ9pL2mX7"))
                .as("a 12-character token")
                .isEqualTo("/reset/***");
        assertThat(EndpointInventory.shown("/call/4915112345678"))
                .as("a phone number")
                .isEqualTo("/call/***");
        assertThat(EndpointInventory.shown("/api/v2/scores/{game}"))
                .as("a version")
                .isEqualTo("/api/v2/scores/{game}");
        assertThat(EndpointInventory.shown("/api/notification-preferences-settings/{id}"))
                .as("a route's own long word")
                .isEqualTo("/api/notification-preferences-settings/{id}");
        // review57 F5: a token without a digit was shown as sent
        assertThat(EndpointInventory.shown("/reset/kQpLmXzRtYvBnWcE"))
                .as("a base64url token of letters")
                .isEqualTo("/reset/***");
        assertThat(EndpointInventory.shown("/magic/qwhdjskalqpwoeirutyzmxncbv"))
                .as("a lower-case token of 26 letters")
                .isEqualTo("/magic/***");
        assertThat(EndpointInventory.shown("/api/getUserProfileSettings"))
                .as("a camel-case route word")
                .isEqualTo("/api/getUserProfileSettings");
    }

    /** review55 F10: the export a file or a dashboard keeps listed such paths as sent. */
    @Test
    void anAddressInAPathIsMaskedInTheExportToo() {
        inventory.template("/password-reset/alice@example.com", null);
        inventory.observe(
                io.github.abuseguard.GuardRequest.builder("GET", "/password-reset/alice@example.com")
                        .build(),
                404);

        assertThat(inventory.toJson()).contains("/password-reset/***").doesNotContain("alice");
    }
}
