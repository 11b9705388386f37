package io.github.abuseguard.spring;

import io.github.abuseguard.testing.PublicApi;
import org.junit.jupiter.api.Test;

/** This module's public types are the ones its baseline lists, on purpose (see {@link PublicApi}). */
class PublicApiTest {

    @Test
    void thePublicTypesAreTheOnesTheBaselineLists() {
        PublicApi.assertMatches(
                PublicApi.ofModule(AbuseGuardAutoConfiguration.class),
                PublicApi.baseline("io/github/abuseguard/spring/public-api.txt"),
                "abuse-guard-spring-starter/src/test/resources/io/github/abuseguard/spring/public-api.txt");
    }
}
