package io.github.abuseguard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.github.abuseguard.testing.PublicSurface;
import io.github.abuseguard.testing.SurfaceFixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The api module is framework-free, as DESIGN.md's module table says; its core names no guard, and the
 * guard packages meet only in the core (the guard contract, the SPI, the store, the settings binder).
 */
class LayeringTest {
    /** The guard packages: each owns its guard, rules, settings and factory. */
    static final List<String> GUARDS =
            List.of("ratelimit", "origin", "email", "client", "sequence", "failure", "volume");

    /** The core: the engine and guard contract, the configuration SPI and binder, stores, client identity. */
    static final String[] CORE = {
        "io.github.abuseguard",
        "io.github.abuseguard.config..",
        "io.github.abuseguard.store..",
        "io.github.abuseguard.identity..",
        "io.github.abuseguard.internal..",
        "io.github.abuseguard.discovery.."
    };

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
    void theCoreNamesNoGuardSoGuardsPlugInThroughTheFactorySpi() {
        noClasses()
                .that()
                .resideInAnyPackage(CORE)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(GUARDS.stream()
                        .map(g -> "io.github.abuseguard." + g + "..")
                        .toArray(String[]::new))
                .check(api);
    }

    @Test
    void guardPackagesDoNotDependOnEachOther() {
        for (String guard : GUARDS) {
            noClasses()
                    .that()
                    .resideInAPackage("io.github.abuseguard." + guard + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(GUARDS.stream()
                            .filter(other -> !other.equals(guard))
                            .map(other -> "io.github.abuseguard." + other + "..")
                            .toArray(String[]::new))
                    .because("guards meet only through the core and the GuardFactory SPI")
                    .check(api);
        }
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

    @Test
    void theApiShowsNoInternalTypeInItsPublicSignatures() {
        PublicSurface.exposesNoInternalType().check(api);
    }

    @Test
    void theSurfaceRuleCatchesAnInternalTypeInAPublicSignatureButNotInAHiddenType() throws ClassNotFoundException {
        assertThatThrownBy(() -> PublicSurface.exposesNoInternalType()
                        .check(new ClassFileImporter().importClasses(SurfaceFixtures.Leaky.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Leaky types(...) returns io.github.abuseguard.internal.ContentType");
        assertThatThrownBy(() -> PublicSurface.exposesNoInternalType()
                        .check(new ClassFileImporter().importClasses(SurfaceFixtures.LeakyModuleInternal.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(
                        "LeakyModuleInternal internal(...) returns io.github.abuseguard.testing.internal.ModuleInternal");
        PublicSurface.exposesNoInternalType()
                .check(new ClassFileImporter()
                        .importClasses(Class.forName("io.github.abuseguard.testing.SurfaceFixtures$Hidden$Inner")));
    }
}
