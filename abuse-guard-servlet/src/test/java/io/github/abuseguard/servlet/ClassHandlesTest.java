package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Handles are kept per class, so two class loaders' copies of a container class never share them. */
class ClassHandlesTest {
    /** The class a container would have, loaded again by a class loader of its own. */
    public static final class Facade {}

    private static Class<?> facadeOfAnotherLoader() throws ClassNotFoundException {
        URL classes = Facade.class.getProtectionDomain().getCodeSource().getLocation();
        ClassLoader isolated = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader());
        return Class.forName(Facade.class.getName(), false, isolated);
    }

    @Test
    void eachClassOfTheNameGetsItsOwnHandlesFoundOnce() throws Exception {
        List<Class<?>> inspected = new ArrayList<>();
        ClassHandles<Class<?>> handles = new ClassHandles<>(Facade.class.getName(), type -> {
            inspected.add(type);
            return type;
        });
        Class<?> first = Facade.class;
        Class<?> second = facadeOfAnotherLoader();
        assertThat(second).isNotSameAs(first);

        for (int i = 0; i < 3; i++) {
            assertThat(handles.get(first)).isSameAs(first);
            assertThat(handles.get(second))
                    .as("never the other loader's handles")
                    .isSameAs(second);
        }
        assertThat(inspected).containsExactly(first, second);
        assertThat(handles.get(String.class)).as("another class name").isNull();
        assertThat(inspected).hasSize(2);
    }

    @Test
    void aLayoutNotRecognisedIsNotInspectedAgainAndClassesAreBounded() throws Exception {
        List<Class<?>> inspected = new ArrayList<>();
        ClassHandles<Class<?>> handles = new ClassHandles<>(Facade.class.getName(), type -> {
            inspected.add(type);
            return null;
        });
        assertThat(handles.get(Facade.class)).isNull();
        assertThat(handles.get(Facade.class)).isNull();
        assertThat(inspected).hasSize(1);

        ClassHandles<Class<?>> bounded = new ClassHandles<>(Facade.class.getName(), type -> type);
        List<Class<?>> loaded = new ArrayList<>();
        for (int i = 0; i < ClassHandles.MAX + 1; i++) {
            loaded.add(facadeOfAnotherLoader());
        }
        for (int i = 0; i < ClassHandles.MAX; i++) {
            assertThat(bounded.get(loaded.get(i))).isSameAs(loaded.get(i));
        }
        assertThat(bounded.get(loaded.get(ClassHandles.MAX)))
                .as("past the bound, the servlet API")
                .isNull();
    }
}
