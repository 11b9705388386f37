package io.github.abuseguard.redis;

import io.github.abuseguard.testing.PublicApi;
import org.junit.jupiter.api.Test;

/** This module's public types are the ones its baseline lists, on purpose (see {@link PublicApi}). */
class PublicApiTest {

    @Test
    void thePublicTypesAreTheOnesTheBaselineLists() {
        PublicApi.assertMatches(
                PublicApi.ofModule(RedisStateStore.class),
                PublicApi.baseline("io/github/abuseguard/redis/public-api.txt"),
                "abuse-guard-redis/src/test/resources/io/github/abuseguard/redis/public-api.txt");
    }
}
