package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.spring.annotation.RateLimit;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.ServletRequestUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * A rule keyed by a value anyone may send (a mailbox) gives back what it charged only where no handler used the
 * value: a handler that ran and then failed, in whatever way Spring reports it, is charged; a request a filter
 * after the guards refused without checking anything is not. On a real server.
 */
@SpringBootTest(
        classes = HandlerRanOnServerTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.rate-limit.rules.fn-mailbox.paths[0]=/fn/mail",
            "abuse-guard.rate-limit.rules.fn-mailbox.key=mailbox:query:email",
            "abuse-guard.rate-limit.rules.fn-mailbox.limits[0].capacity=2",
            "abuse-guard.rate-limit.rules.fn-mailbox.limits[0].period=1d",
            "abuse-guard.rate-limit.rules.filter-login.paths[0]=/filter-login",
            "abuse-guard.rate-limit.rules.filter-login.key=query:user",
            "abuse-guard.rate-limit.rules.filter-login.limits[0].capacity=2",
            "abuse-guard.rate-limit.rules.filter-login.limits[0].period=1d"
        })
class HandlerRanOnServerTest {
    static final AtomicInteger SENT = new AtomicInteger();
    static final AtomicInteger CHECKED = new AtomicInteger();

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    /** review48 F1: Spring validates a return value after the body returned; five mails went out of two. */
    @Test
    void aHandlerWhoseReturnValueFailsValidationRanItsBody() throws Exception {
        assertTwoMailsOfFive("POST", "/mail-checked", "application/json", "{\"email\":\"checked@example.org\"}");
    }

    /** probe48e F1: the forward's dispatch is served by another handler, or none; six mails went out of two. */
    @Test
    void aHandlerThatForwardsElsewhereRanItsBody() throws Exception {
        assertTwoMailsOfFive("GET", "/resend?email=forwarded@example.org", null, null);
    }

    /** probe48e F3: a functional endpoint binds in its own body; five mails went out of two. */
    @Test
    void aFunctionalEndpointThatFailsToBindRanItsBody() throws Exception {
        assertTwoMailsOfFive("POST", "/fn/mail", "application/x-www-form-urlencoded", "email=functional@example.org");
    }

    /** Five requests naming one inbox under a limit of two a day: two mails, then three refusals. */
    private void assertTwoMailsOfFive(String method, String path, String type, String body) throws Exception {
        int before = SENT.get();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            statuses.add(send(method, path, type, body));
        }

        assertThat(SENT.get() - before).as("mails sent, " + statuses).isEqualTo(2);
        assertThat(statuses).endsWith(429, 429, 429);
    }

    /**
     * review47 F8, probe48e F2: Spring Security's CSRF filter, after the guards, refused three strangers' sign-ups
     * naming an inbox (403); nothing used the address, and the owner's own sign-up was refused for the day.
     */
    @Test
    void aSignUpACsrfFilterRefusedSpendsNothingOfTheInbox() throws Exception {
        int before = SENT.get();
        for (int i = 0; i < 3; i++) {
            assertThat(send("POST", "/signup", "application/x-www-form-urlencoded", "email=victim@example.org"))
                    .isEqualTo(403);
        }

        assertThat(send("POST", "/signup", "application/x-www-form-urlencoded", "email=victim@example.org"))
                .as("past the guards, to the CSRF filter again: the inbox's budget is whole")
                .isEqualTo(403);
        assertThat(SENT.get()).isEqualTo(before);
    }

    /**
     * review49 F2: a log-in checked in a filter after the guards that answers a wrong password 403 (or by another
     * servlet) had every guess at one user name given back once a 403 from a filter refunded. Only an inbox's rule is
     * given a 403 back; a user name's is charged.
     */
    @Test
    void aPasswordCheckAFilterAnswers403IsChargedToTheUserName() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            statuses.add(send("POST", "/filter-login?user=ann", null, null));
        }

        assertThat(statuses).containsExactly(403, 403, 429, 429, 429, 429);
        assertThat(CHECKED.get()).as("passwords checked").isEqualTo(2);
    }

    private int send(String method, String path, String type, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (type != null) {
            request.header("Content-Type", type);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Handlers.class)
    static class App {
        @Bean
        FilterRegistrationBean<CsrfFilter> csrf() {
            CsrfFilter filter = new CsrfFilter(new HttpSessionCsrfTokenRepository());
            filter.setRequireCsrfProtectionMatcher(
                    request -> request.getRequestURI().equals("/signup"));
            FilterRegistrationBean<CsrfFilter> registration = new FilterRegistrationBean<>(filter);
            registration.setOrder(-100); // where Spring Security's chain runs, after abuse-guard's -110
            return registration;
        }

        @Bean
        FilterRegistrationBean<jakarta.servlet.Filter> passwordCheck() {
            FilterRegistrationBean<jakarta.servlet.Filter> registration =
                    new FilterRegistrationBean<>((request, response, chain) -> {
                        CHECKED.incrementAndGet(); // a wrong password, answered 403 by this filter
                        ((jakarta.servlet.http.HttpServletResponse) response).sendError(403);
                    });
            registration.addUrlPatterns("/filter-login");
            registration.setOrder(-100);
            return registration;
        }

        @Bean
        RouterFunction<ServerResponse> routes() {
            return RouterFunctions.route()
                    .POST("/fn/mail", request -> {
                        SENT.incrementAndGet(); // the mail goes out
                        int page = ServletRequestUtils.getRequiredIntParameter(request.servletRequest(), "page");
                        return ServerResponse.ok().body(Map.of("page", page));
                    })
                    .build();
        }
    }

    @Controller
    static class Handlers {
        @RateLimit(name = "sign-up-mailbox", key = "mailbox:/email", capacity = 2, period = "1d")
        @PostMapping(path = "/mail-checked", consumes = "application/json")
        @ResponseBody
        @NotNull
        Map<String, String> mailChecked(@RequestBody Map<String, String> form) {
            SENT.incrementAndGet(); // the mail goes out
            return form.containsKey("name") ? Map.of("sent", form.get("email")) : null; // the client chooses
        }

        @RateLimit(name = "resend-mailbox", key = "mailbox:query:email", capacity = 2, period = "1d")
        @GetMapping("/resend")
        String resend(@RequestParam String email) {
            SENT.incrementAndGet(); // a verification mail to that inbox
            return "forward:/no-such-page";
        }

        @RateLimit(name = "csrf-mailbox", key = "mailbox:query:email", capacity = 3, period = "1d")
        @PostMapping("/signup")
        @ResponseBody
        Map<String, String> signUp(@RequestParam String email) {
            SENT.incrementAndGet();
            return Map.of("signed-up", email);
        }
    }
}
