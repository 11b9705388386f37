package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.servlet.BrowserProof.Verdict;
import io.github.abuseguard.testing.FakeTimeSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BrowserProofTest {
    private static final byte[] SECRET = "a secret of this site, 32 bytes!".getBytes(StandardCharsets.UTF_8);
    private static final String CLIENT = "203.0.113.7";

    private final FakeTimeSource clock = new FakeTimeSource();
    private final BrowserProof proof = new BrowserProof(SECRET, 10, Duration.ofMinutes(2), clock);

    @Test
    void aSolvedChallengeOfTheSameClientHolds() {
        String challenge = proof.challenge(CLIENT);

        String nonce = ProofSolver.nonce(challenge, 10);

        assertThat(proof.verify(challenge, nonce, CLIENT)).isEqualTo(Verdict.VALID);
        assertThat(ProofSolver.leadingZeroBits(BrowserProof.sha256(challenge + ":" + nonce)))
                .isGreaterThanOrEqualTo(10);
    }

    @Test
    void aSolutionIsWorthNothingFromAnotherAddress() {
        String challenge = proof.challenge(CLIENT);
        String nonce = ProofSolver.nonce(challenge, 10);

        assertThat(proof.verify(challenge, nonce, "203.0.113.8")).isEqualTo(Verdict.FORGED);
    }

    @Test
    void aChallengeExpires() {
        String challenge = proof.challenge(CLIENT);
        String nonce = ProofSolver.nonce(challenge, 10);

        clock.advance(Duration.ofMinutes(2));
        assertThat(proof.verify(challenge, nonce, CLIENT))
                .as("within its lifetime")
                .isEqualTo(Verdict.VALID);
        clock.advance(Duration.ofSeconds(1));
        assertThat(proof.verify(challenge, nonce, CLIENT)).isEqualTo(Verdict.EXPIRED);
    }

    @Test
    void aClientCannotLowerTheDifficultyOrMoveTheExpiry() {
        String challenge = proof.challenge(CLIENT);
        String[] parts = challenge.split("\\.");
        String easier = parts[0] + "." + parts[1] + ".1." + parts[3] + "." + parts[4];
        String later =
                parts[0] + "." + (Long.parseLong(parts[1]) + 3600) + "." + parts[2] + "." + parts[3] + "." + parts[4];

        assertThat(proof.verify(easier, ProofSolver.nonce(easier, 1), CLIENT)).isEqualTo(Verdict.FORGED);
        assertThat(proof.verify(later, ProofSolver.nonce(later, 10), CLIENT)).isEqualTo(Verdict.FORGED);
    }

    @Test
    void anotherSitesChallengeIsForged() {
        BrowserProof other = new BrowserProof(
                "another site's secret, 32 bytes!".getBytes(StandardCharsets.UTF_8), 10, Duration.ofMinutes(2), clock);
        String challenge = other.challenge(CLIENT);

        assertThat(proof.verify(challenge, ProofSolver.nonce(challenge, 10), CLIENT))
                .isEqualTo(Verdict.FORGED);
    }

    @Test
    void aNonceThatDoesNotSolveItIsRefused() {
        String challenge = proof.challenge(CLIENT);
        long wrong = 0;
        while (ProofSolver.leadingZeroBits(BrowserProof.sha256(challenge + ":" + wrong)) >= 10) {
            wrong++;
        }

        assertThat(proof.verify(challenge, Long.toString(wrong), CLIENT)).isEqualTo(Verdict.UNSOLVED);
    }

    @Test
    void whatAClientMakesUpIsMalformedNotAnError() {
        String challenge = proof.challenge(CLIENT);
        String nonce = ProofSolver.nonce(challenge, 10);

        assertThat(proof.verify(null, nonce, CLIENT)).isEqualTo(Verdict.MALFORMED);
        assertThat(proof.verify(challenge, null, CLIENT)).isEqualTo(Verdict.MALFORMED);
        assertThat(proof.verify(challenge, "", CLIENT)).isEqualTo(Verdict.MALFORMED);
        assertThat(proof.verify(challenge, "-1", CLIENT)).isEqualTo(Verdict.MALFORMED);
        assertThat(proof.verify(challenge, "1".repeat(17), CLIENT)).isEqualTo(Verdict.MALFORMED);
        assertThat(proof.verify(challenge, nonce + " ", CLIENT)).isEqualTo(Verdict.MALFORMED);
        assertThat(proof.verify(challenge + ".x", nonce, CLIENT)).isEqualTo(Verdict.MALFORMED);
        assertThat(proof.verify("1.x.10.abc.def", nonce, CLIENT)).isEqualTo(Verdict.MALFORMED);
        assertThat(proof.verify("1.1.10.abc.%%%", nonce, CLIENT)).isEqualTo(Verdict.MALFORMED);
        assertThat(proof.verify("2" + challenge.substring(1), nonce, CLIENT)).isEqualTo(Verdict.MALFORMED);
        assertThat(proof.verify(challenge + "A".repeat(200), nonce, CLIENT)).isEqualTo(Verdict.MALFORMED);
    }

    @Test
    void eachChallengeIsNew() {
        assertThat(proof.challenge(CLIENT)).isNotEqualTo(proof.challenge(CLIENT));
    }

    @Test
    void badSettingsAreRefused() {
        Duration ttl = Duration.ofMinutes(2);
        assertThatThrownBy(() -> new BrowserProof(new byte[15], 10, ttl, clock)).hasMessageContaining("16 bytes");
        assertThatThrownBy(() -> new BrowserProof(SECRET, 0, ttl, clock)).hasMessageContaining("difficulty");
        assertThatThrownBy(() -> new BrowserProof(SECRET, 23, ttl, clock)).hasMessageContaining("difficulty");
        assertThatThrownBy(() -> new BrowserProof(SECRET, 10, Duration.ofSeconds(9), clock))
                .hasMessageContaining("challenge-ttl");
        assertThatThrownBy(() -> new BrowserProof(SECRET, 10, Duration.ofDays(2), clock))
                .hasMessageContaining("challenge-ttl");
    }
}
