package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.failure.FailureGuard;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.SimpleApplicationEventMulticaster;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.authentication.configuration.AuthenticationConfiguration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Failed sign-ins through Spring Security, counted by a failure rule whatever the sign-in answers them with.
 *
 * <p>user70 F1: form login answers a wrong password with {@code 302 /login?error}, as it answers a right one with
 * {@code 302 /}, so a failure rule with {@code statuses: 401} on {@code POST /login} counted none of 30 wrong passwords,
 * and each failed sign-in earned its address a history. probe71b: where no failure event reached the starter (a
 * manager of the application's own on the chain, events multicast on an executor, an exception of the application's
 * own) the same 30 of 30 went through. review121: a failure status the application writes itself stays the outcome,
 * and a later successful authentication of the same request is no failure.
 */
class FormLoginFailuresTest {

    private static final String[] LOGIN_RULE = {
        "abuse-guard.failure.rules.login.paths=/login",
        "abuse-guard.failure.rules.login.methods=POST",
        "abuse-guard.failure.rules.login.statuses=401",
        "abuse-guard.failure.rules.login.key=ip+body:/username",
        "abuse-guard.failure.rules.login.credential=body:/password",
        "abuse-guard.failure.rules.login.max-retry=5",
        "abuse-guard.failure.rules.login.under-attack.enabled=true"
    };

    private final HttpClient client = HttpClient.newHttpClient(); // follows no redirect

    @Test
    void wrongPasswordsAnsweredWithARedirectAreCountedAsFailures() throws Exception {
        assertSixthGuessRefused(FormLogin.class);
    }

    /** probe71b F1: {@code http.authenticationManager(new ProviderManager(provider))} publishes no event. */
    @Test
    void aManagerOfTheApplicationsOwnOnTheChainIsCounted() throws Exception {
        assertSixthGuessRefused(OwnManager.class);
    }

    /** probe71b F2, review121 F3: the listener ran on the executor's thread, where no request is bound. */
    @Test
    void eventsMulticastOnAnExecutorAreCounted() throws Exception {
        assertSixthGuessRefused(AsynchronousEvents.class);
    }

    /** probe71b F3: Spring Security maps an exception of the application's own to no event. */
    @Test
    void anExceptionOfTheApplicationsOwnIsCounted() throws Exception {
        assertSixthGuessRefused(OwnProvider.class);
    }

    @Test
    void aRightPasswordIsNoFailure() throws Exception {
        try (ConfigurableApplicationContext shop = start(FormLogin.class, LOGIN_RULE)) {
            for (int i = 1; i <= 7; i++) {
                HttpResponse<String> right = signIn(shop, "bob", "bobs-secret");
                assertThat(right.statusCode()).as("sign-in %s", i).isEqualTo(302);
                assertThat(right.headers().firstValue("Location"))
                        .hasValueSatisfying(to -> assertThat(to).doesNotContain("error"));
            }
        }
    }

    /** With a surge detector a success earns the address a history, which the under-attack mode lets through. */
    @Test
    void aFailedSignInEarnsNoHistoryARightOneDoes() throws Exception {
        try (ConfigurableApplicationContext shop = start(FormLogin.class, LOGIN_RULE)) {
            FailureGuard failures = shop.getBean(AbuseGuard.class).guards().stream()
                    .filter(FailureGuard.class::isInstance)
                    .map(FailureGuard.class::cast)
                    .findFirst()
                    .orElseThrow();
            GuardRequest fromHere =
                    GuardRequest.builder("POST", "/login").client("127.0.0.1").build();

            assertThat(signIn(shop, "carol", "a-guess").statusCode()).isEqualTo(302);
            assertThat(failures.lacksHistory(fromHere))
                    .as("after a failed sign-in")
                    .isTrue();

            assertThat(signIn(shop, "bob", "bobs-secret").statusCode()).isEqualTo(302);
            assertThat(failures.lacksHistory(fromHere)).as("after a right one").isFalse();
        }
    }

