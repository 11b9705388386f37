package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/**
 * review159 F5: UserNames.FOLDS is read when UserNames is first initialised, which is the first request whose key
 * reads a user name (even a plain ASCII one), not start-up: with the table missing (a shaded or minimised jar, a native
 * image without the resource registered) the application starts, a {@code body:/username} key is configured without
 * complaint, and every sign-in then fails with an Error (ExceptionInInitializerError, then NoClassDefFoundError),
 * which the guard's {@code catch (RuntimeException)} does not catch: a 500 per request instead of a failed start.
 */
class Review159MissingFoldsTableTest {

    /** The api's classes, loaded apart, with the table's resource hidden. */
    private static final class WithoutTable extends URLClassLoader {
        WithoutTable(URL classes, ClassLoader parent) {
            super(new URL[] {classes}, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("io.github.abuseguard.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException e) {
                        c = super.loadClass(name, false);
                    }
                }
                return c;
            }
        }

        @Override
        public URL getResource(String name) {
            return name.endsWith("user-name-folds.txt") ? null : super.getResource(name);
        }

        @Override
        public InputStream getResourceAsStream(String name) {
            return name.endsWith("user-name-folds.txt") ? null : super.getResourceAsStream(name);
        }
    }

    @Test
    void aMissingTableFailsAtStartUpNotAtTheFirstSignIn() throws Exception {
        URL classes = UserNames.class.getProtectionDomain().getCodeSource().getLocation();
        try (WithoutTable loader = new WithoutTable(classes, getClass().getClassLoader())) {
            Class<?> resolvers = loader.loadClass("io.github.abuseguard.KeyResolver");
            Method parse = resolvers.getDeclaredMethod("parse", String.class);
            parse.setAccessible(true);
            Throwable atStartUp = null;
            try {
                parse.invoke(null, "ip"); // start-up: configuring any key
            } catch (InvocationTargetException e) {
                atStartUp = e.getCause();
            }
            assertThat(atStartUp)
                    .as("configuring a key without the table fails at start-up, naming it")
                    .isNotNull();
            Throwable cause = atStartUp;
            StringBuilder messages = new StringBuilder();
            for (; cause != null; cause = cause.getCause()) {
                messages.append(cause.getMessage()).append('\n');
            }
            assertThat(messages.toString()).contains("user-name-folds.txt");
        }
    }
}
