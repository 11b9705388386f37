package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * probe79b F2 (Tomcat): README's newsletter rule ({@code query:address}) in front of a POST form handler. Tomcat 11
 * answers 400 to a form (or query string) with bytes that are no UTF-8 (Spring Boot's request encoding); on the
 * guarded route the filter's own form parser decodes them as U+FFFD and the handler subscribes
 * {@code ann\uFFFDx@gmail.com}, a value Tomcat never hands it. Turning a rule on changes what the application
 * receives, and byte strings the container tells apart ({@code %FF}, {@code %FE}, {@code %C3}) become one value.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.email.rules.newsletter.paths[0]=/test/newsletter",
            "abuse-guard.email.rules.newsletter.field=query:address",
        })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@Import(Probe79bUndecodableFormDemoTest.Newsletter.class)
class Probe79bUndecodableFormDemoTest {

    private static final String FORM = "application/x-www-form-urlencoded";

    @RestController
    static class Newsletter {
        @PostMapping("/test/newsletter")
        Map<String, String> subscribe(@RequestParam String address) {
            return Map.of("subscribed", address);
        }

        @PostMapping("/test/unguarded-newsletter")
        Map<String, String> unguarded(@RequestParam String address) {
            return Map.of("subscribed", address);
        }
    }

    @LocalServerPort
    int port;

    @Test
    void aFormTomcatRefusesIsNotHandedToTheHandlerWithReplacedBytes() throws Exception {
        LoopbackClient client = new LoopbackClient(port);
        int n = 1;
        for (String[] request : List.of(
                new String[] {"/test/%s", "address=ann%FFx@gmail.com"},
                new String[] {"/test/%s", "address=ann%C3x@gmail.com"},
                new String[] {"/test/%s?x=%FF", "address=ann@gmail.com"})) {
            LoopbackClient.Answer plain = client.send(
                    "127.0.9." + n++,
                    "POST",
                    request[0].replace("%s", "unguarded-newsletter"),
                    request[1],
                    "Content-Type",
                    FORM);
            LoopbackClient.Answer guarded = client.send(
                    "127.0.9." + n++, "POST", request[0].replace("%s", "newsletter"), request[1], "Content-Type", FORM);
            assertThat(plain.status())
                    .as("control, unguarded: %s %s", request[0], request[1])
                    .isEqualTo(400);
            assertThat(guarded.status())
                    .as(
                            "guarded %s %s: %s",
                            request[0], request[1], guarded.body().replace("\uFFFD", "<U+FFFD>"))
                    .isEqualTo(400);
        }
    }
}
