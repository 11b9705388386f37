package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * probe23 F4, the whole application: README's newsletter rule ({@code field: query:address}) in front of the
 * handler such a route has, {@code @RequestParam String address}, which Spring binds from the query string,
 * a form body (POST through Tomcat, PUT and PATCH through Spring's {@code FormContentFilter}) and a multipart
 * text part, joining several values with a comma. The address moved into the body walked past the rule
 * (200 subscribed); every layout is refused now, and a clean address still reaches the handler whole.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.email.rules.newsletter.paths[0]=/test/newsletter",
            "abuse-guard.email.rules.newsletter.field=query:address",
            "abuse-guard.body.max-bytes=4096",
        })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@Import(NewsletterQueryFieldTest.Newsletter.class)
class NewsletterQueryFieldTest {

    private static final String FORM = "application/x-www-form-urlencoded";

    @RestController
    static class Newsletter {
        @RequestMapping(
                path = "/test/newsletter",
                method = {RequestMethod.POST, RequestMethod.PUT, RequestMethod.PATCH})
        Map<String, String> subscribe(@RequestParam String address) {
            return Map.of("subscribed", address);
        }
    }

    @LocalServerPort
    int port;

    private static String part(String value) {
        return "--b\r\nContent-Disposition: form-data; name=\"address\"\r\n\r\n" + value + "\r\n--b--\r\n";
    }

    @Test
    void aThrowAwayAddressIsRefusedInEveryLayoutTheHandlerBindsItFrom() throws Exception {
        LoopbackClient client = new LoopbackClient(port);
        LoopbackClient.Answer inQuery = client.send(
                "127.0.8.1", "POST", "/test/newsletter?address=bot@mailinator.com", "", "Content-Type", FORM);
        LoopbackClient.Answer inBody = client.send(
                "127.0.8.2", "POST", "/test/newsletter", "address=bot@mailinator.com", "Content-Type", FORM);
        LoopbackClient.Answer both = client.send(
                "127.0.8.3",
                "POST",
                "/test/newsletter?address=ann@gmail.com",
                "address=bot@mailinator.com",
                "Content-Type",
                FORM);
        LoopbackClient.Answer multipart = client.send(
                "127.0.8.4",
                "POST",
                "/test/newsletter",
                part("bot@mailinator.com"),
                "Content-Type",
                "multipart/form-data; boundary=b");
        LoopbackClient.Answer put =
                client.send("127.0.8.5", "PUT", "/test/newsletter", "address=bot@mailinator.com", "Content-Type", FORM);
        LoopbackClient.Answer patch = client.send(
                "127.0.8.6", "PATCH", "/test/newsletter", "address=bot%40mailinator.com", "Content-Type", FORM);

        assertThat(inQuery.status()).as("control: %s", inQuery.body()).isEqualTo(422);
        assertThat(inBody.status()).as("form body: %s", inBody.body()).isEqualTo(422);
        assertThat(both.status()).as("query and body: %s", both.body()).isEqualTo(422);
        assertThat(multipart.status()).as("multipart: %s", multipart.body()).isEqualTo(422);
        assertThat(put.status()).as("PUT form: %s", put.body()).isEqualTo(422);
        assertThat(patch.status()).as("PATCH form: %s", patch.body()).isEqualTo(422);
    }

    @Test
    void aCleanAddressReachesTheHandlerAsItBindsIt() throws Exception {
        LoopbackClient client = new LoopbackClient(port);
        LoopbackClient.Answer inBody =
                client.send("127.0.9.1", "POST", "/test/newsletter", "address=ann%40gmail.com", "Content-Type", FORM);
        LoopbackClient.Answer both = client.send(
                "127.0.9.2",
                "POST",
                "/test/newsletter?address=ann@gmail.com",
                "address=bob@gmail.com",
                "Content-Type",
                FORM);
        LoopbackClient.Answer multipart = client.send(
                "127.0.9.3",
                "POST",
                "/test/newsletter",
                part("ann@gmail.com"),
                "Content-Type",
                "multipart/form-data; boundary=b");
        LoopbackClient.Answer patch =
                client.send("127.0.9.4", "PATCH", "/test/newsletter", "address=ann@gmail.com", "Content-Type", FORM);

        assertThat(inBody.status()).as(inBody.body()).isEqualTo(200);
        assertThat(inBody.body()).contains("\"subscribed\":\"ann@gmail.com\"");
        assertThat(both.status()).as(both.body()).isEqualTo(200);
        assertThat(both.body()).contains("\"subscribed\":\"ann@gmail.com,bob@gmail.com\"");
        assertThat(multipart.status()).as(multipart.body()).isEqualTo(200);
        assertThat(multipart.body()).contains("\"subscribed\":\"ann@gmail.com\"");
        assertThat(patch.status()).as(patch.body()).isEqualTo(200);
        assertThat(patch.body()).contains("\"subscribed\":\"ann@gmail.com\"");
    }

    @Test
    void aBodyPastTheBoundIsRefusedAsBodyFieldsAreNotLetThrough() throws Exception {
        LoopbackClient client = new LoopbackClient(port);
        String pad = "x".repeat(5000);
        LoopbackClient.Answer form = client.send(
                "127.0.10.1",
                "POST",
                "/test/newsletter",
                "address=bot@mailinator.com&pad=" + pad,
                "Content-Type",
                FORM);
        LoopbackClient.Answer multipart = client.send(
                "127.0.10.2",
                "POST",
                "/test/newsletter",
                "--b\r\nContent-Disposition: form-data; name=\"pad\"\r\n\r\n" + pad + "\r\n"
                        + part("bot@mailinator.com"),
                "Content-Type",
                "multipart/form-data; boundary=b");
        assertThat(form.status()).as(form.body()).isEqualTo(413);
        assertThat(form.body()).contains("unreadable-body:too-large");
        assertThat(multipart.status()).as(multipart.body()).isEqualTo(413);
    }
}
