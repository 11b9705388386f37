package io.github.abuseguard.spring;

import static io.github.abuseguard.testing.SnsTestMessages.json;
import static io.github.abuseguard.testing.SnsTestMessages.notification;
import static io.github.abuseguard.testing.SnsTestMessages.sesBounce;
import static io.github.abuseguard.testing.SnsTestMessages.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.verify;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.email.BounceFeedback;
import io.github.abuseguard.email.DisposableDomains;
import io.github.abuseguard.email.internal.BounceNotifications;
import io.github.abuseguard.email.internal.SigningCertificates;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.store.Trails;
import io.github.abuseguard.testing.FakeTimeSource;
import io.github.abuseguard.testing.SnsTestMessages;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class BounceNotificationsEndpointTest {
    private static final String SECRET = "generic-shared-secret-123";
    private final FakeTimeSource clock = new FakeTimeSource();

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    AbuseGuardMetricsAutoConfiguration.class,
                    AbuseGuardAutoConfiguration.class,
                    AbuseGuardBounceNotificationsAutoConfiguration.class))
            .withBean(TimeSource.class, () -> clock)
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new);

    private final WebApplicationContextRunner enabled = runner.withPropertyValues(
            "abuse-guard.bounce-notifications.enabled=true",
            "abuse-guard.bounce-notifications.topic-arns=" + SnsTestMessages.TOPIC,
            "abuse-guard.bounce-notifications.secret=" + SECRET,
            "abuse-guard.email.bounce-threshold=2",
            "abuse-guard.email.rules.sign-up.paths=/api/accounts",
            "abuse-guard.email.rules.sign-up.field=/email");

    @Test
    void theEndpointIsOffByDefault() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(BounceNotifications.class);
            assertThat(context).doesNotHaveBean(ServletRegistrationBean.class);
        });
    }

    @Test
    void anEnabledEndpointThatWouldAcceptNothingFailsStartUpNamingTheProperty() {
        runner.withPropertyValues("abuse-guard.bounce-notifications.enabled=true")
                .run(context -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .isInstanceOf(InvalidSettingException.class)
                        .hasMessageContaining("abuse-guard.bounce-notifications.topic-arns"));
        runner.withPropertyValues(
                        "abuse-guard.bounce-notifications.enabled=true",
                        "abuse-guard.bounce-notifications.secret=short")
                .run(context -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .hasMessageContaining("abuse-guard.bounce-notifications.secret"));
        runner.withPropertyValues(
                        "abuse-guard.bounce-notifications.enabled=true",
                        "abuse-guard.bounce-notifications.topic-arns=not-an-arn")
                .run(context -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .hasMessageContaining("abuse-guard.bounce-notifications.topic-arns"));
    }

    @Test
    void genericNotificationsBlockADomainAndPublishItsBounceRate() {
        enabled.run(context -> {
            BounceNotificationServlet servlet = servlet(context);
            String body = "{\"type\":\"bounce\",\"recipients\":[\"a@gone-temp.example\",\"b@gone-temp.example\"]}";
            AbuseGuard engine = context.getBean(AbuseGuard.class);
            signUp(engine, "203.0.113.7", "a@gone-temp.example");
            signUp(engine, "198.51.100.7", "b@gone-temp.example");

            MockHttpServletResponse unauthorised = post(servlet, body, null);
            assertThat(unauthorised.getStatus()).isEqualTo(401);
            assertThat(unauthorised.getContentType()).startsWith("application/problem+json");

            assertThat(post(servlet, body, "Bearer " + SECRET).getStatus()).isEqualTo(204);
            assertThat(context.getBean(DisposableDomains.class)
                            .match("c@gone-temp.example")
                            .source())
                    .isEqualTo("bounce-feedback");
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get(BounceRateGauges.RATE)
                            .tag("domain", "gone-temp.example")
                            .gauge()
                            .value())
                    .isEqualTo(1.0);
            assertThat(registry.get(BounceRateGauges.RATE + ".max").gauge().value())
                    .isEqualTo(1.0);
        });
    }

    /** probe21 F5: made-up mailboxes from one client's sign-ups do not block their domain. */
    @Test
    void theEmailGuardTellsTheFeedbackWhichNetworkSignedUpEachBouncedAddress() {
        enabled.run(context -> {
            BounceNotificationServlet servlet = servlet(context);
            AbuseGuard engine = context.getBean(AbuseGuard.class);
            DisposableDomains domains = context.getBean(DisposableDomains.class);
            for (int i = 0; i < 5; i++) {
                signUp(engine, "203.0.113." + (7 + i), "nx-" + i + "@smallcorp.example");
                String body = "{\"type\":\"bounce\",\"recipients\":[\"nx-" + i + "@smallcorp.example\"]}";
                assertThat(post(servlet, body, "Bearer " + SECRET).getStatus()).isEqualTo(204);
            }
            assertThat(domains.isDisposable("ceo@smallcorp.example"))
                    .as("five sign-ups of one /24 are one network, below the threshold of 2")
                    .isFalse();

            signUp(engine, "2001:db8:5::1", "nx-5@smallcorp.example");
            String body = "{\"type\":\"bounce\",\"recipients\":[\"nx-5@smallcorp.example\"]}";
            assertThat(post(servlet, body, "Bearer " + SECRET).getStatus()).isEqualTo(204);
            assertThat(domains.isDisposable("ceo@smallcorp.example"))
                    .as("a second network's bounced sign-up reaches the threshold")
                    .isTrue();
        });
    }

    /**
     * An application that neither enables the endpoint nor reports a bounce, complaint or delivery pays no
     * store write per accepted sign-up: nothing would ever read it. Once it reports one, sign-ups are recorded.
     */
    @Test
    void signUpsAreRecordedOnlyOnceSomethingReportsWhenTheEndpointIsOff() {
        AtomicReference<Trails> submitted = new AtomicReference<>();
        StateStore store = spy(LocalStateStore.builder().timeSource(clock).build());
        doAnswer(call -> {
                    submitted.set(spy((Trails) call.callRealMethod()));
                    return submitted.get();
                })
                .when(store)
                .trails(eq("email:submitted"), anyInt(), any());
        runner.withBean(StateStore.class, () -> store)
                .withPropertyValues(
                        "abuse-guard.email.rules.sign-up.paths=/api/accounts",
                        "abuse-guard.email.rules.sign-up.field=/email")
                .run(context -> {
                    AbuseGuard engine = context.getBean(AbuseGuard.class);
                    for (int i = 0; i < 3; i++) {
                        signUp(engine, "203.0.113." + (7 + i), "a" + i + "@fresh-temp.example");
                    }
                    verify(submitted.get(), never()).append(any(), any());

                    // the application's mailer reports its first delivery (or bounce, or complaint)
                    context.getBean(BounceFeedback.class).recordDelivery("welcome@fresh-temp.example");
                    signUp(engine, "198.51.100.7", "b@fresh-temp.example");
                    verify(submitted.get()).append(any(), eq("198.51.0.0/16"));
                });
    }

    /** A sign-up through the engine that the application answers 201, as the filter reports it. */
    private static void signUp(AbuseGuard engine, String client, String address) {
        GuardRequest request = GuardRequest.builder("POST", "/api/accounts")
                .client(client)
                .body("application/json", "{\"email\":\"" + address + "\"}")
                .build();
        Evaluation evaluation = engine.evaluate(request);
        assertThat(evaluation.isDenied()).isFalse();
        engine.complete(request, evaluation, 201);
    }

    @Test
    void forgedSnsNotificationsAre403AndMalformedOnes400NeverA5xx() {
        enabled.withBean(SigningCertificates.class, () -> url -> SnsTestMessages.certificate("sns"))
                .run(context -> {
                    BounceNotificationServlet servlet = servlet(context);
                    Map<String, String> forged = sign(
                            notification(sesBounce("Permanent", "ceo@rival.example"), clock.instant(), "m-1"),
                            "attacker");
                    assertThat(post(servlet, json(forged), null).getStatus()).isEqualTo(403);
                    for (String malformed : new String[] {"{", "[1]", "{\"Type\":5}", "\u0000\u0001", ""}) {
                        MockHttpServletResponse response = post(servlet, malformed, null);
                        assertThat(response.getStatus()).as(malformed).isEqualTo(400);
                        assertThat(response.getContentAsString()).contains("\"status\":400");
                    }
                    assertThat(context.getBean(DisposableDomains.class).isDisposable("x@rival.example"))
                            .isFalse();
                });
    }

    @Test
    void theEndpointWorksWithoutMicrometer() {
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        AbuseGuardAutoConfiguration.class, AbuseGuardBounceNotificationsAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader(MeterRegistry.class))
                .withPropertyValues(
                        "abuse-guard.bounce-notifications.enabled=true",
                        "abuse-guard.bounce-notifications.secret=" + SECRET)
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(BounceRateGauges.class);
                    String body = "{\"type\":\"delivery\",\"recipients\":[\"a@x.example\"]}";
                    assertThat(post(servlet(context), body, "Bearer " + SECRET).getStatus())
                            .isEqualTo(204);
                });
    }

    @Test
    void aBodyOverTheLimitIs413() {
        enabled.withPropertyValues("abuse-guard.bounce-notifications.max-body-bytes=2048")
                .run(context -> {
                    String huge = "{\"type\":\"bounce\",\"recipients\":[\"" + "a".repeat(4000) + "@x.example\"]}";
                    MockHttpServletResponse response = post(servlet(context), huge, "Bearer " + SECRET);
                    assertThat(response.getStatus()).isEqualTo(413);
                });
    }

    @SuppressWarnings("unchecked")
    private static BounceNotificationServlet servlet(org.springframework.context.ApplicationContext context) {
        ServletRegistrationBean<BounceNotificationServlet> registration =
                context.getBean(ServletRegistrationBean.class);
        assertThat(registration.getUrlMappings()).containsExactly("/abuse-guard/bounce-notifications");
        return registration.getServlet();
    }

    private static MockHttpServletResponse post(BounceNotificationServlet servlet, String body, String authorization)
            throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/abuse-guard/bounce-notifications");
        request.setContentType("text/plain; charset=UTF-8");
        request.setContent(body.getBytes(StandardCharsets.UTF_8));
        if (authorization != null) {
            request.addHeader("Authorization", authorization);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        servlet.service(request, response);
        return response;
    }
}
