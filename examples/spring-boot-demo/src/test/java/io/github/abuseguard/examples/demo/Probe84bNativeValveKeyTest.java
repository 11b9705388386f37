package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardListener;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.KeyResolver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;

/**
 * probe84b: the demo under Spring Boot's {@code native} forward-headers strategy (its default on Kubernetes, Cloud
 * Foundry and Heroku), with {@code server.tomcat.remoteip.internal-proxies} left at its default. Tomcat's
 * RemoteIpValve then writes whatever a private or loopback peer's {@code X-Forwarded-For} says into
 * {@code getRemoteAddr()}, address or not.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.application.name=probe84b-native-valve",
            "server.forward-headers-strategy=native",
            "abuse-guard.rate-limit.rules.pages.limits[0].capacity=3",
            "abuse-guard.rate-limit.rules.pages.limits[0].period=1m"
        })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@Import(Probe84bNativeValveKeyTest.Keys.class)
class Probe84bNativeValveKeyTest {

    /** Records the client key of every evaluated request. */
    @TestConfiguration
    static class Keys {
        static final List<String> SEEN = new CopyOnWriteArrayList<>();

        @Bean
        GuardListener probe84bKeys() {
            return new GuardListener() {
                @Override
                public void onEvaluation(GuardRequest request, Evaluation evaluation, long elapsedNanos) {
                    SEEN.add(request.client().key());
                }
            };
        }
    }

    @LocalServerPort
    int port;

    /**
     * F1: the valve passes a hop that is no address through as the "address"; ClientResolver keeps a peer it cannot
     * parse as its key, unbounded, so each request with a fresh 6,000-character header is a 6,000-character key in
     * every store it touches (buckets, failure counts, histories, volume tallies), where README's bound is 128
     * characters ("a client cannot inflate the memory its key takes") and its heap estimate about 200 B a key.
     */
    @Test
    void aForwardedHopThatIsNoAddressNeverBecomesALongClientKey() throws Exception {
        LoopbackClient client = new LoopbackClient(port);
        String hop = "z".repeat(6_000);
        Keys.SEEN.clear();
        LoopbackClient.Answer answer =
                client.send("127.0.84.3", "GET", "/", null, "X-Forwarded-For", hop, "Accept", "application/json");
        assertThat(answer.status()).as(answer.body()).isLessThan(500);
        assertThat(Keys.SEEN).as("the request was evaluated").isNotEmpty();
        assertThat(Keys.SEEN)
                .as(
                        "a client-written string is no identity, and no key is longer than %d characters",
                        KeyResolver.MAX_KEY_LENGTH)
                .allSatisfy(key -> assertThat(key.length()).isLessThanOrEqualTo(KeyResolver.MAX_KEY_LENGTH))
                .noneMatch(key -> key.startsWith("zzzz"));
    }
}
