package io.github.abuseguard.redis;

import static org.junit.jupiter.api.Assertions.fail;

import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;

/**
 * The Redis the tests talk to: {@code ABUSE_GUARD_REDIS_URI}, or {@code redis://127.0.0.1:6379}. When it
 * is unreachable the tests are skipped with a loud reason, except on CI ({@code CI=true}), where a
 * missing Redis fails the build.
 */
final class RedisAvailability {
    static final String URI = System.getenv().getOrDefault("ABUSE_GUARD_REDIS_URI", "redis://127.0.0.1:6379");

    /**
     * The connect timeout of the tests' stores, which are not about connecting: a JVM's first connection under
     * a loaded build (class loading, the handshake) took more than the default 1 s, and Lettuce then failed
     * the connect, or closed the connection it had just handed over, rejecting its first command with
     * "Currently not connected". ConnectTimeoutTest tests the timeout itself.
     */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private RedisAvailability() {}

    static String requireRedis() {
        RedisURI uri = RedisURI.create(URI);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 1000);
            return URI;
        } catch (IOException e) {
            String reason = "Redis is not reachable at " + URI + " (" + e.getMessage() + "). Start one with "
                    + "'redis-server --port 6379 --save \"\"' or point ABUSE_GUARD_REDIS_URI at one.";
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true and " + reason);
            }
            System.err.println("SKIPPING Redis tests: " + reason);
            Assumptions.abort(reason);
            return null;
        }
    }

    /** A store on {@code uri} under {@code prefix}, on {@code clock}, with a generous command timeout. */
    static RedisStateStore store(String uri, String prefix, io.github.abuseguard.TimeSource clock) {
        return RedisStateStore.builder()
                .connectTimeout(CONNECT_TIMEOUT)
                .uri(uri)
                .keyPrefix(prefix)
                .commandTimeout(Duration.ofSeconds(5))
                .timeSource(clock)
                .build();
    }
}
