package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The api's packages state their nullness (JSpecify), so a caller knows where {@code null} may appear. */
class NullMarkedPackagesTest {

    @Test
    void everyApiPackageIsNullMarked() throws ClassNotFoundException {
        Set<String> packages = new TreeSet<>();
        for (JavaClass type : new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("io.github.abuseguard")) {
            packages.add(type.getPackageName());
        }

        assertThat(packages)
                .contains("io.github.abuseguard", "io.github.abuseguard.config", "io.github.abuseguard.ratelimit");
        for (String name : packages) {
            Package info = Class.forName(name + ".package-info").getPackage();
            assertThat(info.isAnnotationPresent(NullMarked.class))
                    .as("%s is @NullMarked", name)
                    .isTrue();
        }
    }

    /**
     * Implementations that answer never-null where their supertype allows null, on purpose: a flag and a
     * denial always name their guard and reason (their constructors refuse null), and the {@code ip} and
     * {@code network} keys always have a value. Named by the implementing class (the enclosing one for
     * an anonymous class or an enum constant's body) and method.
     */
    private static final Set<String> NEVER_NULL_ON_PURPOSE = Set.of(
            "io.github.abuseguard.Decision$Flag.guard",
            "io.github.abuseguard.Decision$Flag.reason",
            "io.github.abuseguard.Decision$Deny.action",
            "io.github.abuseguard.Decision$Deny.guard",
            "io.github.abuseguard.Decision$Deny.reason",
            "io.github.abuseguard.KeySpec.resolve");

    /**
     * In a {@code @NullMarked} package an unannotated return type means "never null", so an implementation
     * of a method declared {@code @Nullable} (such as {@link KeyResolver#resolve}) must say so too, or be
     * listed in {@link #NEVER_NULL_ON_PURPOSE}: a caller holding the implementation's type would otherwise
     * be told null cannot come.
     */
    @Test
    void anImplementationOfANullableMethodIsDeclaredNullableToo() throws ClassNotFoundException {
        List<String> unmarked = new ArrayList<>();
        for (JavaClass type : new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("io.github.abuseguard")) {
            Class<?> implementation =
                    Class.forName(type.getName(), false, getClass().getClassLoader());
            for (Method method : implementation.getDeclaredMethods()) {
                if (method.isSynthetic()
                        || method.isBridge()
                        || method.getReturnType().isPrimitive()
                        || method.getAnnotatedReturnType().isAnnotationPresent(Nullable.class)) {
                    continue;
                }
                Method declared = nullableDeclaration(implementation, method);
                String name = named(implementation).getName() + "." + method.getName();
                if (declared != null && !NEVER_NULL_ON_PURPOSE.contains(name)) {
                    unmarked.add(
                            name + " implements " + declared.getDeclaringClass().getName() + "." + declared.getName());
                }
            }
        }
        assertThat(unmarked).isEmpty();
    }

    private static Class<?> named(Class<?> type) {
        Class<?> named = type;
        while (named.isAnonymousClass()) {
            named = named.getEnclosingClass();
        }
        return named;
    }

    /** A supertype's declaration of {@code method} whose return type is {@code @Nullable}, or null. */
    private static @Nullable Method nullableDeclaration(Class<?> type, Method method) {
        Deque<Class<?>> supertypes = new ArrayDeque<>(List.of(type.getInterfaces()));
        if (type.getSuperclass() != null) {
            supertypes.add(type.getSuperclass());
        }
        while (!supertypes.isEmpty()) {
            Class<?> supertype = supertypes.poll();
            try {
                Method declared = supertype.getDeclaredMethod(method.getName(), method.getParameterTypes());
                if (declared.getAnnotatedReturnType().isAnnotationPresent(Nullable.class)) {
                    return declared;
                }
            } catch (NoSuchMethodException notDeclaredThere) {
                // look further up
            }
            supertypes.addAll(List.of(supertype.getInterfaces()));
            if (supertype.getSuperclass() != null) {
                supertypes.add(supertype.getSuperclass());
            }
        }
        return null;
    }
}
