package io.github.abuseguard.servlet;

import org.jspecify.annotations.Nullable;

/** Finds Tomcat's classes without needing Tomcat on the class path. */
final class TomcatClasses {
    private TomcatClasses() {}

    /**
     * The class {@code name} as the class loader of {@code user} resolves it, not initialised;
     * {@code null} when that loader sees no Tomcat (another container) or cannot link it.
     */
    static @Nullable Class<?> facade(String name, Class<?> user) {
        try {
            return Class.forName(name, false, user.getClassLoader());
        } catch (ClassNotFoundException | LinkageError notTomcat) {
            return null;
        }
    }
}
