package io.github.abuseguard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.github.abuseguard.Action;
import io.github.abuseguard.ClientIdentity;
import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.PathPattern;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientSignalsGuardTest {
    private final ClientSignalsGuard guard = ClientSignalsGuard.builder()
            .userAgentRule(new ClientSignalsGuard.UserAgentRule(
                    "banned", ClientSignalsGuard.UserAgentRule.compile("badbot"), Action.REJECT, 0))
            .expectedClient(new ClientSignalsGuard.ExpectedClient(
                    "app-only",
                    List.of(PathPattern.parse("/api/app/**")),
                    ClientSignalsGuard.UserAgentRule.compile("^MyApp/\\d+"),
                    35))
            .build();

    @Test
    void theBuiltInScoresDefaultToTheSettingsDefaults() {
        ClientSignalsGuard.Scores scores = ClientSignalsGuard.Scores.defaults();

        assertThat(List.of(
                        scores.missingUserAgent,
                        scores.via,
                        scores.amazonCloudFrontId,
                        scores.cloudFrontHeaders,
                        scores.untrustedForwarding,
                        scores.cdnUserAgent,
                        scores.cdnMark,
                        scores.cdnWorker))
                .containsExactly(
                        ClientSignalsSettings.DEFAULT_MISSING_USER_AGENT_SCORE,
                        ClientSignalsSettings.DEFAULT_VIA_SCORE,
                        ClientSignalsSettings.DEFAULT_AMAZON_CLOUD_FRONT_ID_SCORE,
                        ClientSignalsSettings.DEFAULT_CLOUD_FRONT_HEADERS_SCORE,
                        ClientSignalsSettings.DEFAULT_UNTRUSTED_FORWARDING_SCORE,
                        ClientSignalsSettings.DEFAULT_CDN_USER_AGENT_SCORE,
                        ClientSignalsSettings.DEFAULT_CDN_MARK_SCORE,
                        ClientSignalsSettings.DEFAULT_CDN_WORKER_SCORE);
    }

    private static final String BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0 Safari/537.36";

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "curl/8.5.0, 20",
        "python-requests/2.31, 20",
        "Go-http-client/1.1, 20",
        "Java/17.0.2, 20",
        "Mozilla/5.0 (X11) HeadlessChrome/120.0, 30",
        "Scrapy/2.11 (+https://scrapy.org), 40",
        "sqlmap/1.7#stable (https://sqlmap.org), 100",
        "Mozilla/5.00 (Nikto/2.5.0) (Evasions:None), 100",
    })
    void builtInSignaturesFlagAutomationTools(String userAgent, int score) {
        Decision decision = guard.check(
                GuardRequest.builder("GET", "/").header("User-Agent", userAgent).build());
        assertThat(decision.isFlag()).isTrue();
        assertThat(decision.score()).isEqualTo(score);
    }

    /**
     * Verdicts are served from a small table of the user agents last seen, chosen by length, middle and last
     * character: two user agents of one slot, one rejected and one not, each keep their own verdict.
     */
    @Test
    void userAgentsSharingALastSeenSlotKeepTheirOwnVerdicts() {
        String rejected = "badbot-Mozilla-xyz";
        String browser = "goodbo-Mozilla-xyz";
        assertThat(rejected.length()).isEqualTo(browser.length());
        assertThat(rejected.charAt(rejected.length() / 2)).isEqualTo(browser.charAt(browser.length() / 2));
        for (int i = 0; i < 3; i++) {
            assertThat(guard.check(GuardRequest.builder("GET", "/")
                                    .header("User-Agent", new String(rejected))
                                    .build())
                            .isDeny())
                    .as("%s, time %d", rejected, i)
                    .isTrue();
            assertThat(guard.check(GuardRequest.builder("GET", "/")
                            .header("User-Agent", new String(browser))
                            .build()))
                    .as("%s, time %d", browser, i)
                    .isSameAs(Decision.allow());
        }
    }

    @Test
    void browsersPassUnflagged() {
        assertThat(guard.check(GuardRequest.builder("GET", "/")
                        .header("User-Agent", BROWSER)
                        .build()))
                .isSameAs(Decision.allow());
    }

    @Test
    void aMissingUserAgentIsFlagged() {
        assertThat(guard.check(GuardRequest.builder("GET", "/").build()).reason())
                .isEqualTo("missing-user-agent");
    }

    @Test
    void aRejectingRuleRefuses() {
        Decision decision = guard.check(GuardRequest.builder("GET", "/")
                .header("User-Agent", "BadBot/2")
                .build());
        assertThat(decision.isDeny()).isTrue();
        assertThat(decision.status()).isEqualTo(403);
    }

    @Test
    void routesOfAnExpectedClientFlagAnyOtherClient() {
        assertThat(guard.check(GuardRequest.builder("GET", "/api/app/feed")
                        .header("User-Agent", "MyApp/3.2")
                        .build()))
                .isSameAs(Decision.allow());
        Decision other = guard.check(GuardRequest.builder("GET", "/api/app/feed")
                .header("User-Agent", BROWSER)
                .build());
        assertThat(other.score()).isEqualTo(35);
        assertThat(other.reason()).isEqualTo("unexpected-client:app-only");
    }

    @Test
    void cdnTracesFromAnUntrustedPeerAddUpButStayBelowTheThreshold() {
        Decision decision = guard.check(GuardRequest.builder("GET", "/")
                .header("User-Agent", "Amazon CloudFront")
                .header("Via", "1.1 abc.cloudfront.net (CloudFront)")
                .header("X-Amz-Cf-Id", "abc==")
                .header("CloudFront-Viewer-Country", "NL")
                .header("X-Forwarded-For", "192.0.2.1")
                .build());
        assertThat(decision.score())
                .isEqualTo(ClientSignalsGuard.CDN_TRACES_MAX)
                .isLessThan(100);
        assertThat(decision.reason()).isEqualTo("cdn-user-agent");
    }

    /**
     * probe65d F1: the WARN said "writes without Origin through that CDN are refused" on the servlet demo, which has no
     * origin rule, and every such write reached its login: the refusal takes an origin rule's 40 for the missing
     * Origin, and the warning now says so.
     */
    @Test
    void theCdnWarningSaysTheRefusalTakesAnOriginRule() {
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        Decision write;
        try {
            System.setErr(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
            write = ClientSignalsGuard.builder()
                    .build()
                    .check(GuardRequest.builder("POST", "/api/login")
                            .client("203.0.113.9")
                            .header("User-Agent", BROWSER)
                            .header("X-Amz-Cf-Id", "abc==")
                            .build());
        } finally {
            System.setErr(original);
        }
        assertThat(write.score()).as("alone, under the refusal threshold").isLessThan(100);
        assertThat(printed.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("X-Amz-Cf-Id")
                .contains("refused on routes an origin rule covers")
                .contains("without such a rule they are only flagged");
    }

    @Test
    void theCdnsRequestIdAloneWeighsEnoughThatAWriteWithoutOriginIsRefused() {
        // probe F14: a clone's CloudFront that forwards the viewer's user agent left X-Amz-Cf-Id, Via and
        // X-Forwarded-For, 25 + 10 + 10: with the origin guard's 40 for a missing Origin, 85 passed a write
        Decision viewerAgent = guard.check(GuardRequest.builder("POST", "/api/transform")
                .header("User-Agent", BROWSER)
                .header("Via", "1.1 abc.cloudfront.net (CloudFront)")
                .header("X-Amz-Cf-Id", "abc==")
                .header("X-Forwarded-For", "192.0.2.1")
                .build());
        assertThat(viewerAgent.score() + 40).isGreaterThanOrEqualTo(100);
        assertThat(viewerAgent.score()).as("flagged, not refused, on a read").isLessThan(100);
        Decision idAlone = guard.check(GuardRequest.builder("POST", "/api/transform")
                .header("User-Agent", BROWSER)
                .header("X-Amz-Cf-Id", "abc==")
                .build());
        assertThat(idAlone.score() + 40).isGreaterThanOrEqualTo(100);
    }

    @Test
    void theCdnUserAgentIsFlaggedEveryTimeAndWhereverItIsNamed() {
        String cdn = "Mozilla/5.0 via Amazon CloudFront";
        String late = "x".repeat(ClientSignalsGuard.MAX_USER_AGENT) + " Amazon CloudFront";
        for (String agent : List.of(cdn, cdn, late, late)) {
            Decision decision = guard.check(
                    GuardRequest.builder("GET", "/").header("User-Agent", agent).build());
            assertThat(decision.reason()).as(agent).isEqualTo("cdn-user-agent");
            assertThat(decision.score()).as(agent).isEqualTo(30);
        }
        assertThat(guard.check(GuardRequest.builder("GET", "/")
                        .header("User-Agent", BROWSER)
                        .build()))
                .isSameAs(Decision.allow());
    }

    /**
     * probe29 F3: a clone proxying writes through a Cloudflare Worker (no Origin, the viewer's user agent) was
     * served 202 where the CloudFront one was refused. A Worker's {@code CF-Worker} weighs what
     * {@code X-Amz-Cf-Id} does.
     */
    @Test
    void aCloudflareWorkersFetchWeighsEnoughThatAWriteWithoutOriginIsRefused() {
        Decision decision = guard.check(GuardRequest.builder("POST", "/api/transform")
                .client("203.0.113.9")
                .header("User-Agent", BROWSER)
                .header("cf-worker", "clone.example")
                .build());
        assertThat(decision.reason()).isEqualTo("cdn-forwarded");
        assertThat(decision.score())
                .isEqualTo(ClientSignalsSettings.DEFAULT_CDN_WORKER_SCORE)
                .isLessThan(100);
        assertThat(decision.score() + 40)
                .as("with the origin guard's missing Origin")
                .isGreaterThanOrEqualTo(100);
    }

    /**
     * review17 F1: {@code CDN-Loop}, {@code Fastly-FF} and {@code Akamai-Origin-Hop} are on every request
     * through those CDNs, the operator's own included where the container rewrote the client address
     * ({@code server.forward-headers-strategy=native}): scored 60, every Origin-less write of a mobile app
     * through the operator's own Cloudflare was refused. They flag; together with other traces of a foreign
     * CDN they add up.
     */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "CDN-Loop, cloudflare",
        "CDN-Loop, Fastly",
        "Fastly-FF, abc123!IAD!cache-iad-1",
        "Akamai-Origin-Hop, 1",
        "cdn-loop, cloudflare; loops=1"
    })
    void anotherCdnsLoopOrHopMarkIsFlaggedButDoesNotRefuseAWriteOnItsOwn(String header, String value) {
        Decision decision = guard.check(GuardRequest.builder("POST", "/api/transform")
                .client("203.0.113.9")
                .header("User-Agent", BROWSER)
                .header(header, value)
                .build());
        assertThat(decision.reason()).isEqualTo("cdn-forwarded");
        assertThat(decision.score()).isEqualTo(ClientSignalsSettings.DEFAULT_CDN_MARK_SCORE);
        assertThat(decision.score() + 40)
                .as("with the origin guard's missing Origin")
                .isLessThan(100);
        assertThat(guard.check(GuardRequest.builder("POST", "/api/transform")
                        .header("User-Agent", BROWSER)
                        .header(header, value)
                        .client(ClientIdentity.of("192.0.2.1").behindTrustedProxy())
                        .build()))
                .as("your own CDN, listed as a trusted proxy")
                .isSameAs(Decision.allow());
    }

    @Test
    void forwardingHeadersFromATrustedProxyAreExpected() {
        Decision decision = guard.check(GuardRequest.builder("GET", "/")
                .header("User-Agent", BROWSER)
                .header("Via", "1.1 our-lb")
                .header("X-Forwarded-For", "192.0.2.1")
                .client(ClientIdentity.of("192.0.2.1").behindTrustedProxy())
                .build());
        assertThat(decision).isSameAs(Decision.allow());
    }

    /**
     * probe59d F1: a client your proxy forwarded from an untrusted address brings the marks a CDN wrote before your
     * proxy saw the request: a clone's CloudFront distribution or Worker behind your ingress is weighed as when it
     * calls the app directly. Only what your proxy adds itself (forwarding headers, Via) is expected.
     */
    @Test
    void aCdnsMarksCountForAClientYourProxyForwardedFromAnUntrustedAddress() {
        ClientIdentity forwarded = ClientIdentity.of("192.0.2.77").forwardedByTrustedProxy();
        assertThat(guard.check(GuardRequest.builder("POST", "/api/transform")
                        .header("User-Agent", BROWSER)
                        .header("Via", "1.1 our-lb")
                        .header("X-Forwarded-For", "192.0.2.77")
                        .client(forwarded)
                        .build()))
                .as("what the site's own proxy adds")
                .isSameAs(Decision.allow());
        Decision cloudFront = guard.check(GuardRequest.builder("POST", "/api/transform")
                .header("User-Agent", BROWSER)
                .header("X-Amz-Cf-Id", "x7Jb0B3Pzw3nJ0Fh-abc==")
                .header("X-Forwarded-For", "192.0.2.77")
                .client(forwarded)
                .build());
        assertThat(cloudFront.reason()).isEqualTo("cdn-forwarded");
        assertThat(cloudFront.score()).isEqualTo(60);
        Decision worker = guard.check(GuardRequest.builder("GET", "/")
                .header("User-Agent", BROWSER)
                .header("CF-Worker", "clone.example")
                .header("X-Forwarded-For", "198.51.100.40")
                .client(ClientIdentity.of("198.51.100.40").forwardedByTrustedProxy())
                .build());
        assertThat(worker.score()).isEqualTo(60);
        assertThat(guard.check(GuardRequest.builder("GET", "/")
                        .header("User-Agent", BROWSER)
                        .header("CF-Worker", "our-worker.example")
                        .client(ClientIdentity.of("10.0.0.8").behindTrustedProxy())
                        .build()))
                .as("a request whose client is one of your own proxies: your own Worker")
                .isSameAs(Decision.allow());
    }

    /**
     * review78: the secret says the request passed through your distribution, not that nothing was before it. A clone
     * that is a Cloudflare Worker fetching your public domain goes through your own CDN, which adds the secret (a
     * Cloudflare transform rule; a CloudFront distribution whose origin request policy forwards the viewer's
     * headers), and its Worker's {@code CF-Worker} arrives beside it: that mark is the clone's, not your CDN's, and it
     * was weighed before own-cdn-header, with your CDN's mark scored 0 as the WARN advised.
     */
    @Test
    void aClonesWorkerFetchingThroughYourOwnCdnIsStillWeighed() {
        ClientSignalsGuard ownCdn = ClientSignalsGuard.builder()
                .ownCdn("X-Origin-Verify", "s3cret-of-our-distribution")
                .build();
        ClientIdentity viewer = ClientIdentity.of("198.51.100.23").forwardedByTrustedProxy();
        GuardRequest throughOurCloudflare = GuardRequest.builder("POST", "/api/transform")
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0")
                .header("CF-Worker", "clone-of-our-shop.example")
                .header("CDN-Loop", "cloudflare")
                .header("X-Origin-Verify", "s3cret-of-our-distribution")
                .client(viewer)
                .build();
        assertThat(ownCdn.check(throughOurCloudflare).score())
                .as("a clone's Worker's fetch through our own Cloudflare zone")
                .isPositive();
        GuardRequest throughOurCloudFront = GuardRequest.builder("POST", "/api/transform")
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0")
                .header("CF-Worker", "clone-of-our-shop.example")
                .header("Via", "2.0 0a1b2c3d.cloudfront.net (CloudFront)")
                .header("X-Amz-Cf-Id", "x7Jb0B3Pzw3nJ0Fh-abc==")
                .header("X-Origin-Verify", "s3cret-of-our-distribution")
                .client(viewer)
                .build();
        assertThat(ownCdn.check(throughOurCloudFront).score())
                .as("a clone's Worker's fetch through our own CloudFront")
                .isPositive();
    }

    /**
     * review76 F2: a site behind its own CloudFront cannot tell its distribution's marks from a clone's by address; the
     * secret its distribution adds can. With it the marks are the site's; without it (a clone's distribution, or a
     * wrong value) they count.
     */
    @Test
    void yourOwnCdnsSecretMakesItsMarksYours() {
        ClientSignalsGuard ownCdn = ClientSignalsGuard.builder()
                .ownCdn("X-Origin-Verify", "s3cret-of-our-distribution")
                .build();
        ClientIdentity viewer = ClientIdentity.of("203.0.113.10").forwardedByTrustedProxy();
        GuardRequest.Builder throughCloudFront = GuardRequest.builder("POST", "/api/transform")
                .header("User-Agent", "CartoonifyApp/3.2")
                .header("Via", "2.0 0a1b2c3d.cloudfront.net (CloudFront)")
                .header("X-Amz-Cf-Id", "x7Jb0B3Pzw3nJ0Fh-abc==")
                .header("X-Forwarded-For", "203.0.113.10, 130.176.5.5")
                .client(viewer);
        assertThat(ownCdn.check(throughCloudFront
                        .header("X-Origin-Verify", "s3cret-of-our-distribution")
                        .build()))
                .as("our distribution")
                .isSameAs(Decision.allow());
        assertThat(ownCdn.check(GuardRequest.builder("POST", "/api/transform")
                                .header("User-Agent", "CartoonifyApp/3.2")
                                .header("X-Amz-Cf-Id", "x7Jb0B3Pzw3nJ0Fh-abc==")
                                .header("X-Origin-Verify", "s3cret-of-our-distributioN")
                                .client(viewer)
                                .build())
                        .score())
                .as("a clone's distribution guessing the secret")
                .isEqualTo(60);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ClientSignalsGuard.builder().ownCdn("X-Origin-Verify", "short"));
    }

    @Test
    void theBuiltInSignaturesCanBeSwitchedOff() {
        ClientSignalsGuard plain =
                ClientSignalsGuard.builder().builtinSignatures(false).build();
        assertThat(plain.check(GuardRequest.builder("GET", "/")
                        .header("User-Agent", "curl/8")
                        .build()))
                .isSameAs(Decision.allow());
    }

    @Test
    void aClientRotatingLongRandomUserAgentsCannotGrowTheVerdictCacheOrChangeVerdicts() {
        Random random = new Random(1);
        for (int i = 0; i < 3_000; i++) {
            guard.check(GuardRequest.builder("GET", "/")
                    .header("User-Agent", randomText(random, 8_192))
                    .build());
            assertThat(guard.cachedUserAgentWeight()).isLessThanOrEqualTo(ClientSignalsGuard.MAX_CACHED_CHARS);
        }

        assertThat(guard.check(GuardRequest.builder("GET", "/")
                        .header("User-Agent", BROWSER)
                        .build()))
                .isSameAs(Decision.allow());
        assertThat(guard.check(GuardRequest.builder("GET", "/")
                                .header("User-Agent", "BadBot/2")
                                .build())
                        .isDeny())
                .isTrue();
    }

    @Test
    void userAgentsThatDifferOnlyPastWhatRulesReadShareOneCacheEntry() {
        ClientSignalsGuard fresh = ClientSignalsGuard.builder().build();
        String prefix = "x".repeat(ClientSignalsGuard.MAX_USER_AGENT);
        for (int i = 0; i < 100; i++) {
            fresh.check(GuardRequest.builder("GET", "/")
                    .header("User-Agent", prefix + i)
                    .build());
        }
        assertThat(fresh.cachedUserAgentWeight())
                .isEqualTo(ClientSignalsGuard.MAX_USER_AGENT + ClientSignalsGuard.ENTRY_OVERHEAD);
    }

    private static String randomText(Random random, int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }

    @Test
    void forwardingHeadersFromAnUntrustedLocalPeerAreReportedOnceNamingTheProperty() {
        // probe F15: behind a proxy nobody listed, every client is the proxy, and nothing said so
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        ClientSignalsGuard fresh = ClientSignalsGuard.builder().build();
        try {
            System.setErr(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
            fresh.check(GuardRequest.builder("GET", "/")
                    .client("203.0.113.9")
                    .header("X-Forwarded-For", "198.51.100.1")
                    .build());
            assertThat(printed.toString(java.nio.charset.StandardCharsets.UTF_8))
                    .as("a public peer that forwards is someone else's proxy, scored, not a deployment mistake")
                    .doesNotContain("trusted-proxies");
            for (String peer : new String[] {"10.0.0.5", "172.20.1.1", "127.0.0.1"}) {
                fresh.check(GuardRequest.builder("GET", "/")
                        .client(peer)
                        .header("X-Forwarded-For", "198.51.100.1")
                        .build());
            }
        } finally {
            System.setErr(original);
        }
        String log = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(log).contains("10.0.0.5").contains("abuse-guard.client.trusted-proxies");
        assertThat(log.split("trusted-proxies", -1)).as("said once").hasSize(2);
    }

    @Test
    void aTraceScoreSetAboveTheCapCountsInFullOnlyWhenThatTraceIsThere() {
        ClientSignalsGuard strict = ClientSignalsGuard.builder()
                .scores(ClientSignalsGuard.Scores.defaults().cdnUserAgent(100))
                .build();
        Decision withoutTheAgent = strict.check(GuardRequest.builder("GET", "/")
                .client("203.0.113.9")
                .header("User-Agent", BROWSER)
                .header("Via", "1.1 abc.cloudfront.net (CloudFront)")
                .header("X-Amz-Cf-Id", "abc==")
                .header("CloudFront-Viewer-Country", "NL")
                .header("X-Forwarded-For", "192.0.2.1")
                .build());
        assertThat(withoutTheAgent.score()).isEqualTo(ClientSignalsGuard.CDN_TRACES_MAX);
        Decision withIt = strict.check(GuardRequest.builder("GET", "/")
                .client("203.0.113.9")
                .header("User-Agent", "Amazon CloudFront")
                .header("X-Amz-Cf-Id", "abc==")
                .build());
        assertThat(withIt.score()).isEqualTo(100);
    }
}
