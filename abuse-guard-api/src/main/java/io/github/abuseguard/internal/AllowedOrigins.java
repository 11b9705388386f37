package io.github.abuseguard.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A list of allowed origins, as an origin rule's {@code allowed-origins} reads them
 * ({@code scheme://host[:port]} or {@code scheme://*.domain}), that answers whether an {@code Origin}
 * header's value is one of them; {@code null} and values that are not an origin never are.
 */
public final class AllowedOrigins implements Predicate<String> {

    private final List<OriginPattern> patterns;

    private AllowedOrigins(List<OriginPattern> patterns) {
        this.patterns = patterns;
    }

    /**
     * The origins {@code patterns} name.
     *
     * @throws IllegalArgumentException naming the first pattern that is not an origin
     */
    public static AllowedOrigins of(List<String> patterns) {
        List<OriginPattern> parsed = new ArrayList<>(patterns.size());
        for (String pattern : patterns) {
            parsed.add(OriginPattern.parse(pattern));
        }
        return new AllowedOrigins(List.copyOf(parsed));
    }

    @Override
    public boolean test(String originHeader) {
        WebOrigin origin = originHeader == null ? null : WebOrigin.ofOriginHeader(originHeader);
        if (origin == null) {
            return false;
        }
        for (OriginPattern pattern : patterns) {
            if (pattern.matches(origin)) {
                return true;
            }
        }
        return false;
    }
}
