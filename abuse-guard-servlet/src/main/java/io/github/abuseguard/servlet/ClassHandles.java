package io.github.abuseguard.servlet;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Handles found by reflection on a container's class, kept per class: two web applications on two
 * Tomcat class loaders in one JVM have two facade classes, and the handles of one must never be used on
 * the other's objects (a {@code ClassCastException} that would fail the guard). At most {@link #MAX}
 * classes are inspected; a further class is answered {@code null}, so the caller takes the servlet API.
 * The handles are kept by this class, not by the container's (no {@code ClassValue}), so a web
 * application's copy of this library does not pin its class loader through the container's classes.
 *
 * @param <T> the handles
 */
final class ClassHandles<T> {
    /** Classes inspected at most: one per Tomcat class loader in the JVM. */
    static final int MAX = 4;

    private record Entry<T>(Class<?> type, @Nullable T handles) {}

    private final String className;
    private final Function<Class<?>, @Nullable T> find;

    @SuppressWarnings("unchecked")
    private volatile Entry<T>[] entries = new Entry[0];

    /**
     * @param className the only class name inspected; any other class is answered {@code null}
     * @param find the handles for a class of that name, or {@code null} when its layout is not the expected one
     */
    ClassHandles(String className, Function<Class<?>, @Nullable T> find) {
        this.className = Objects.requireNonNull(className, "className");
        this.find = Objects.requireNonNull(find, "find");
    }

    /** The handles for {@code type}, found once; {@code null} for a class they do not apply to. */
    @Nullable
    T get(Class<?> type) {
        for (Entry<T> entry : entries) {
            if (entry.type == type) {
                return entry.handles;
            }
        }
        return type.getName().equals(className) ? learn(type) : null;
    }

    private synchronized @Nullable T learn(Class<?> type) {
        Entry<T>[] known = entries;
        for (Entry<T> entry : known) {
            if (entry.type == type) {
                return entry.handles;
            }
        }
        if (known.length == MAX) {
            return null;
        }
        T handles = find.apply(type);
        Entry<T>[] more = Arrays.copyOf(known, known.length + 1);
        more[known.length] = new Entry<>(type, handles);
        entries = more;
        return handles;
    }
}
