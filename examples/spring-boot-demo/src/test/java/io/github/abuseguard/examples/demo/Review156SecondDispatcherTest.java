package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
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
 * review156 F3: the spelling of probe84a F1 asks the DispatcherServlet found by {@code getIfUnique()}: an application
 * with a second DispatcherServlet bean (a legacy API under /legacy/*) has none unique, so no request is spelt, and
 * under a case-insensitive PathPatternParser GET /API/SCORES/chess is answered without the proof again.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            Operator.NAME,
            Operator.PASSWORD,
            Operator.ROLES,
            "abuse-guard.proof.required-paths=/api/scores/**,/api/giftcards/**,/legacy/api/scores/**"
        })
@Import(Review156SecondDispatcherTest.CaseInsensitiveRoutesAndASecondDispatcher.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class Review156SecondDispatcherTest {
    private static final AtomicInteger CLIENTS = new AtomicInteger(1);

    @TestConfiguration(proxyBeanMethods = false)
    static class CaseInsensitiveRoutesAndASecondDispatcher implements WebMvcConfigurer {
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
        return "127.159." + (n / 200) + "." + (10 + n % 200);
    }

    @Test
    void aProofRequiredRouteSpeltInCapitalsStillNeedsTheProofBesideASecondDispatcher() throws Exception {
        LoopbackClient client = new LoopbackClient(port);
        LoopbackClient.Answer asDeclared = client.send(address(), "GET", "/api/scores/chess", null);
        assertThat(asDeclared.status()).as(asDeclared.body()).isEqualTo(403);
        LoopbackClient.Answer inCapitals = client.send(address(), "GET", "/API/SCORES/chess", null);
        assertThat(inCapitals.status())
                .as("the scores handler, run for the path in capitals: " + inCapitals.body())
                .isEqualTo(403);
    }

    /**
     * review157 F2: the spelling put the primary dispatcher's prefix before the second one's patterns, so
     * /legacy/API/SCORES/chess was never spelt and the property rule written for the legacy paths did not apply.
     */
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
