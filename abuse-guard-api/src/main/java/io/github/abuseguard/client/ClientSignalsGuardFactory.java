package io.github.abuseguard.client;

import io.github.abuseguard.Guard;
import io.github.abuseguard.PathPattern;
import io.github.abuseguard.config.AbstractGuardFactory;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.PropertyPath;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Builds the {@link ClientSignalsGuard} of {@code abuse-guard.client-signals.*}. */
public final class ClientSignalsGuardFactory extends AbstractGuardFactory<ClientSignalsSettings> {

    /** The section name. */
    public static final String NAME = "client-signals";

    public ClientSignalsGuardFactory() {
        super(NAME, 200);
    }

    @Override
    protected @Nullable Guard build(ClientSignalsSettings signals, GuardContext context) {
        PropertyPath at = context.path();
        ClientSignalsGuard.Scores scores = ClientSignalsGuard.Scores.defaults();
        at.check("missing-user-agent-score", () -> scores.missingUserAgent(signals.missingUserAgentScore()));
        at.check("via-score", () -> scores.via(signals.viaScore()));
        at.check("amazon-cloud-front-id-score", () -> scores.amazonCloudFrontId(signals.amazonCloudFrontIdScore()));
        at.check("cloud-front-headers-score", () -> scores.cloudFrontHeaders(signals.cloudFrontHeadersScore()));
        at.check("untrusted-forwarding-score", () -> scores.untrustedForwarding(signals.untrustedForwardingScore()));
        at.check("cdn-user-agent-score", () -> scores.cdnUserAgent(signals.cdnUserAgentScore()));
        at.check("cdn-worker-score", () -> scores.cdnWorker(signals.cdnWorkerScore()));
        at.check("cdn-mark-score", () -> scores.cdnMark(signals.cdnMarkScore()));
        ClientSignalsGuard.Builder builder = ClientSignalsGuard.builder()
                .builtinSignatures(signals.builtinSignatures())
                .scores(scores);
        boolean header =
                signals.ownCdnHeader() != null && !signals.ownCdnHeader().isBlank();
        boolean secret =
                signals.ownCdnSecret() != null && !signals.ownCdnSecret().isEmpty();
        if (header != secret) {
            at.check(header ? "own-cdn-secret" : "own-cdn-header", () -> {
                throw new IllegalArgumentException("own-cdn-header and own-cdn-secret are set together");
            });
        }
        if (header) {
            at.check(
                    "own-cdn-secret",
                    () -> builder.ownCdn(signals.ownCdnHeader().strip(), signals.ownCdnSecret()));
        }
        signals.userAgentRules()
                .forEach((name, rule) -> at.check("user-agent-rules." + name, () -> {
                    if (rule.pattern() == null) {
                        throw new IllegalArgumentException("pattern is required");
                    }
                    builder.userAgentRule(new ClientSignalsGuard.UserAgentRule(
                            name,
                            ClientSignalsGuard.UserAgentRule.compile(rule.pattern()),
                            rule.action(),
                            rule.score()));
                }));
        signals.expectedClients()
                .forEach((name, expected) -> at.check("expected-clients." + name, () -> {
                    if (expected.pattern() == null || expected.paths().isEmpty()) {
                        throw new IllegalArgumentException("pattern and paths are required");
                    }
                    List<PathPattern> paths =
                            expected.paths().stream().map(PathPattern::parse).toList();
                    builder.expectedClient(new ClientSignalsGuard.ExpectedClient(
                            name,
                            paths,
                            ClientSignalsGuard.UserAgentRule.compile(expected.pattern()),
                            expected.score()));
                }));
        return builder.build();
    }
}
