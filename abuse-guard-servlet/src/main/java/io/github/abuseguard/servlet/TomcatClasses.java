package io.github.abuseguard.servlet;

import org.jspecify.annotations.Nullable;

/** Finds a container's classes (Tomcat's, and Jetty's for ContainerAuthentication) without needing them on the class path. */
final class TomcatClasses {
    private TomcatClasses() {}

    /**
     * The class {@code name} as the class loader of {@code user} resolves it, not initialised;
     * {@code null} when that loader sees no such class (another container) or cannot link it.
     */
    static @Nullable Class<?> facade(String name, Class<?> user) {
        try {
            return Class.forName(name, false, user.getClassLoader());
        } catch (ClassNotFoundException | LinkageError notTomcat) {
            return null;
        }
    }
}
