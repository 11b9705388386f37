package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.PathMatchConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * review157 F2: with a second DispatcherServlet under /legacy/* (README: "guard the others' paths with property
 * rules") and a case-insensitive PathPatternParser, the spelling asks the dispatcher that serves the request (review156
 * F3) but puts the PRIMARY dispatcher's prefix ("") before its pattern: /legacy/API/SCORES/chess is lined up against
 * /api/scores/{game}, one segment short, and left as sent. The property rule written for the legacy paths
 * (proof.required-paths /legacy/api/scores/**) does not match the capitals, and the score is answered without the
 * proof.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            Operator.NAME,
            Operator.PASSWORD,
            Operator.ROLES,
            "abuse-guard.proof.required-paths=/api/scores/**,/api/giftcards/**,/legacy/api/scores/**"
        })
@Import(Review157SecondDispatcherPrefixTest.CaseInsensitiveRoutesAndALegacyDispatcher.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class Review157SecondDispatcherPrefixTest {
    private static final AtomicInteger CLIENTS = new AtomicInteger(1);

    @TestConfiguration(proxyBeanMethods = false)
    static class CaseInsensitiveRoutesAndALegacyDispatcher implements WebMvcConfigurer {
        @Override
        public void configurePathMatch(PathMatchConfigurer configurer) {
            PathPatternParser parser = new PathPatternParser();
            parser.setCaseSensitive(false);
            configurer.setPatternParser(parser);
        }

        @Bean
        DispatcherServlet legacyDispatcher() {
            return new DispatcherServlet();
        }

        @Bean
        ServletRegistrationBean<DispatcherServlet> legacyRegistration(DispatcherServlet legacyDispatcher) {
            ServletRegistrationBean<DispatcherServlet> registration =
                    new ServletRegistrationBean<>(legacyDispatcher, "/legacy/*");
            registration.setName("legacyDispatcher");
            return registration;
        }
    }

    @LocalServerPort
    int port;

    private static String address() {
        int n = CLIENTS.getAndIncrement();
        return "127.158." + (n / 200) + "." + (10 + n % 200);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"/api/scores/chess", "/API/SCORES/chess", "/legacy/api/scores/chess", "/legacy/API/SCORES/chess"
            })
    void aProofRequiredPathNeedsTheProofUnderEitherDispatcherHoweverSpelt(String path) throws Exception {
        LoopbackClient.Answer answer = new LoopbackClient(port).send(address(), "GET", path, null);
        assertThat(answer.status())
                .as("GET " + path + ", which a DispatcherServlet answers with the scores handler, by a client that"
                        + " never ran the page's proof: " + answer.body())
                .isEqualTo(403);
    }
}
