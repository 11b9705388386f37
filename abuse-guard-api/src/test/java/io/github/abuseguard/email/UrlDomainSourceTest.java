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
}