    /**
     * review121 F1: a JSON sign-in answering a wrong password with its own {@code 400}, counted by a rule of that
     * status: the outright {@code 401} had replaced it, and 10 of 10 guesses went through.
     */
    @Test
    void theApplicationsOwnFailureStatusStaysTheOutcome() throws Exception {
        try (ConfigurableApplicationContext shop = start(
                JsonSignIn.class,
                "abuse-guard.failure.rules.login.paths=/api/sign-in",
                "abuse-guard.failure.rules.login.methods=POST",
                "abuse-guard.failure.rules.login.statuses=400",
                "abuse-guard.failure.rules.login.key=ip+body:/login",
                "abuse-guard.failure.rules.login.max-retry=5")) {
            for (int i = 1; i <= 5; i++) {
                assertThat(jsonSignIn(shop, "alice", "guess" + i).statusCode())
                        .as("wrong password %s", i)
                        .isEqualTo(400);
            }

            HttpResponse<String> sixth = jsonSignIn(shop, "alice", "guess6");

            assertThat(sixth.statusCode())
                    .as("the sixth guess: " + sixth.body())
                    .isEqualTo(429);
        }
    }

    /**
     * review121 F2: a sign-in that tries the login as a user name, then as the address of one: the first attempt's
     * failure stuck, and the sixth right sign-in by address was refused.
     */
    @Test
    void aLaterSuccessfulAuthenticationOfTheRequestIsNoFailure() throws Exception {
        try (ConfigurableApplicationContext shop = start(
                JsonSignIn.class,
                "abuse-guard.failure.rules.login.paths=/api/sign-in",
                "abuse-guard.failure.rules.login.methods=POST",
                "abuse-guard.failure.rules.login.statuses=401",
                "abuse-guard.failure.rules.login.key=ip+body:/login",
                "abuse-guard.failure.rules.login.max-retry=5")) {
            for (int i = 1; i <= 7; i++) {
                HttpResponse<String> right = jsonSignIn(shop, "alice@example.com", "alices-secret");
                assertThat(right.statusCode())
                        .as("right sign-in %s: %s", i, right.body())
                        .isEqualTo(200);
            }
        }
    }

