package io.github.abuseguard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The api module is framework-free, as DESIGN.md's module table says. */
class LayeringTest {
    private final JavaClasses api = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.github.abuseguard");

    @Test
    void theApiModuleImportsNoServletSpringOrRedisTypes() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("jakarta.servlet..", "javax.servlet..", "org.springframework..", "io.lettuce..")
                .check(api);
    }

    @Test
    void theApiModuleDependsOnNoOtherModuleOfThisProject() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.github.abuseguard.servlet..",
                        "io.github.abuseguard.spring..",
                        "io.github.abuseguard.redis..",
                        "io.github.abuseguard.examples..",
                        "io.github.abuseguard.benchmarks..")
                .check(api);
    }
}
