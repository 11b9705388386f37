package io.github.abuseguard.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.testing.FakeTimeSource;
import org.junit.jupiter.api.Test;

/** review142: the two shares of the inventory (c171a360, probe79a F1). */
class Review142InventoryShareTest {

    private static GuardRequest post(String path, String route) {
        return GuardRequest.builder("POST", path)
                .route(route)
                .client("203.0.113.9")
                .build();
    }

    private static long requests(EndpointInventory inventory, String template) {
        return inventory.endpoints().stream()
                .filter(view -> view.template().equals(template))
                .mapToLong(EndpointInventory.EndpointView::requests)
                .sum();
    }

    /**
     * F1: a route's first request came with no route (refused before the framework matched it: a guard's 429, a 405),
     * so its template's entry was made in the unrouted share; every later request the framework routed is recorded
     * into that same entry. A login under credential stuffing answers 401, never 2xx, so the entry stays "unanswered"
     * and made-up paths 404 evict it with its counts: the stuffing run vanishes from the inventory.
     */
    @Test
    void aRoutesEntryFirstMadeForAnUnroutedRequestIsNotEvictedByMadeUpPaths() {
        EndpointInventory inventory = new EndpointInventory(20, 20_000, 4, new FakeTimeSource());
        inventory.observe(post("/api/login", null), 429); // refused before dispatch: no route
        for (int i = 0; i < 50; i++) {
            inventory.observe(post("/api/login", "/api/login"), 401); // the framework routed these
        }
        for (int i = 0; i < 8; i++) {
            inventory.observe(post("/junk/p" + (char) ('a' + i), null), 404);
        }
        assertThat(requests(inventory, "/api/login"))
                .as("51 requests on a route the framework named")
                .isEqualTo(51);
    }

    /**
     * F2: a 3xx counts as the application answering a made-up path. Behind an authentication filter (Spring Security's
     * form login, an SSO filter) every path an anonymous client sends, made up or not, is answered 302 to the login
     * page before any route is matched, so one anonymous client's made-up paths pin every unrouted place for good; a
     * real path no route names (a filter-served endpoint, a servlet outside the framework), first seen after them, is
     * counted under the overflow.
     */
    @Test
    void redirectedMadeUpPathsDoNotPinTheUnroutedShare() {
        EndpointInventory inventory = new EndpointInventory(20, 20_000, 10, new FakeTimeSource());
        for (int i = 0; i < 40; i++) {
            inventory.observe(post("/junk/p" + (char) ('a' + i / 20) + "/q" + (char) ('a' + i % 20), null), 302);
        }
        inventory.observe(post("/internal/export", null), 200);
        assertThat(requests(inventory, "/internal/export"))
                .as("a path the application served, not the overflow")
                .isEqualTo(1);
    }
}
