package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A list served by a local HTTP server: picked up, refreshed on change, kept when the server goes away. */
class UrlDomainSourceTest {

    @Test
    void aServedListIsPickedUpRefreshedConditionallyAndKeptWhenTheServerGoesAway() throws Exception {
        AtomicReference<String> body = new AtomicReference<>("# list v1\nfresh-spam.example\n");
        AtomicInteger notModified = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/list.txt", exchange -> {
            String current = body.get();
            String etag = "\"" + Integer.toHexString(current.hashCode()) + "\"";
            if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                notModified.incrementAndGet();
                exchange.sendResponseHeaders(304, -1);
            } else {
                byte[] bytes = current.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("ETag", etag);
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        server.start();
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/list.txt");
        try (UrlDomainSource source = new UrlDomainSource(uri, Duration.ofHours(1), Duration.ofSeconds(5))) {
            source.refreshNow().join();
            assertThat(source.current().match("fresh-spam.example")).isEqualTo("fresh-spam.example");

            int before = notModified.get();
            source.refreshNow().join();
            assertThat(notModified).as("an unchanged list is a 304").hasValue(before + 1);

            body.set("newer-spam.example\n");
            source.refreshNow().join();
            assertThat(source.current().match("newer-spam.example")).isNotNull();
            assertThat(source.current().match("fresh-spam.example")).isNull();

            // probe48c F6: a 200 that is no list (empty, an error page, a file cut to a few lines) or that names a
            // whole top-level domain does not replace the list
            body.set("newer-spam.example\nother-spam.example\nthird-spam.example\nfourth-spam.example\n");
            source.refreshNow().join();
            assertThat(source.current().size()).isEqualTo(4);
            for (String broken : new String[] {
                "",
                "<html><body>502 Bad Gateway</body></html>\n",
                "newer-spam.example\n",
                "com\nnewer-spam.example\n" + "other-spam.example\nthird-spam.example\nfourth-spam.example\n"
            }) {
                body.set(broken);
                source.refreshNow().join();
                assertThat(source.current().size()).as(broken).isEqualTo(4);
                assertThat(source.current().match("gmail.com")).as(broken).isNull();
            }

            // review50 F6: a line of one label is left out and the rest taken (before, one `localhost` line kept the
            // whole list away); a list that really lost more than half is taken once answered alike three times
            body.set("localhost\nfifth-spam.example\nnewer-spam.example\nother-spam.example\nthird-spam.example\n");
            source.refreshNow().join();
            assertThat(source.current().match("fifth-spam.example")).isNotNull();
            assertThat(source.current().size()).isEqualTo(4);
            body.set("pruned-spam.example\n");
            for (int answer = 1; answer < UrlDomainSource.SHRINKS_TAKEN; answer++) {
                source.refreshNow().join();
                assertThat(source.current().size())
                        .as("answer %d of the pruned list", answer)
                        .isEqualTo(4);
            }
            source.refreshNow().join();
            assertThat(source.current().match("pruned-spam.example")).isNotNull();
            assertThat(source.current().size()).isEqualTo(1);

            server.stop(0);
            source.refreshNow().join();
            assertThat(source.current().match("pruned-spam.example"))
                    .as("the last good list stays")
                    .isNotNull();
        } finally {
            server.stop(0);
        }
    }

    /**
     * review52 F5: only the size of a shrunken answer was compared, and a 304 between them did not count, so an origin
     * flapping between broken answers cut at the same length, or between a broken answer and the real list's 304, was
     * taken for a prune after three. Answers alike are byte for byte alike, in a row.
     */
    @Test
    void aShrunkenAnswerIsAPruneOnlyWhenAnsweredByteForByteThreeTimesInARow() throws Exception {
        java.util.Deque<String> answers = new java.util.ArrayDeque<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/list.txt", exchange -> {
            String next = answers.isEmpty() ? "304" : answers.poll();
            if (next.equals("304")) {
                exchange.sendResponseHeaders(304, -1);
            } else {
                byte[] bytes = next.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("ETag", "\"" + Integer.toHexString(next.hashCode()) + "\"");
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        server.start();
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/list.txt");
        try (UrlDomainSource source = new UrlDomainSource(uri, Duration.ofHours(1), Duration.ofSeconds(5))) {
            answers.add("a-spam.example\nb-spam.example\nc-spam.example\nd-spam.example\n");
            source.refreshNow().join();
            assertThat(source.current().size()).isEqualTo(4);

            for (String answer : new String[] {
                "x1-spam.example\n",
                "y1-spam.example\n",
                "z1-spam.example\n", // alike in size only
                "x1-spam.example\n",
                "304",
                "x1-spam.example\n",
                "x1-spam.example\n" // a 304 in between
            }) {
                answers.add(answer);
                source.refreshNow().join();
                assertThat(source.current().size())
                        .as("after %s", answer.strip())
                        .isEqualTo(4);
            }
            answers.add("x1-spam.example\n");
            source.refreshNow().join();
            assertThat(source.current().match("x1-spam.example"))
                    .as("the third byte-for-byte answer in a row")
                    .isNotNull();
        } finally {
            server.stop(0);
        }
    }
}
