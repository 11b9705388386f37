package io.github.abuseguard.redis;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.github.abuseguard.testing.PublicSurface;
import org.junit.jupiter.api.Test;

/** The Redis module depends on the api only: no servlet, no Spring (DESIGN.md, module table). */
class LayeringTest {

    @Test
    void theRedisModuleImportsNoServletOrSpringTypes() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "jakarta.servlet..",
                        "org.springframework..",
                        "io.github.abuseguard.servlet..",
                        "io.github.abuseguard.spring..")
                .check(new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.github.abuseguard.redis"));
    }

    @Test
    void theRedisModuleShowsNoInternalTypeOfTheApiInItsPublicSignatures() {
        PublicSurface.exposesNoInternalType()
                .check(new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.github.abuseguard.redis"));
    }
}
