package io.github.abuseguard.spring;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.github.abuseguard.testing.PublicSurface;
import org.junit.jupiter.api.Test;

/**
 * The starter may use the api module's internals, as our own module, but shows none of them to an
 * application; and it depends on no module above it.
 */
class LayeringTest {
    private final JavaClasses starter = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.github.abuseguard.spring");

    @Test
    void theStarterShowsNoInternalTypeOfTheApiInItsPublicSignatures() {
        PublicSurface.exposesNoInternalType().check(starter);
    }

    @Test
    void theStarterDependsOnNoModuleAboveIt() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.github.abuseguard.examples..", "io.github.abuseguard.benchmarks..")
                .check(starter);
    }
}
