package io.github.abuseguard.servlet;

import io.github.abuseguard.testing.PublicApi;
import org.junit.jupiter.api.Test;

/** This module's public types are the ones its baseline lists, on purpose (see {@link PublicApi}). */
class PublicApiTest {

    @Test
    void thePublicTypesAreTheOnesTheBaselineLists() {
        PublicApi.assertMatches(
                PublicApi.ofModule(AbuseGuardFilter.class),
                PublicApi.baseline("io/github/abuseguard/servlet/public-api.txt"),
                "abuse-guard-servlet/src/test/resources/io/github/abuseguard/servlet/public-api.txt");
    }
}
