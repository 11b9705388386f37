package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;
import org.apache.tomcat.util.threads.ThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.annotation.DirtiesContext;

/**
 * probe81a F2: the browser proof's endpoint ({@code POST /abuse-guard/proof}), which the filter answers itself
 * before any guard, reads its form on the request thread without taking one of the client's body reads
 * ({@code abuse-guard.body.max-concurrent-reads-per-client}), and its refusals of a body it does not read (415 for
 * another Content-Type, 413 for a form over 512 bytes) leave the rest of the body to Tomcat, which reads it, as slowly as
 * it comes, on the request thread, before that thread serves anything else (the filter's own refusals say
 * {@code Connection: close} and tell Tomcat to drop it: TomcatUnreadBody). So one address that sends proofs slowly
 * holds every request thread, which a guarded route's slow bodies cannot (probe29 F1). Scaled down here: 4 request
 * threads, 2 body reads per client (Tomcat's 200 and the default 20 keep that ratio at a tenth).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "server.tomcat.threads.max=4",
            "server.tomcat.threads.min-spare=1",
            "abuse-guard.body.max-concurrent-reads-per-client=2"
        })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class Probe81aProofSlowBodyTest {
    private static final int THREADS = 4;

    @LocalServerPort
    int port;

    @Autowired
    WebServerApplicationContext context;

    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                // a proof form whose first bytes arrive, the rest never (or a byte a minute)
                "application/x-www-form-urlencoded|1000|challenge=",
                // another type: answered 415 at once, then Tomcat reads the 2 MB it declared
                "text/plain|2000000|x"
            })
    void oneAddressSendingProofsSlowlyHoldsOnlyItsShareOfRequestThreads(String slowProof) throws Exception {
        String[] parts = slowProof.split("\\|");
        ThreadPoolExecutor threads = requestThreads();
        for (int i = 0; i < THREADS; i++) {
            Socket socket = connect("127.0.0.5");
            socket.getOutputStream()
                    .write(("POST /abuse-guard/proof HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + parts[0]
                                    + "\r\nContent-Length: " + parts[1] + "\r\n\r\n" + parts[2])
                            .getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            // on a request thread now, or refused at once: only the ones a thread holds matter
            int held = i + 1;
            await(() -> threads.getActiveCount() >= held || answered(socket));
        }

        Socket other = connect("127.0.0.9");
        other.setSoTimeout(10_000); // a free thread answers in milliseconds
        other.getOutputStream()
                .write("GET /actuator/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
        String answer;
        try {
            answer = new String(other.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (java.net.SocketTimeoutException noThreadLeft) {
            answer = "no answer within 10 s";
        }
        assertThat(answer)
                .as("another address's request while one address holds " + THREADS + " slow proofs")
                .startsWith("HTTP/1.1 200");
    }

    private ThreadPoolExecutor requestThreads() {
        Executor executor = ((TomcatWebServer) context.getWebServer())
                .getTomcat()
                .getConnector()
                .getProtocolHandler()
                .getExecutor();
        return (ThreadPoolExecutor) executor;
    }

    /** Whether the connection has an answer waiting (a refusal sent at once). */
    private static boolean answered(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            return in.available() > 0;
        } catch (IOException closed) {
            return true;
        }
    }

    private Socket connect(String address) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.bind(new InetSocketAddress(address, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(20_000);
        return socket;
    }

    /** Waits for what the server does on its own threads; a test that never gets there fails after a minute. */
    private static void await(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime())
                    .as("the slow proofs never reached the server")
                    .isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }
}
