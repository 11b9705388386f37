package io.github.abuseguard.servlet;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.github.abuseguard.testing.PublicSurface;
import org.junit.jupiter.api.Test;

/** The servlet module never imports Spring, Redis or the modules above it (DESIGN.md, module table). */
class LayeringTest {
    private final JavaClasses servlet = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.github.abuseguard.servlet");

    @Test
    void theServletModuleImportsNoSpringOrRedisTypes() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.springframework..", "io.lettuce..", "io.github.abuseguard.redis..")
                .check(servlet);
    }

    @Test
    void theServletModuleDependsOnNoModuleAboveIt() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.github.abuseguard.spring..",
                        "io.github.abuseguard.examples..",
                        "io.github.abuseguard.benchmarks..")
                .check(servlet);
    }

    @Test
    void theApiModulesInternalsAreUsedOnlyBehindThePublicSurface() {
        noClasses()
                .that()
                .arePublic()
                .and()
                .resideOutsideOfPackage("..internal..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.github.abuseguard.internal..")
                .because("a public type of another module must not expose the api module's internals")
                .check(servlet);
    }

    @Test
    void theServletModuleShowsNoInternalTypeOfTheApiInItsPublicSignatures() {
        PublicSurface.exposesNoInternalType().check(servlet);
    }
}
