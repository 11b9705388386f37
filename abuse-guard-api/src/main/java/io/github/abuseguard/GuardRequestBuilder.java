package io.github.abuseguard;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** Builds a {@link GuardRequest} from plain values. Obtain one with {@link GuardRequest#builder(String, String)}. */
public final class GuardRequestBuilder {
    private final String method;
    private final String path;
    private @Nullable String route;
    private String targetOrigin = "http://localhost";
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private final Map<String, String> query = new LinkedHashMap<>();
    private ClientIdentity client = ClientIdentity.of("127.0.0.1");
    private @Nullable String sessionId;
    private @Nullable String principal;
    private RequestBody body = RequestBody.empty();

    GuardRequestBuilder(String method, String path) {
        this.method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
        this.path = Objects.requireNonNull(path, "path");
    }

    /** The route template; none by default. */
    public GuardRequestBuilder route(String route) {
        this.route = route;
        return this;
    }

    /** The request's own origin; {@code http://localhost} by default. */
    public GuardRequestBuilder targetOrigin(String targetOrigin) {
        this.targetOrigin = Objects.requireNonNull(targetOrigin, "targetOrigin");
        return this;
    }

    /** Adds one value of a header; repeated calls add further lines. */
    public GuardRequestBuilder header(String name, String value) {
        headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                .add(value);
        return this;
    }

    /** Sets a query parameter. */
    public GuardRequestBuilder queryParameter(String name, String value) {
        query.put(name, value);
        return this;
    }

    /** The client; {@code 127.0.0.1} by default. */
    public GuardRequestBuilder client(ClientIdentity client) {
        this.client = Objects.requireNonNull(client, "client");
        return this;
    }

    /** The client by address, keyed by that address. */
    public GuardRequestBuilder client(String address) {
        return client(ClientIdentity.of(address));
    }

    public GuardRequestBuilder sessionId(String sessionId) {
        this.sessionId = sessionId;
        return this;
    }

    public GuardRequestBuilder principal(String principal) {
        this.principal = principal;
        return this;
    }

    /** A complete body of the given content type. */
    public GuardRequestBuilder body(String contentType, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        this.body = RequestBody.whole(bytes, bytes.length, contentType);
        header("Content-Type", contentType);
        return this;
    }

    public GuardRequest build() {
        // Case-insensitive by its order, so a look-up lower-cases no name.
        Map<String, List<String>> headerCopy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> headerCopy.put(name, List.copyOf(values)));
        return new PlainGuardRequest(
                method,
                path,
                route,
                targetOrigin,
                Collections.unmodifiableMap(headerCopy),
                Map.copyOf(query),
                client,
                sessionId,
                principal,
                body,
                new long[2]);
    }

    private record PlainGuardRequest(
            String method,
            String path,
            @Nullable String route,
            String targetOrigin,
            Map<String, List<String>> headerMap,
            Map<String, String> query,
            ClientIdentity client,
            @Nullable String sessionId,
            @Nullable String principal,
            RequestBody body,
            long[] slots) // the held slots, and 1 once the history is settled
            implements GuardRequest {

        @Override
        public long heldSlots() {
            return slots[0];
        }

        @Override
        public void heldSlots(long held) {
            slots[0] = held;
        }

        @Override
        public boolean historySettled() {
            return slots[1] != 0;
        }

        @Override
        public void historySettled(boolean settled) {
            slots[1] = settled ? 1 : 0;
        }

        @Override
        public @Nullable String header(String name) {
            List<String> values = headers(name);
            return values.isEmpty() ? null : values.get(0);
        }

        @Override
        public List<String> headers(String name) {
            return headerMap.getOrDefault(name, List.of());
        }

        @Override
        public @Nullable String queryParameter(String name) {
            return query.get(name);
        }
    }
}
