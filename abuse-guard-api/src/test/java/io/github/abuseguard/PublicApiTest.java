package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.github.abuseguard.internal.ContentType;
import io.github.abuseguard.testing.PublicApi;
import io.github.abuseguard.testing.SurfaceFixtures;
import io.github.abuseguard.testing.internal.ModuleInternal;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The api module's public types are the ones its baseline lists, on purpose (see {@link PublicApi}). */
class PublicApiTest {

    @Test
    void thePublicTypesAreTheOnesTheBaselineLists() {
        PublicApi.assertMatches(
                PublicApi.ofModule(AbuseGuard.class),
                PublicApi.baseline("io/github/abuseguard/public-api.txt"),
                "abuse-guard-api/src/test/resources/io/github/abuseguard/public-api.txt");
    }

    @Test
    void aNewPublicTypeFailsTheCheckUntilTheBaselineListsItAndAListedTypeMustStillBePublic()
            throws ClassNotFoundException {
        SortedSet<String> types = PublicApi.types(new ClassFileImporter()
                .importClasses(
                        SurfaceFixtures.class,
                        SurfaceFixtures.Leaky.class,
                        Class.forName("io.github.abuseguard.testing.SurfaceFixtures$Hidden"),
                        Class.forName("io.github.abuseguard.testing.SurfaceFixtures$Hidden$Inner"),
                        ContentType.class,
                        ModuleInternal.class));
        assertThat(types)
                .as("a public member of a package-private type and the types of internal packages are not API")
                .containsExactly(SurfaceFixtures.class.getName(), SurfaceFixtures.Leaky.class.getName());

        assertThatThrownBy(() -> PublicApi.assertMatches(
                        types, new TreeSet<>(List.of(SurfaceFixtures.class.getName())), "the fixture"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("+ io.github.abuseguard.testing.SurfaceFixtures$Leaky");
        SortedSet<String> stale = new TreeSet<>(types);
        stale.add("io.github.abuseguard.Gone");
        assertThatThrownBy(() -> PublicApi.assertMatches(types, stale, "the fixture"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("- io.github.abuseguard.Gone");
        PublicApi.assertMatches(types, new TreeSet<>(types), "the fixture");
    }
}
