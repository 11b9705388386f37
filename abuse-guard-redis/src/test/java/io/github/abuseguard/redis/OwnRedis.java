package io.github.abuseguard.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A redis-server of the test's own on a free port, with extra arguments, stopped when closed. */
final class OwnRedis implements AutoCloseable {
    private final int port;
    private final List<String> arguments;
    private Process process;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    OwnRedis(String... arguments) throws IOException {
        RedisAvailability.requireRedis(); // the redis-server binary comes with the service
        List<String> all = new java.util.ArrayList<>(List.of(arguments));
        // a replica writes what it receives to disk: not into the build's working directory
        all.addAll(List.of(
                "--dir", java.nio.file.Files.createTempDirectory("own-redis").toString()));
        this.arguments = all;
        OutageTest.Started started = OutageTest.startOnFreePort(all);
        port = started.port();
        process = started.process();
        client = RedisClient.create("redis://" + (password(arguments) == null ? "" : ":" + password(arguments) + "@")
                + "127.0.0.1:" + port);
        connection = client.connect();
    }

    private static String password(String[] arguments) {
        for (int i = 0; i + 1 < arguments.length; i++) {
            if (arguments[i].equals("--requirepass")) {
                return arguments[i + 1];
            }
        }
        return null;
    }

    /** Stops the server and starts it again on the same port, empty, as a restart without persistence. */
    void restart() throws IOException, InterruptedException {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
        process = OutageTest.startServer(port, arguments);
    }

    int port() {
        return port;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Commands on this server, outside the store. */
    RedisCommands<String, String> commands() {
        return connection.sync();
    }

    @Override
    public void close() throws InterruptedException {
        connection.close();
        client.shutdown();
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
