package io.github.abuseguard.examples.demo;

import org.springframework.boot.test.context.SpringBootTest;

/**
 * review90 F1: {@link ForwardingRelayCloneTest} under Spring Boot's {@code framework} strategy. Spring's
 * ForwardedHeaderFilter (which trusts every peer) made {@code getServerName()}/{@code getScheme()} the relay's {@code
 * X-Forwarded-Host} and {@code -Proto}, so the target was the clone's origin, equal to {@code Origin}, and the sign-up
 * passed (201). Its test, in a context of its own.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.application.name=review90-framework-relay",
            "server.forward-headers-strategy=framework",
            "abuse-guard.client.trusted-proxies[0]=10.0.0.2/32"
        })
class Review90FrameworkRelayCloneTest extends ForwardingRelayCloneTest {}
