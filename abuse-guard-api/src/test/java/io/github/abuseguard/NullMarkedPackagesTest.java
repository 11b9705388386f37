package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.NullMarked;
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
}
