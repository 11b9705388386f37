package io.github.abuseguard.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Redis's {@code MONITOR} on a plain socket: the commands clients send, as Redis received them. A
 * command is counted when one of its arguments contains the watched text, so tests sharing the server
 * do not disturb the count; commands that scripts run inside Redis are not round trips and are left out.
 */
final class RedisMonitor implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader reader;
    private final String uri;
    private final String watched;

    RedisMonitor(String uri, String watched) throws IOException {
        this.uri = uri;
        this.watched = watched;
        RedisURI parsed = RedisURI.create(uri);
        socket = new Socket();
        socket.connect(new InetSocketAddress(parsed.getHost(), parsed.getPort()), 10_000);
        socket.setSoTimeout(60_000); // bounds a failure only: each read ends at the next line Redis sends
        reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = socket.getOutputStream();
        out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String reply = reader.readLine();
        if (!"+OK".equals(reply)) {
            throw new IOException("MONITOR refused: " + reply);
        }
    }

    /**
     * The commands clients sent with the watched text since the last call: sends a marker through
     * another connection and reads up to it, so every earlier command has been seen.
     */
    List<String> commandsSoFar() throws IOException {
        String marker = "monitor-marker-" + UUID.randomUUID();
        RedisClient client = RedisClient.create(uri);
        try (var connection = client.connect()) {
            connection.sync().echo(marker);
        } finally {
            client.shutdown();
        }
        List<String> commands = new ArrayList<>();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.contains(marker)) {
                return commands;
            }
            if (line.contains(watched) && !line.contains(" lua]")) {
                commands.add(line);
            }
        }
        throw new IOException("the monitor connection closed before the marker");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
