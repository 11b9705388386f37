package io.github.abuseguard.benchmarks.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.abuseguard.servlet.ProofSettings;
import io.github.abuseguard.servlet.ProofSolver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ServerProcessTest {
    private static final String CHALLENGE = "c.harness";
    private static final int DIFFICULTY = 8;

    private final AtomicBoolean proved = new AtomicBoolean();
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/scores/game0", exchange -> answer(exchange, proved.get() ? 200 : 403, "{}"));
        server.createContext(ProofSettings.DEFAULT_PATH, exchange -> {
            if (exchange.getRequestMethod().equals("GET")) {
                answer(exchange, 200, "{\"challenge\":\"" + CHALLENGE + "\",\"difficulty\":" + DIFFICULTY + "}");
                return;
            }
            String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (form.equals("challenge=" + CHALLENGE + "&nonce=" + ProofSolver.nonce(CHALLENGE, DIFFICULTY))) {
                proved.set(true);
                answer(exchange, 204, null);
            } else {
                answer(exchange, 403, "{}");
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        if (body == null) {
            exchange.sendResponseHeaders(status, -1);
        } else {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    /** The demo as awaitReady sees it: a process that stays alive, and the answers of the HttpServer above. */
    private ServerProcess demo() {
        return new ServerProcess("demo", server.getAddress().getPort(), new LiveProcess(), System.nanoTime());
    }

    @Test
    void aRouteThatRequiresTheBrowserProofIsReadyOnceTheHarnessGaveIt() throws Exception {
        Duration ready = demo().awaitReady("/api/scores/game0", CostHarness.BROWSER, Duration.ofSeconds(30));

        assertThat(proved).isTrue();
        assertThat(ready).isPositive();
    }

    @Test
    void aRouteStillRefusedOnceProvedIsAnError() {
        server.removeContext("/api/scores/game0");
        server.createContext("/api/scores/game0", exchange -> answer(exchange, 403, "{}"));

        assertThatThrownBy(() -> demo().awaitReady("/api/scores/game0", CostHarness.BROWSER, Duration.ofSeconds(30)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("answered 403");
        assertThat(proved).isTrue();
    }

    @Test
    void aServerThatHandsOutNoChallengeIsNamed() {
        server.removeContext(ProofSettings.DEFAULT_PATH);

        assertThatThrownBy(() -> demo().awaitReady("/api/scores/game0", CostHarness.BROWSER, Duration.ofSeconds(30)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not a challenge of the browser proof");
    }

    /** A process that is alive for as long as the test runs. */
    private static final class LiveProcess extends Process {
        @Override
        public java.io.OutputStream getOutputStream() {
            return java.io.OutputStream.nullOutputStream();
        }

        @Override
        public java.io.InputStream getInputStream() {
            return java.io.InputStream.nullInputStream();
        }

        @Override
        public java.io.InputStream getErrorStream() {
            return java.io.InputStream.nullInputStream();
        }

        @Override
        public int waitFor() {
            throw new UnsupportedOperationException("alive for the whole test");
        }

        @Override
        public int exitValue() {
            throw new IllegalThreadStateException("alive");
        }

        @Override
        public void destroy() {
            // nothing to end
        }

        @Override
        public boolean isAlive() {
            return true;
        }
    }
}
