package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.spring.annotation.AbuseGuardExempt;
import io.github.abuseguard.spring.annotation.RateLimit;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * review46b: the fields a form shows Spring MVC's handler mappings, where a handler takes a request only under a
 * {@code params} condition, are those the dispatch sees, for every method and body, on a real Tomcat: a limited
 * handler is never served under its exempt sibling's route.
 */
@SpringBootTest(classes = FormRoutesOnServerTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FormRoutesOnServerTest {
    private static final String FORM = "application/x-www-form-urlencoded";

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    /** review46b F5: Tomcat makes no parameters of a GET's form, and Spring ran the limited {@code {id}} handler. */
    @Test
    void aFormOnAGetIsNotShownAsParameters() throws Exception {
        assertThat(served("GET", "/api/items/me", "health=1")).containsExactly("item me", "item me", "429", "429");
    }

    /** review46b F4: Spring Boot's FormContentFilter consumed a PATCH form before the guards; its fields count. */
    @Test
    void aFormAnEarlierFilterParsedIsShownAsItsParameters() throws Exception {
        assertThat(served("PATCH", "/api/patches/me", "delete=1")).containsExactly("deleted", "deleted", "429", "429");
    }

    /**
     * review46b F2: a form padded past {@code body.max-bytes} was shown as its query string alone, and the limited
     * {@code params} handler ran under its exempt sibling's route: the route is in doubt, and the request refused as
     * a body the guards cannot read is.
     */
    @Test
    void aFormTooLargeToShowLeavesTheRouteInDoubtAndIsRefused() throws Exception {
        HttpResponse<String> refused = send("POST", "/api/forms/me", "delete=1&pad=" + "x".repeat(70_000));
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(refused.body()).contains("\"guard\":\"filter\"");
    }

    /**
     * review47 F6: the same large form to a path whose conditional sibling takes it by {@code consumes}, which reads
     * no field, was refused 413 too; its route is asked without its body.
     */
    @Test
    void aLargeFormToAPathWhoseSiblingsConditionReadsNoFieldIsServed() throws Exception {
        HttpResponse<String> served = send("POST", "/api/q/me", "a=1&pad=" + "x".repeat(70_000));
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).isEqualTo("q me");
    }

    /**
     * review46b F1: a form of 32,000 repeated fields was parsed on every question a mapping asked, 12 s of a
     * thread; past the container's 1,000 fields it is not shown, and refused.
     */
    @Test
    void aFormOfMoreFieldsThanTheContainerTakesIsRefused() throws Exception {
        HttpResponse<String> refused = send("POST", "/api/forms/me", "a&".repeat(32_000) + "delete=1");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(send("POST", "/api/forms/me", "delete=1").body()).isEqualTo("deleted");
    }

    /**
     * review47 F2: the DispatcherServlet parses a multipart body before it looks the handler up, so a part meets a
     * {@code params} condition; the mappings were shown the query string alone, and the limited handler ran under
     * its exempt sibling's route, five times of five.
     */
    @Test
    void aMultipartBodysPartsAreShownAsTheDispatchSeesThem() throws Exception {
        String boundary = "XX";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"draft\"\r\n\r\n1\r\n--" + boundary
                + "--\r\n";
        List<String> served = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/posts/me"))
                            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            served.add(response.statusCode() == 200 ? response.body() : String.valueOf(response.statusCode()));
        }
        assertThat(served).containsExactly("post me", "post me", "429", "429");
    }

    private List<String> served(String method, String path, String form) throws Exception {
        List<String> served = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = send(method, path, form);
            served.add(response.statusCode() == 200 ? response.body() : String.valueOf(response.statusCode()));
        }
        return served;
    }

    private HttpResponse<String> send(String method, String path, String form) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Content-Type", FORM)
                        .method(method, HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Handlers.class)
    static class App {}

    @RestController
    static class Handlers {
        @RateLimit(name = "items", capacity = 2, period = "1m")
        @GetMapping("/api/items/{id}")
        String item(@PathVariable("id") String id) {
            return "item " + id;
        }

        @AbuseGuardExempt
        @GetMapping(value = "/api/items/me", params = "health")
        String itemHealth() {
            return "health";
        }

        @AbuseGuardExempt
        @PatchMapping("/api/patches/{id}")
        String patch(@PathVariable("id") String id) {
            return "patched " + id;
        }

        @RateLimit(name = "patch-deletes", capacity = 2, period = "1m")
        @PatchMapping(value = "/api/patches/me", params = "delete")
        String deletePatch() {
            return "deleted";
        }

        @AbuseGuardExempt
        @PostMapping("/api/forms/{id}")
        String form(@PathVariable("id") String id) {
            return "form " + id;
        }

        @RateLimit(name = "form-deletes", capacity = 5, period = "1m")
        @PostMapping(value = "/api/forms/me", params = "delete")
        String deleteForm() {
            return "deleted";
        }

        @PostMapping("/api/q/{id}")
        String q(@PathVariable("id") String id) {
            return "q " + id;
        }

        @PostMapping(value = "/api/q/me", consumes = "application/xml")
        String qXml() {
            return "q xml";
        }

        @RateLimit(name = "posts", capacity = 2, period = "1m")
        @PostMapping("/api/posts/{id}")
        String post(@PathVariable("id") String id) {
            return "post " + id;
        }

        @AbuseGuardExempt
        @PostMapping(value = "/api/posts/me", params = "!draft")
        String postMe() {
            return "exempt me";
        }
    }
}
