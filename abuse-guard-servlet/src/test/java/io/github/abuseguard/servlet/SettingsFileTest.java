package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.sequence.SequenceGuard;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SettingsFileTest {

    @TempDir
    Path dir;

    private static final String YAML = """
            abuse-guard:
              client:
                trusted-proxies: [10.0.0.0/8]
              rate-limit:
                rules:
                  per-ip:
                    paths: [/api/**]
                    limits:
                      - capacity: 2
                        period: 5m
                  login:
                    paths: [/api/login]
                    methods: [POST]
                    key: ip+body:/username
                    limits:
                      - capacity: 5
                        period: 1m
            """;

    @Test
    void aYamlFileConfiguresAWorkingFilter() throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(file, YAML);

        AbuseGuardSettings settings = SettingsFile.load(file);
        AbuseGuardFilter filter = AbuseGuardFilter.fromSettings(settings);

        assertThat(settings.engine().client().trustedProxies()).containsExactly("10.0.0.0/8");
        assertThat(filter.engine().guards().stream()
                        .filter(RateLimitGuard.class::isInstance)
                        .map(RateLimitGuard.class::cast)
                        .findFirst()
                        .orElseThrow()
                        .rules())
                .extracting(rule -> rule.name())
                .containsExactly("per-ip", "login");
        try (TestServer server = new TestServer(filter)) {
            assertThat(server.get("/api/a").statusCode()).isEqualTo(200);
            assertThat(server.get("/api/a").statusCode()).isEqualTo(200);
            HttpResponse<String> third = server.get("/api/a");
            assertThat(third.statusCode()).isEqualTo(429);
        }
    }

    @Test
    void aPropertiesFileBindsTheSameSchema() throws Exception {
        Path file = dir.resolve("abuse-guard.properties");
        Files.writeString(file, """
                abuse-guard.mode=monitor
                abuse-guard.rate-limit.rules.per-ip.limits[0].capacity=100
                abuse-guard.rate-limit.rules.per-ip.limits[0].period=5m
                """);

        AbuseGuardFilter filter = AbuseGuardFilter.fromSettings(SettingsFile.load(file));

        assertThat(filter.engine().mode()).hasToString("MONITOR");
    }

    @Test
    void aGlobalKeyInTheFileCapsTheRouteForEveryClientTogether() throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(file, """
                abuse-guard:
                  client:
                    trusted-proxies: [127.0.0.1]
                  rate-limit:
                    rules:
                      search-site:
                        paths: [/api/**]
                        key: global
                        limits:
                          - capacity: 2
                            period: 5m
                """);

        AbuseGuardFilter filter = AbuseGuardFilter.fromSettings(SettingsFile.load(file));

        try (TestServer server = new TestServer(filter)) {
            assertThat(server.send(HttpRequest.newBuilder(server.uri("/api/a"))
                                    .header("X-Forwarded-For", "198.51.100.1"))
                            .statusCode())
                    .isEqualTo(200);
            assertThat(server.send(HttpRequest.newBuilder(server.uri("/api/a"))
                                    .header("X-Forwarded-For", "198.51.100.2"))
                            .statusCode())
                    .isEqualTo(200);
            HttpResponse<String> third =
                    server.send(HttpRequest.newBuilder(server.uri("/api/a")).header("X-Forwarded-For", "198.51.100.3"));
            assertThat(third.statusCode())
                    .as("a third address, the route's cap")
                    .isEqualTo(429);
            assertThat(third.body()).contains("\"reason\":\"capacity-reached\"");
        }
    }

    @Test
    void aGlobalKeyOnAFailureRuleFailsStartUpNamingTheProperty() throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(file, """
                abuse-guard:
                  failure:
                    rules:
                      login:
                        paths: [/api/login]
                        key: global
                """);

        assertThatThrownBy(() -> AbuseGuardFilter.fromSettings(SettingsFile.load(file)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("abuse-guard.failure.rules.login.key:")
                .hasMessageContaining("only a rate-limit rule");
    }

    @Test
    void anUnknownKeyFailsNamingIt() throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(file, YAML.replace("trusted-proxies", "trusted-proxys"));

        assertThatThrownBy(() -> SettingsFile.load(file))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("abuse-guard.client.trusted-proxys[0]: unknown property 'trusted-proxys'");
    }

    /** probe46d F3: a second {@code rate-limit:} replaced the first, and every rule was dropped, silently. */
    @Test
    void aKeyWrittenTwiceFailsNamingIt() throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(file, YAML + "  rate-limit:\n    mode: monitor\n");

        assertThatThrownBy(() -> SettingsFile.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate key rate-limit");
    }

    /** probe46d F4: a misspelt or missing root bound no rule at all, silently. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"abuse_guard:", "abuseGuard:", "abuse-guard: 5\nother:"})
    void aFileWithNoAbuseGuardSettingFailsNamingItsKeys(String root) throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(file, YAML.replace("abuse-guard:", root));

        assertThatThrownBy(() -> SettingsFile.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds no abuse-guard.* setting");
    }

    @Test
    void aBadValueFailsAtStartUpNamingTheProperty() throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(file, YAML.replace("capacity: 2", "capacity: -2"));

        assertThatThrownBy(() -> AbuseGuardFilter.fromSettings(SettingsFile.load(file)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("abuse-guard.rate-limit.rules.per-ip.limits[0].capacity: must be positive");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "trusted-proxies: [10.0.0.0/8] | trusted-proxies: [10.0.0.0/8, 0.0.0.0/0] | abuse-guard.client.trusted-proxies[1]",
                "methods: [POST] | methods: [post, FOO] | abuse-guard.rate-limit.rules.login.methods[1]",
                "period: 5m | period: 0s | abuse-guard.rate-limit.rules.per-ip.limits[0].period",
            })
    void aConfigurationMistakeInTheFileFailsStartUpNamingTheProperty(String line, String mistake, String property)
            throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(file, YAML.replace(line, mistake));

        assertThatThrownBy(() -> AbuseGuardFilter.fromSettings(SettingsFile.load(file)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith(property + ":");
    }

    /** Probe 13, L2: YAML 1.1 reads an unquoted {@code off} as {@code false}, and {@code on} as {@code true}. */
    @Test
    void anUnquotedYamlOffSwitchesTheSequenceModelOffAndOnFailsStartUpSayingWhy() throws Exception {
        Path off = Files.writeString(dir.resolve("off.yml"), YAML + "  sequence:\n    model: off\n");
        Path on = Files.writeString(dir.resolve("on.yml"), YAML + "  sequence:\n    model: on\n");

        assertThat(AbuseGuardFilter.fromSettings(SettingsFile.load(off))
                        .engine()
                        .guards())
                .noneMatch(SequenceGuard.class::isInstance);
        assertThatThrownBy(() -> AbuseGuardFilter.fromSettings(SettingsFile.load(on)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith(
                        "abuse-guard.sequence.model: 'true' is not off, learn, score or learn-and-score")
                .hasMessageContaining("quote");
    }

    /**
     * Probe 13, M5: bounce feedback is fed by the starter's notification endpoint and bean; the plain
     * filter builds neither, so its {@code bounce-*} properties would bind and do nothing.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "bounce-threshold, 3",
        "bounce-rate, 0.5",
        "bounce-window, 2h",
        "bounce-block-for, 7d",
    })
    void bounceFeedbackPropertiesFailStartUpOfThePlainFilterAsSpringBootOnly(String property, String value)
            throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(file, YAML + "  email:\n    " + property + ": " + value + "\n");

        assertThatThrownBy(() -> AbuseGuardFilter.fromSettings(SettingsFile.load(file)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("abuse-guard.email." + property + ":")
                .hasMessageContaining("Spring Boot");
    }

    /**
     * Probe 5, F4: the plain servlet settings file names the application's public origins too, and then
     * the request's {@code Host} no longer makes its own origin: a page calling the server by the name
     * it was reached under (here 127.0.0.1, as a clone's proxy forwards its own {@code Host}) is not it.
     */
    @Test
    void ownOriginsFromTheFileReplaceTheHostOfTheRequest() throws Exception {
        String rule = """
                abuse-guard:
                  origin:
                    rules:
                      api:
                        paths: [/api/**]
                """;
        Path hostOnly = dir.resolve("host.yml");
        Files.writeString(hostOnly, rule);
        Path named = dir.resolve("named.yml");
        Files.writeString(named, rule.replace("    rules:", "    own-origins: [https://shop.example]\n    rules:"));

        try (TestServer server = new TestServer(AbuseGuardFilter.fromSettings(SettingsFile.load(hostOnly)))) {
            assertThat(server.send(post(server, "http://" + server.uri("/").getAuthority()))
                            .statusCode())
                    .isEqualTo(200);
        }
        try (TestServer server = new TestServer(AbuseGuardFilter.fromSettings(SettingsFile.load(named)))) {
            HttpResponse<String> byHost =
                    server.send(post(server, "http://" + server.uri("/").getAuthority()));
            assertThat(byHost.statusCode()).isEqualTo(403);
            assertThat(byHost.body()).contains("origin-not-allowed");
            assertThat(server.send(post(server, "https://shop.example")).statusCode())
                    .isEqualTo(200);
        }
    }

    private static HttpRequest.Builder post(TestServer server, String origin) {
        return HttpRequest.newBuilder(server.uri("/api/orders"))
                .header("Origin", origin)
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
    }

    @Test
    void aBroadTrustedProxyBlockIsAcceptedOnlyWhenTheFileSaysItIsMeant() throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(
                file,
                YAML.replace(
                        "trusted-proxies: [10.0.0.0/8]",
                        "trusted-proxies: [0.0.0.0/0]\n    allow-broad-trusted-proxies: true"));

        assertThat(AbuseGuardFilter.fromSettings(SettingsFile.load(file))).isNotNull();
    }

    /**
     * Probe 15, F5: an empty list or a null value in the YAML file is kept, and refused naming the
     * property as Spring Boot refuses it, instead of silently becoming the default ({@code paths: ~} made
     * the rule limit every route, {@code /**}).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "rate-limit: {rules: {api: {paths: ~, limits: [{capacity: 10, period: 1m}]}}} | abuse-guard.rate-limit.rules.api",
                "rate-limit: {rules: {api: {paths: [], limits: [{capacity: 10, period: 1m}]}}} | abuse-guard.rate-limit.rules.api",
                "failure: {rules: {l: {paths: /l, statuses: []}}} | abuse-guard.failure.rules.l.statuses:",
                "failure: {rules: {l: {paths: /l, statuses: ~}}} | abuse-guard.failure.rules.l.statuses:",
                "failure: {rules: {l: {paths: /l, find-time: }}} | abuse-guard.failure.rules.l.find-time:",
            })
    void anEmptyListOrANullValueIsRefusedNamingThePropertyNotReplacedByTheDefault(String yaml, String named)
            throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(file, "abuse-guard:\n  " + yaml + "\n");

        assertThatThrownBy(() -> AbuseGuardFilter.fromSettings(SettingsFile.load(file)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith(named);
    }

    /**
     * review47 F5: a setting given twice replaced the first silently where the YAML parser could not see it: in two
     * documents ({@code ---}; a list in part, [/a, /b] then [/c] loaded as [/c, /b]), as a dotted key and nested
     * (a capacity of 5 became 500), or in a properties file.
     */
    @ParameterizedTest(name = "[{0}]")
    @ValueSource(
            strings = {
                "abuse-guard:\n  rate-limit:\n    rules:\n      api:\n        paths: [/a, /b]\n---\nabuse-guard:\n"
                        + "  rate-limit:\n    rules:\n      api:\n        paths: [/c]\n",
                "abuse-guard.rate-limit.rules.api.limits[0].capacity: 500\nabuse-guard:\n  rate-limit:\n    rules:\n"
                        + "      api:\n        limits:\n          - capacity: 5\n",
                // review48 F6: spellings the binder takes for one setting
                "abuse-guard:\n  rate-limit:\n    rules:\n      api:\n        paths: [/a]\n        limits:\n"
                        + "          - capacity: 5\n---\nabuse-guard:\n  rate-limit:\n    rules:\n      api:\n"
                        + "        limits:\n          - Capacity: 500\n",
                "abuse-guard:\n  rate-limit:\n    rules:\n      api:\n        paths: /a,/b\n---\nabuse-guard:\n"
                        + "  rate-limit:\n    rules:\n      api:\n        paths[0]: /c\n",
                "abuse-guard:\n  failure:\n    rules:\n      login:\n        paths: [/login]\n        max-retry: 5\n"
                        + "        maxRetry: 500\n"
            })
    void aSettingGivenTwiceInWaysTheParserCannotSeeFails(String yaml) throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(file, yaml);

        assertThatThrownBy(() -> SettingsFile.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
    }

    @Test
    void aPropertiesFileThatSetsAKeyTwiceFails() throws Exception {
        Path file = dir.resolve("abuse-guard.properties");
        Files.writeString(
                file, "abuse-guard.rate-limit.rules.api.paths=/a\nabuse-guard.rate-limit.rules.api.paths=/c\n");

        assertThatThrownBy(() -> SettingsFile.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'abuse-guard.rate-limit.rules.api.paths' twice");
    }

    /** probe47c F7: an empty file (a config map mounted empty, a truncated deploy) started an unprotected filter. */
    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "# every rule commented out\n#abuse-guard:\n", "---\n"})
    void aFileWithNoSettingAtAllFails(String content) throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(file, content);

        assertThatThrownBy(() -> SettingsFile.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds no setting");
    }

    @Test
    void aSectionOrMapWhoseEntriesAreAllCommentedOutSetsNothing() throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(file, """
                abuse-guard:
                  proof:
                  rate-limit:
                    rules:
                    #  api: ...
                  failure:
                    rules:
                      l:
                        paths: /l
                        under-attack:
                """);

        AbuseGuardSettings settings = SettingsFile.load(file);
        assertThat(settings.section(io.github.abuseguard.ratelimit.RateLimitSettings.class)
                        .rules())
                .isEmpty();
        assertThat(settings.section(ProofSettings.class))
                .isEqualTo(new AbuseGuardSettings().section(ProofSettings.class));
        AbuseGuardFilter.fromSettings(settings);
    }

    /** Probe 15, F1: placeholders are resolved as a Spring Boot user expects, and an unset one fails. */
    @Test
    void aPlaceholderIsResolvedFromTheVariablesGivenItsDefaultOrFailsNamingTheProperty() throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(file, """
                abuse-guard:
                  proof:
                    secret: ${PROOF_SECRET}
                    path: ${PROOF_PATH:/proof}
                """);
        Map<String, String> variables = new HashMap<>(Map.of("PROOF_SECRET", "a-secret-of-sixteen+"));

        ProofSettings proof = SettingsFile.load(file.toString(), getClass().getClassLoader(), variables::get)
                .section(ProofSettings.class);
        assertThat(proof.secret()).isEqualTo("a-secret-of-sixteen+");
        assertThat(proof.path()).isEqualTo("/proof");

        variables.clear();
        assertThatThrownBy(() -> SettingsFile.load(file.toString(), getClass().getClassLoader(), variables::get))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("abuse-guard.proof.secret: ${PROOF_SECRET} is not set");
    }

    /** review9: a nested default stayed as its own text (Spring Boot resolves it); it fails naming the property. */
    @Test
    void aNestedPlaceholderFailsNamingTheProperty() throws Exception {
        Path file = dir.resolve("abuse-guard.properties");
        Files.writeString(file, "abuse-guard.responses.tag-header=${A_UNSET:${B_UNSET:X-Guard}}\n");

        assertThatThrownBy(() -> SettingsFile.load(file.toString(), getClass().getClassLoader(), name -> null))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("abuse-guard.responses.tag-header: holds a ${...} this file cannot resolve");
    }

    @Test
    void aPlaceholderInAnyPropertyOfAPropertiesFileIsResolvedOrFailsNamingTheProperty() throws Exception {
        Path file = dir.resolve("abuse-guard.properties");
        Files.writeString(file, """
                abuse-guard.rate-limit.rules.api.paths=/api/${API_VERSION}/**
                abuse-guard.rate-limit.rules.api.limits[0].capacity=10
                abuse-guard.rate-limit.rules.api.limits[0].period=1m
                """);

        assertThat(SettingsFile.load(file.toString(), getClass().getClassLoader(), Map.of("API_VERSION", "v2")::get)
                        .section(io.github.abuseguard.ratelimit.RateLimitSettings.class)
                        .rules()
                        .get("api")
                        .paths())
                .containsExactly("/api/v2/**");
        assertThatThrownBy(() -> SettingsFile.load(file.toString(), getClass().getClassLoader(), name -> null))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("abuse-guard.rate-limit.rules.api.paths: ${API_VERSION} is not set");
    }

    @Test
    void aDecoysBodyKeepsItsOwnPlaceholders() throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(file, """
                abuse-guard:
                  decoys:
                    image: { status: 200, body: '{"id":"${uuid}","at":"${path}"}' }
                """);

        DecoySettings decoy = (DecoySettings) ((Map<?, ?>)
                        SettingsFile.load(file.toString(), getClass().getClassLoader(), Map.of("path", "/usr/bin")::get)
                                .section("decoys"))
                .get("image");
        assertThat(decoy.body()).isEqualTo("{\"id\":\"${uuid}\",\"at\":\"${path}\"}");
    }

    @Test
    void aDecoysBodyKeepsItsOwnPlaceholdersInEveryFormOfItsKey() throws Exception {
        Path file = dir.resolve("abuse-guard.properties");
        Files.writeString(file, """
                abuse-guard.decoys.upper.Body={"at":"${path}","id":"${uuid}"}
                abuse-guard.decoys.capitals.BODY={"at":"${path}"}
                abuse-guard.decoys[indexed].body={"at":"${path}"}
                """);

        Map<?, ?> decoys = (Map<?, ?>) SettingsFile.load(
                        file.toString(), getClass().getClassLoader(), Map.of("path", "/usr/bin", "uuid", "u")::get)
                .section("decoys");
        assertThat(((DecoySettings) decoys.get("upper")).body()).isEqualTo("{\"at\":\"${path}\",\"id\":\"${uuid}\"}");
        assertThat(((DecoySettings) decoys.get("capitals")).body()).isEqualTo("{\"at\":\"${path}\"}");
        assertThat(((DecoySettings) decoys.get("indexed")).body()).isEqualTo("{\"at\":\"${path}\"}");
    }

    @Test
    void aPlaceholderIsResolvedFromASystemProperty() throws Exception {
        Path file = dir.resolve("abuse-guard.yml");
        Files.writeString(file, "abuse-guard:\n  proof:\n    secret: ${abuse-guard-test.proof-secret}\n");
        System.setProperty("abuse-guard-test.proof-secret", "from-a-system-property");
        try {
            assertThat(SettingsFile.load(file).section(ProofSettings.class).secret())
                    .isEqualTo("from-a-system-property");
        } finally {
            System.clearProperty("abuse-guard-test.proof-secret");
        }
    }

    @Test
    void brokenYamlIsReportedWithTheFileName() throws Exception {
        Path file = dir.resolve("broken.yml");
        Files.writeString(file, "abuse-guard:\n  mode: [unclosed\n");

        assertThatThrownBy(() -> SettingsFile.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("broken.yml");
    }
}
