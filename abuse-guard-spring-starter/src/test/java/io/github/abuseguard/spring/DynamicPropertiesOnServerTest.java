package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Mode;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * review103: abuse-guard's properties are bound when the web server factory is made; properties a test gives with
 * {@code @DynamicPropertySource} are in the environment by then and are applied on a real server. (A {@code
 * DynamicPropertyRegistrar} bean's are added after the server's filters are made: README's known limit.)
 */
class DynamicPropertiesOnServerTest {

    @SpringBootTest(classes = App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    @org.junit.jupiter.api.Nested
    class FromADynamicPropertySource {
        @DynamicPropertySource
        static void properties(DynamicPropertyRegistry registry) {
            registry.add("abuse-guard.mode", () -> "monitor");
        }

        @Autowired
        AbuseGuard engine;

        @Test
        void isApplied() {
            assertThat(engine.mode()).isEqualTo(Mode.MONITOR);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {}
}
