package io.github.abuseguard.servlet;

import io.github.abuseguard.Mode;
import io.github.abuseguard.config.AbstractSettingsSection;
import io.github.abuseguard.config.Default;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code abuse-guard.proof.*}: the browser proof, the only way a client earns a history while it is on.
 *
 * @param enabled Whether a client earns its history (what the under-attack and under-scrape modes let through) only by
 *     running the page's proof script, instead of by any successful request on a watched route.
 * @param path Where the filter answers the proof (GET: a challenge, POST: the solution) and serves its script (path.js).
 * @param difficulty Leading zero bits of SHA-256 a solution needs: each one more doubles a client's work (14: about 16,000 hashes, some 0.1 s of a browser's script).
 * @param attackDifficulty Leading zero bits a challenge asks while a route of the site is under attack or under scrape (at least difficulty): each address an attacker proves from costs that much more while the attack lasts (18: about 260,000 hashes, one to a few seconds of a browser's script).
 * @param challengeTtl How long a challenge can be answered.
 * @param requiredPaths Path patterns a client may call only with a proof given within abuse-guard.failure.history-ttl (403
 *     proof-required otherwise, before any guard counts it): routes only your pages and apps that solve
 *     the proof call.
 * @param mode enforce, or monitor: a request required-paths would refuse is only reported (would-deny, guard proof, in
 *     the metrics and the decision log) and goes on to the guards; abuse-guard.mode=monitor and
 *     abuse-guard.routes.monitor monitor it too.
 * @param secret The key challenges are signed with, at least 16 characters, the same on every instance; unset, a random key per start.
 */
public record ProofSettings(
        boolean enabled,
        @Default(DEFAULT_PATH) String path,
        @Default("" + DEFAULT_DIFFICULTY) int difficulty,
        @Default("" + DEFAULT_ATTACK_DIFFICULTY) int attackDifficulty,
        @Default(DEFAULT_CHALLENGE_TTL) Duration challengeTtl,
        List<String> requiredPaths,
        @Default(DEFAULT_MODE) Mode mode,
        @Nullable String secret) {

    /** The default of {@code path}. */
    public static final String DEFAULT_PATH = "/abuse-guard/proof";

    /** The default of {@code difficulty}. */
    public static final int DEFAULT_DIFFICULTY = 14;

    /** The default of {@code attack-difficulty}. */
    public static final int DEFAULT_ATTACK_DIFFICULTY = 18;

    /** The default of {@code mode}. */
    public static final String DEFAULT_MODE = "enforce";

    /** The default of {@code challenge-ttl}. */
    public static final String DEFAULT_CHALLENGE_TTL = "2m";

    public ProofSettings {
        // as internal.Settings.copy, which a public type of this module may not call
        requiredPaths = requiredPaths == null ? List.of() : List.copyOf(requiredPaths);
    }

    /** Contributes {@code abuse-guard.proof.*} to the schema; registered with {@link java.util.ServiceLoader}. */
    public static final class Section extends AbstractSettingsSection<ProofSettings> {
        public Section() {
            super("proof");
        }
    }
}
