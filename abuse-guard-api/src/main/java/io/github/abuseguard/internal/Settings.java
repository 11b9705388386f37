package io.github.abuseguard.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** What settings records do with the collections a binder hands them: keep them, unmodifiable. */
public final class Settings {

    private Settings() {}

    /** An unmodifiable copy of {@code list}, empty for {@code null}; elements may not be {@code null}. */
    public static <T> List<T> copy(@Nullable List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }

    /** An unmodifiable copy of {@code map} in its order (a YAML document's order of rules), empty for {@code null}. */
    public static <K, V> Map<K, V> copy(@Nullable Map<K, V> map) {
        return map == null || map.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /**
     * An optional file's path, {@code null} when blank: {@code deny-file:} left empty, or
     * {@code ${DENY_FILE:}} with the variable unset, means no file (a blank path would name the working
     * directory).
     */
    public static @Nullable String optionalPath(@Nullable String path) {
        return path == null || path.isBlank() ? null : path;
    }

    /**
     * The constant of {@code type} a property value names, as the binders read it: {@code fail-open} is
     * {@code FAIL_OPEN}; for typed forms of the settings' {@code DEFAULT_*} texts.
     */
    public static <E extends Enum<E>> E constant(Class<E> type, String value) {
        return Enum.valueOf(type, value.trim().replace('-', '_').toUpperCase(java.util.Locale.ROOT));
    }
}
