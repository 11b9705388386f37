package io.github.abuseguard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Merges the response headers two guards ask for. List-valued fields (RFC 9110 section 5.3), such as
 * {@code Vary} and {@code Cache-Control}, are combined member by member, without duplicates and
 * regardless of case; for any other field the first guard's value stands, because the engine asks
 * guards in order of precedence and a later guard must not undo an earlier one's answer.
 */
final class ResponseHeaders {

    private static final List<String> LIST_FIELDS =
            List.of("vary", "cache-control", "link", "access-control-expose-headers", "timing-allow-origin");

    private ResponseHeaders() {}

    /** The headers of {@code first} and {@code second} together; neither argument is changed. */
    static Map<String, String> merge(Map<String, String> first, Map<String, String> second) {
        Map<String, String> merged = new LinkedHashMap<>(first);
        for (Map.Entry<String, String> header : second.entrySet()) {
            String existingName = nameIgnoringCase(merged, header.getKey());
            if (existingName == null) {
                merged.put(header.getKey(), header.getValue());
            } else if (LIST_FIELDS.contains(existingName.toLowerCase(Locale.ROOT))) {
                merged.put(existingName, mergeMembers(merged.get(existingName), header.getValue()));
            }
        }
        return Map.copyOf(merged);
    }

    private static String nameIgnoringCase(Map<String, String> headers, String name) {
        for (String existing : headers.keySet()) {
            if (existing.equalsIgnoreCase(name)) {
                return existing;
            }
        }
        return null;
    }

    private static String mergeMembers(String first, String second) {
        List<String> members = new ArrayList<>();
        for (String value : new String[] {first, second}) {
            for (String member : value.split(",")) {
                String trimmed = member.trim();
                if (!trimmed.isEmpty() && members.stream().noneMatch(trimmed::equalsIgnoreCase)) {
                    members.add(trimmed);
                }
            }
        }
        return String.join(", ", members);
    }
}
