package io.github.abuseguard.spring;

import io.github.abuseguard.email.internal.BounceNotifications;
import io.github.abuseguard.identity.ClientResolver;
import io.github.abuseguard.servlet.ConnectionPeer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Serves the bounce-notification endpoint: reads a bounded body and answers what {@link
 * BounceNotifications} made of it, problems as {@code application/problem+json}. SNS posts with
 * {@code Content-Type: text/plain}, so the content type is not checked.
 */
final class BounceNotificationServlet extends HttpServlet {
    private final transient BounceNotifications notifications;
    private final transient Runnable afterAccepted;
    private final transient ClientResolver clients;
    private final int maxBodyBytes;

    BounceNotificationServlet(
            BounceNotifications notifications, Runnable afterAccepted, ClientResolver clients, int maxBodyBytes) {
        this.notifications = notifications;
        this.afterAccepted = afterAccepted;
        this.clients = clients;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getContentLengthLong() > maxBodyBytes) {
            problem(response, 413, "Too large", "the body is larger than " + maxBodyBytes + " bytes");
            return;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (InputStream in = request.getInputStream()) {
            byte[] chunk = new byte[8192];
            int read;
            while ((read = in.read(chunk)) != -1) {
                if (body.size() + read > maxBodyBytes) {
                    problem(response, 413, "Too large", "the body is larger than " + maxBodyBytes + " bytes");
                    return;
                }
                body.write(chunk, 0, read);
            }
        }
        BounceNotifications.Outcome outcome = notifications.handle(
                body.toString(StandardCharsets.UTF_8),
                request.getHeader("Authorization"),
                // the sender as the guards tell it (behind a trusted proxy, the forwarded client), whose
                // network's share of certificate fetches a notification may spend (review98 F1)
                ConnectionPeer.client(clients, request).address());
        if (outcome.accepted()) {
            afterAccepted.run();
            response.setStatus(outcome.status());
            return;
        }
        if (outcome.status() == 503) {
            response.setHeader("Retry-After", "60");
        }
        problem(response, outcome.status(), outcome.title(), outcome.detail());
    }

    private static void problem(HttpServletResponse response, int status, String title, String detail)
            throws IOException {
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter()
                .write("{\"type\":\"about:blank\",\"status\":" + status + ",\"title\":" + quote(title) + ",\"detail\":"
                        + quote(detail) + "}");
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
