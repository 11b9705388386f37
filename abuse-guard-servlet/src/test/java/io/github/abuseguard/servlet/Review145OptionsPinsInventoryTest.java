package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.discovery.EndpointInventory;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * review145 F2: the inventory's unrouted share (probe79a F1, review142 F2) keeps for good a made-up path the
 * application answered {@code 2xx}. A servlet answers {@code OPTIONS} for its whole mapping with 200 and its
 * {@code Allow} field ({@code HttpServlet.doOptions}; Tomcat's {@code DefaultServlet} at {@code /} too), whatever the
 * path, so one anonymous client's made-up OPTIONS paths pin every unrouted place, and a path the application serves
 * that no route names, first asked after them, is counted under {@code /{overflow}}: probe79a F1 again, with OPTIONS
 * instead of GET.
 */
class Review145OptionsPinsInventoryTest {

    /** A plain servlet front controller: serves /internal/export, answers 404 to every other GET. */
    static final class FrontController extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (request.getRequestURI().equals("/internal/export")) {
                response.getWriter().write("export");
            } else {
                response.sendError(404);
            }
        }
    }

    private static long requests(EndpointInventory inventory, String template) {
        return inventory.endpoints().stream()
                .filter(view -> view.template().equals(template))
                .mapToLong(EndpointInventory.EndpointView::requests)
                .sum();
    }

    @Test
    void madeUpOptionsPathsDoNotTakeTheServedPathsPlace() throws Exception {
        EndpointInventory inventory = new EndpointInventory(20, 20_000, 10, TimeSource.system());
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().observer(inventory).build())
                .build();
        HttpClient http = HttpClient.newHttpClient();
        try (TestServer server = new TestServer(filter, new FrontController())) {
            int get = http.send(
                            HttpRequest.newBuilder(server.uri("/junk/pa")).build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            assertThat(get).as("GET of a made-up path").isEqualTo(404);
            int options = 0;
            for (int i = 0; i < 10; i++) {
                options = http.send(
                                HttpRequest.newBuilder(server.uri("/junk/q" + (char) ('a' + i)))
                                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode();
            }
            int served = http.send(
                            HttpRequest.newBuilder(server.uri("/internal/export"))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            assertThat(served).isEqualTo(200);

            assertThat(requests(inventory, "/internal/export"))
                    .as("made-up OPTIONS paths answered %s; inventory %s", options, inventory.endpoints())
                    .isEqualTo(1);
        }
    }
}
