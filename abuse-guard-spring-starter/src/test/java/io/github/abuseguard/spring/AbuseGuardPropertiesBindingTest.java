package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.client.ClientSignalsSettings;
import io.github.abuseguard.client.IpListGuard;
import io.github.abuseguard.client.IpListSettings;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.email.DisposableEmailGuard;
import io.github.abuseguard.email.EmailSettings;
import io.github.abuseguard.origin.OriginSettings;
import io.github.abuseguard.sequence.SequenceGuard;
import io.github.abuseguard.sequence.SequenceSettings;
import io.github.abuseguard.servlet.DecoySettings;
import io.github.abuseguard.servlet.ResponseSettings;
import io.github.abuseguard.servlet.TarpitSettings;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * Every {@code abuse-guard.*} property binds from Spring's environment into the settings the engine is
 * built from: one case per property not already exercised by {@link AbuseGuardAutoConfigurationTest}.
 */
class AbuseGuardPropertiesBindingTest {
    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AbuseGuardAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL));

    static Stream<Arguments> properties() {
        return Stream.of(
                bind(
                        "abuse-guard.annotations.enabled=false",
                        p -> p.annotations().enabled(),
                        false),
                bind("abuse-guard.report.top-clients=5", p -> p.report().topClients(), 5),
                bind("abuse-guard.report.maximum-keys=77", p -> p.report().maximumKeys(), 77L),
                bind("abuse-guard.report.window=3m", p -> p.report().window(), Duration.ofMinutes(3)),
                bind(
                        "abuse-guard.responses.rate-limit-headers=false",
                        p -> p.section(ResponseSettings.class).rateLimitHeaders(),
                        false),
                bind(
                        "abuse-guard.client-signals.builtin-signatures=false",
                        p -> p.section(ClientSignalsSettings.class).builtinSignatures(),
                        false),
                bind(
                        "abuse-guard.client-signals.missing-user-agent-score=7",
                        p -> p.section(ClientSignalsSettings.class).missingUserAgentScore(),
                        7),
                bind(
                        "abuse-guard.client-signals.via-score=8",
                        p -> p.section(ClientSignalsSettings.class).viaScore(),
                        8),
                bind(
                        "abuse-guard.client-signals.amazon-cloud-front-id-score=9",
                        p -> p.section(ClientSignalsSettings.class).amazonCloudFrontIdScore(),
                        9),
                bind(
                        "abuse-guard.client-signals.cloud-front-headers-score=11",
                        p -> p.section(ClientSignalsSettings.class).cloudFrontHeadersScore(),
                        11),
                bind(
                        "abuse-guard.client-signals.untrusted-forwarding-score=12",
                        p -> p.section(ClientSignalsSettings.class).untrustedForwardingScore(),
                        12),
                bind(
                        "abuse-guard.ip-lists.reload-interval=30s",
                        p -> p.section(IpListSettings.class).reloadInterval(),
                        Duration.ofSeconds(30)),
                bind(
                        "abuse-guard.ip-lists.deny-file=" + listFile("deny.txt"),
                        p -> p.section(IpListSettings.class).denyFile(),
                        listFile("deny.txt")),
                bind(
                        "abuse-guard.ip-lists.allow-file=" + listFile("allow.txt"),
                        p -> p.section(IpListSettings.class).allowFile(),
                        listFile("allow.txt")),
                bind(
                        "abuse-guard.origin.rules.api.allow-null=true",
                        p -> p.section(OriginSettings.class).rules().get("api").allowNull(),
                        true),
                bind(
                        "abuse-guard.origin.rules.api.allow-same-site=true",
                        p -> p.section(OriginSettings.class).rules().get("api").allowSameSite(),
                        true),
                bind(
                        "abuse-guard.origin.rules.api.allow-same-origin=false",
                        p -> p.section(OriginSettings.class).rules().get("api").allowSameOrigin(),
                        false),
                bind(
                        "abuse-guard.origin.rules.api.missing-score=12",
                        p -> p.section(OriginSettings.class).rules().get("api").missingScore(),
                        12),
                bind(
                        "abuse-guard.origin.rules.api.api-key-header=X-Key",
                        p -> p.section(OriginSettings.class).rules().get("api").apiKeyHeader(),
                        "X-Key"),
                bind(
                        "abuse-guard.origin.rules.api.api-keys.k1=https://a.example",
                        p -> p.section(OriginSettings.class)
                                .rules()
                                .get("api")
                                .apiKeys()
                                .get("k1"),
                        List.of("https://a.example")),
                bind(
                        "abuse-guard.tarpit.delay=2s",
                        p -> p.section(TarpitSettings.class).delay(),
                        Duration.ofSeconds(2)),
                bind(
                        "abuse-guard.decoys.img.content-type=image/png",
                        p -> p.section(DecoySettings.Named.class).get("img"),
                        // what a decoy leaves out is its record's @Default, as with the plain binder
                        new DecoySettings(DecoySettings.DEFAULT_STATUS, "image/png", DecoySettings.DEFAULT_BODY)),
                bind(
                        "abuse-guard.email.bundled=false",
                        p -> p.section(EmailSettings.class).bundled(),
                        false),
                bind(
                        "abuse-guard.email.allowlist=partner.example",
                        p -> p.section(EmailSettings.class).allowlist(),
                        List.of("partner.example")),
                bind(
                        "abuse-guard.email.protect-major-providers=false",
                        p -> p.section(EmailSettings.class).protectMajorProviders(),
                        false),
                bind(
                        "abuse-guard.email.require-public-domain=false",
                        p -> p.section(EmailSettings.class).requirePublicDomain(),
                        false),
                bind(
                        "abuse-guard.email.refresh-interval=1h",
                        p -> p.section(EmailSettings.class).refreshInterval(),
                        Duration.ofHours(1)),
                bind(
                        "abuse-guard.email.mx-budget=20ms",
                        p -> p.section(EmailSettings.class).mxBudget(),
                        Duration.ofMillis(20)),
                bind(
                        "abuse-guard.email.bounce-threshold=3",
                        p -> p.section(EmailSettings.class).bounceThreshold(),
                        3),
                bind(
                        "abuse-guard.email.bounce-rate=0.5",
                        p -> p.section(EmailSettings.class).bounceRate(),
                        0.5),
                bind(
                        "abuse-guard.bounce-notifications.enabled=true",
                        p -> p.bounceNotifications().enabled(),
                        true),
                bind(
                        "abuse-guard.bounce-notifications.path=/hooks/ses",
                        p -> p.bounceNotifications().path(),
                        "/hooks/ses"),
                bind(
                        "abuse-guard.bounce-notifications.topic-arns=arn:aws:sns:eu-west-1:1:a",
                        p -> p.bounceNotifications().topicArns(),
                        List.of("arn:aws:sns:eu-west-1:1:a")),
                bind(
                        "abuse-guard.bounce-notifications.certificate-hosts=sns\\.eu-west-1\\.amazonaws\\.com",
                        p -> p.bounceNotifications().certificateHosts(),
                        "sns\\.eu-west-1\\.amazonaws\\.com"),
                bind(
                        "abuse-guard.bounce-notifications.confirm-subscriptions=true",
                        p -> p.bounceNotifications().confirmSubscriptions(),
                        true),
                bind(
                        "abuse-guard.bounce-notifications.secret=0123456789abcdef",
                        p -> p.bounceNotifications().secret(),
                        "0123456789abcdef"),
                bind(
                        "abuse-guard.bounce-notifications.max-age=10m",
                        p -> p.bounceNotifications().maxAge(),
                        Duration.ofMinutes(10)),
                bind(
                        "abuse-guard.bounce-notifications.max-body-bytes=4096",
                        p -> p.bounceNotifications().maxBodyBytes(),
                        4096),
                bind(
                        "abuse-guard.email.mx-hosts=mx1.temp.example,mx2.temp.example",
                        p -> p.section(EmailSettings.class).mxHosts(),
                        List.of("mx1.temp.example", "mx2.temp.example")),
                bind(
                        "abuse-guard.email.bounce-window=2h",
                        p -> p.section(EmailSettings.class).bounceWindow(),
                        Duration.ofHours(2)),
                bind(
                        "abuse-guard.email.bounce-block-for=3d",
                        p -> p.section(EmailSettings.class).bounceBlockFor(),
                        Duration.ofDays(3)),
                bind(
                        "abuse-guard.sequence.session=cookie:SESSION",
                        p -> p.section(SequenceSettings.class).session(),
                        "cookie:SESSION"),
                bind(
                        "abuse-guard.sequence.trail-length=7",
                        p -> p.section(SequenceSettings.class).trailLength(),
                        7),
                bind(
                        "abuse-guard.sequence.idle-gap=5m",
                        p -> p.section(SequenceSettings.class).idleGap(),
                        Duration.ofMinutes(5)),
                bind(
                        "abuse-guard.sequence.cardinality-threshold=9",
                        p -> p.section(SequenceSettings.class).cardinalityThreshold(),
                        9),
                bind(
                        "abuse-guard.sequence.max-endpoints=99",
                        p -> p.section(SequenceSettings.class).maxEndpoints(),
                        99),
                bind(
                        "abuse-guard.sequence.model-quantile=0.95",
                        p -> p.section(SequenceSettings.class).modelQuantile(),
                        0.95),
                bind(
                        "abuse-guard.sequence.model-score=33",
                        p -> p.section(SequenceSettings.class).modelScore(),
                        33),
                bind(
                        "abuse-guard.sequence.model-deny=true",
                        p -> p.section(SequenceSettings.class).modelDeny(),
                        true));
    }

    /** A list file of the test resources: start-up reads a configured list file, so it must exist. */
    private static String listFile(String name) {
        try {
            return java.nio.file.Path.of(AbuseGuardPropertiesBindingTest.class
                            .getResource("/ip-lists/" + name)
                            .toURI())
                    .toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Arguments bind(String property, Function<AbuseGuardProperties, Object> getter, Object expected) {
        return Arguments.of(property, getter, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("properties")
    void bindsIntoTheSettings(String property, Function<AbuseGuardProperties, Object> getter, Object expected) {
        runner.withPropertyValues(property).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(getter.apply(context.getBean(AbuseGuardProperties.class)))
                    .isEqualTo(expected);
        });
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                refused(
                        "abuse-guard.report.top-clients",
                        "must be at least 1, was -1",
                        "abuse-guard.report.top-clients=-1"),
                refused(
                        "abuse-guard.report.top-clients",
                        "must be at least 1, was 0",
                        "abuse-guard.report.top-clients=0"),
                refused("abuse-guard.report.window", "must be positive, was 0s", "abuse-guard.report.window=0s"),
                refused(
                        "abuse-guard.report.maximum-keys",
                        "must be at least 1, was 0",
                        "abuse-guard.report.maximum-keys=0"),
                refused(
                        "abuse-guard.bounce-notifications.path",
                        "must start with '/', was hooks",
                        "abuse-guard.bounce-notifications.path=hooks"),
                refused(
                        "abuse-guard.bounce-notifications.max-body-bytes",
                        "must be at least 1024, was 0",
                        "abuse-guard.bounce-notifications.max-body-bytes=0"),
                refused(
                        "abuse-guard.bounce-notifications.max-age",
                        "must be positive, was 0s",
                        "abuse-guard.bounce-notifications.max-age=0s"),
                refused(
                        "abuse-guard.bounce-notifications.secret",
                        "must have at least 16 characters",
                        "abuse-guard.bounce-notifications.secret=short"),
                refused(
                        "abuse-guard.bounce-notifications.topic-arns",
                        "'topic' is not a topic ARN",
                        "abuse-guard.bounce-notifications.topic-arns=topic"),
                refused(
                        "abuse-guard.bounce-notifications.certificate-hosts",
                        "is not a regular expression",
                        "abuse-guard.bounce-notifications.certificate-hosts=(sns"));
    }

    private static Arguments refused(String property, String problem, String... values) {
        return Arguments.of(property, problem, values);
    }

    /**
     * A value the starter's own properties cannot work with fails start-up naming the full property, even
     * where nothing reads it yet (the endpoint that lists the top clients is not configured here).
     */
    @ParameterizedTest(name = "{2}")
    @MethodSource("badValues")
    void aBadValueOfTheStartersOwnPropertiesFailsStartUpNamingIt(String property, String problem, String[] values) {
        runner.withPropertyValues(values)
                .run(context -> assertThat(context.getStartupFailure())
                        .isNotNull()
                        .rootCause()
                        .isInstanceOf(InvalidSettingException.class)
                        .hasMessageContaining(property + ": ")
                        .hasMessageContaining(problem));
    }

    @Test
    void anyFilterOrderBinds() {
        runner.withPropertyValues("abuse-guard.filter.order=" + Integer.MIN_VALUE)
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void anUnknownKeyBesideTheStartersOwnPropertiesFailsStartUpNamingIt() {
        runner.withPropertyValues("abuse-guard.report.top-client=5")
                .run(context -> assertThat(context.getStartupFailure())
                        .isNotNull()
                        .rootCause()
                        .hasMessageContaining("abuse-guard.report.top-client"));
        runner.withPropertyValues("abuse-guard.reports.top-clients=5")
                .run(context -> assertThat(context.getStartupFailure())
                        .isNotNull()
                        .rootCause()
                        .hasMessageContaining("abuse-guard.reports.top-clients"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("guards")
    void guardPropertiesBuildTheirGuards(String[] properties, Class<?> guard) {
        runner.withPropertyValues(properties)
                .run(context ->
                        assertThat(context.getBean(AbuseGuard.class).guards()).anyMatch(guard::isInstance));
    }

    static Stream<Arguments> guards() {
        return Stream.of(
                Arguments.of(new String[] {"abuse-guard.ip-lists.deny=192.0.2.0/24"}, IpListGuard.class),
                Arguments.of(
                        new String[] {
                            "abuse-guard.client-signals.expected-clients.app.paths=/api/app/**",
                            "abuse-guard.client-signals.expected-clients.app.pattern=^MyApp/",
                            "abuse-guard.client-signals.expected-clients.app.score=40"
                        },
                        io.github.abuseguard.client.ClientSignalsGuard.class),
                Arguments.of(
                        new String[] {
                            "abuse-guard.email.rules.signup.paths=/signup",
                            "abuse-guard.email.rules.signup.field=/user/email",
                            "abuse-guard.email.rules.signup.response=flag",
                            "abuse-guard.email.rules.signup.score=30"
                        },
                        DisposableEmailGuard.class),
                Arguments.of(
                        new String[] {
                            "abuse-guard.sequence.rules.r.operation=POST /pay",
                            "abuse-guard.sequence.rules.r.requires=POST /verify",
                            "abuse-guard.sequence.rules.r.status=any",
                            "abuse-guard.sequence.rules.r.within=10m",
                            "abuse-guard.sequence.rules.r.minimum-delay=1s"
                        },
                        SequenceGuard.class),
                Arguments.of(new String[] {"abuse-guard.sequence.model=learn-and-score"}, SequenceGuard.class));
    }
}
