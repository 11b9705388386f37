package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.servlet.AbuseGuardFilter;
import io.github.abuseguard.servlet.DemoFilterState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
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
 *
 * <p>Each proof is sent once the one before it has its outcome, read from the filter (a body read taken) or from the
 * connection (an answer and its end). flake83 F1: the test waited for Tomcat's count of busy threads instead, so a later
 * proof could take the read of an earlier one that was on a thread but had not reached its read yet; the earlier one
 * was refused, and the test waited for a third busy thread that existed only for a moment, then gave up after its
 * minute (4 runs in 450 under load).
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

    /** Only bounds a read that never ends: every answer this test waits for comes without it. */
    private static final int NEVER_MILLIS = 60_000;

    @LocalServerPort
    int port;

    @Autowired
    FilterRegistrationBean<AbuseGuardFilter> filter;

    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // a proof form whose first bytes arrive, the rest never: the address's 2 reads hold 2 threads, and
                // its further proofs are refused at once (429 too-many-body-reads)
                "application/x-www-form-urlencoded|1000|challenge=|2|429",
                // another type: answered 415 at once, the 2 MB it declared dropped, no thread held
                "text/plain|2000000|x|0|415"
            })
    void oneAddressSendingProofsSlowlyHoldsOnlyItsShareOfRequestThreads(
            String type, int length, String start, int held, int refused) throws Exception {
        AbuseGuardFilter guard = filter.getFilter();
        for (int i = 0; i < THREADS; i++) {
            Socket socket = connect("127.0.0.5");
            socket.getOutputStream()
                    .write(("POST /abuse-guard/proof HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + type
                                    + "\r\nContent-Length: " + length + "\r\n\r\n" + start)
                            .getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            if (i < held) {
                // read on its request thread within the address's share, before the next proof is sent
                DemoFilterState.awaitBodyReads(guard, i + 1);
            } else {
                // the share is taken (or nothing is read): answered, and the connection ended, without the body
                assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                        .as("proof %d of the address, beyond its %d body reads", i + 1, held)
                        .startsWith("HTTP/1.1 " + refused)
                        .contains("Connection: close");
            }
        }

        Socket other = connect("127.0.0.9");
        other.getOutputStream()
                .write("GET /actuator/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
        String answer;
        try {
            answer = new String(other.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (SocketTimeoutException noThreadLeft) {
            answer = "no answer within " + NEVER_MILLIS / 1000 + " s";
        }
        assertThat(answer)
                .as("another address's request while one address holds " + THREADS + " slow proofs")
                .startsWith("HTTP/1.1 200");
    }

    private Socket connect(String address) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.bind(new InetSocketAddress(address, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), NEVER_MILLIS);
        socket.setSoTimeout(NEVER_MILLIS);
        return socket;
    }
}