    private void assertSixthGuessRefused(Class<?> application) throws Exception {
        try (ConfigurableApplicationContext shop = start(application, LOGIN_RULE)) {
            List<String> answers = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                HttpResponse<String> wrong = signIn(shop, "alice", "guess" + i);
                answers.add(wrong.statusCode() + " "
                        + wrong.headers().firstValue("Location").orElse(""));
                assertThat(wrong.statusCode()).as("wrong password %s", i).isEqualTo(302);
                assertThat(wrong.headers().firstValue("Location"))
                        .hasValueSatisfying(to -> assertThat(to).endsWith("/login?error"));
            }

            HttpResponse<String> sixth = signIn(shop, "alice", "guess6");

            assertThat(sixth.statusCode())
                    .as("the sixth wrong password at one account from one address, after %s", answers)
                    .isEqualTo(429);
            assertThat(sixth.body()).contains("too-many-failures");
        }
    }

    private static ConfigurableApplicationContext start(Class<?> application, String... properties) {
        return new SpringApplicationBuilder(application)
                .properties(Stream.concat(Stream.of("server.port=0"), Stream.of(properties))
                        .toArray(String[]::new))
                .run();
    }

    private HttpResponse<String> signIn(ConfigurableApplicationContext shop, String user, String password)
            throws Exception {
        return post(shop, "/login", "application/x-www-form-urlencoded", "username=" + user + "&password=" + password);
    }

    private HttpResponse<String> jsonSignIn(ConfigurableApplicationContext shop, String login, String password)
            throws Exception {
        return post(
                shop,
                "/api/sign-in",
                "application/json",
                "{\"login\":\"" + login + "\",\"password\":\"" + password + "\"}");
    }

    private HttpResponse<String> post(ConfigurableApplicationContext shop, String path, String type, String body)
            throws Exception {
        int port = Integer.parseInt(shop.getEnvironment().getProperty("local.server.port"));
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Content-Type", type)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A shop whose users are kept by Spring Security. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @EnableWebSecurity
    static class Shop {

        @Bean
        UserDetailsService users() {
            return new InMemoryUserDetailsManager(
                    User.withUsername("alice")
                            .password("{noop}alices-secret")
                            .roles("USER")
                            .build(),
                    User.withUsername("bob")
                            .password("{noop}bobs-secret")
                            .roles("USER")
                            .build());
        }

        /** A member of the configuration, so registered with it. */
        @RestController
        static class Home {
            @GetMapping("/")
            String home() {
                return "home";
            }
        }
    }

    /** Spring Security's form login, as {@code http.formLogin()} sets it up. */
    @Configuration(proxyBeanMethods = false)
    @Import(Shop.class)
    static class FormLogin {
        @Bean
        SecurityFilterChain security(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                    .formLogin(form -> {})
                    .csrf(csrf -> csrf.disable())
                    .build();
        }
    }

    /** probe71b F1: the login's manager built by the application, as Spring Security's reference shows. */
    @Configuration(proxyBeanMethods = false)
    @Import(Shop.class)
    static class OwnManager {
        @Bean
        SecurityFilterChain security(HttpSecurity http, UserDetailsService users) throws Exception {
            return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                    .authenticationManager(new ProviderManager(new DaoAuthenticationProvider(users)))
                    .formLogin(form -> {})
                    .csrf(csrf -> csrf.disable())
                    .build();
        }
    }

    /** probe71b F2: the application's events multicast on a task executor. */
    @Configuration(proxyBeanMethods = false)
    @Import(FormLogin.class)
    static class AsynchronousEvents {
        @Bean(name = "applicationEventMulticaster")
        SimpleApplicationEventMulticaster applicationEventMulticaster() {
            SimpleApplicationEventMulticaster multicaster = new SimpleApplicationEventMulticaster();
            multicaster.setTaskExecutor(new SimpleAsyncTaskExecutor("events-"));
            return multicaster;
        }
    }

    /** probe71b F3: the application's own provider tells a wrong password by its own subclass of the exception. */
    @Configuration(proxyBeanMethods = false)
    @Import(FormLogin.class)
    static class OwnProvider {
        @Bean
        AuthenticationProvider passwords(UserDetailsService users) {
            DaoAuthenticationProvider dao = new DaoAuthenticationProvider(users);
            return new AuthenticationProvider() {
                @Override
                public Authentication authenticate(Authentication authentication) {
                    try {
                        return dao.authenticate(authentication);
                    } catch (BadCredentialsException wrong) {
                        throw new WrongPassword();
                    }
                }

                @Override
                public boolean supports(Class<?> authentication) {
                    return dao.supports(authentication);
                }
            };
        }

        static final class WrongPassword extends BadCredentialsException {
            WrongPassword() {
                super("Wrong user name or password");
            }
        }
    }

    /**
     * A JSON sign-in of the application's own: a wrong password is its own {@code 400}; the login is a user name or
     * the address of one, tried in that order.
     */
    @Configuration(proxyBeanMethods = false)
    @Import(Shop.class)
    static class JsonSignIn {
        @Bean
        SecurityFilterChain security(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                    .csrf(csrf -> csrf.disable())
                    .build();
        }

        /** A member of the configuration, so registered with it. */
        @RestController
        static class SignIn {
            private static final Map<String, String> USER_BY_ADDRESS = Map.of("alice@example.com", "alice");

            private final AuthenticationManager manager;

            SignIn(AuthenticationConfiguration authentication) throws Exception {
                this.manager = authentication.getAuthenticationManager();
            }

            record Credentials(String login, String password) {}

            @PostMapping("/api/sign-in")
            ResponseEntity<Map<String, String>> signIn(@RequestBody Credentials credentials) {
                try {
                    try {
                        manager.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(
                                credentials.login(), credentials.password()));
                    } catch (AuthenticationException notAUserName) {
                        String user = USER_BY_ADDRESS.get(credentials.login());
                        if (user == null) {
                            throw notAUserName;
                        }
                        manager.authenticate(
                                UsernamePasswordAuthenticationToken.unauthenticated(user, credentials.password()));
                    }
                    return ResponseEntity.ok(Map.of("signedIn", credentials.login()));
                } catch (AuthenticationException wrong) {
                    return ResponseEntity.badRequest().body(Map.of("error", "invalid credentials"));
                }
            }
        }
    }
}
