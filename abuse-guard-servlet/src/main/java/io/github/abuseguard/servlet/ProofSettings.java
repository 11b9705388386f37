package io.github.abuseguard.servlet;

import io.github.abuseguard.Mode;
import io.github.abuseguard.config.AbstractSettingsSection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@code abuse-guard.proof.*}: the browser proof, the only way a client earns a history while it is on. */
public class ProofSettings {

    /** The default of {@code path}. */
    public static final String DEFAULT_PATH = "/abuse-guard/proof";

    /** The default of {@code difficulty}. */
    public static final int DEFAULT_DIFFICULTY = 14;

    /** The default of {@code mode}. */
    public static final Mode DEFAULT_MODE = Mode.ENFORCE;

    /** The default of {@code challenge-ttl}. */
    public static final Duration DEFAULT_CHALLENGE_TTL = Duration.ofMinutes(2);

    /**
     * Whether a client earns its history (what the under-attack and under-scrape modes let through) only by
     * running the page's proof script, instead of by any successful request on a watched route.
     */
    private boolean enabled;

    /** Where the filter answers the proof (GET: a challenge, POST: the solution) and serves its script (path.js). */
    private String path = DEFAULT_PATH;

    /** Leading zero bits of SHA-256 a solution needs: each one more doubles a client's work (14: about 16,000 hashes, some 0.1 s of a browser's script). */
    private int difficulty = DEFAULT_DIFFICULTY;

    /** How long a challenge can be answered. */
    private Duration challengeTtl = DEFAULT_CHALLENGE_TTL;

    /**
     * Path patterns a client may call only with a proof given within abuse-guard.failure.history-ttl (403
     * proof-required otherwise, before any guard counts it): routes only your pages and apps that solve
     * the proof call.
     */
    private List<String> requiredPaths = new ArrayList<>();

    /**
     * enforce, or monitor: a request required-paths would refuse is only reported (would-deny, guard proof, in
     * the metrics and the decision log) and goes on to the guards; abuse-guard.mode=monitor and
     * abuse-guard.routes.monitor monitor it too.
     */
    private Mode mode = DEFAULT_MODE;

    /** The key challenges are signed with, at least 16 characters, the same on every instance; unset, a random key per start. */
    private @Nullable String secret;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public int getDifficulty() {
        return difficulty;
    }

    public void setDifficulty(int difficulty) {
        this.difficulty = difficulty;
    }

    public Duration getChallengeTtl() {
        return challengeTtl;
    }

    public void setChallengeTtl(Duration challengeTtl) {
        this.challengeTtl = challengeTtl;
    }

    public List<String> getRequiredPaths() {
        return requiredPaths;
    }

    public void setRequiredPaths(List<String> requiredPaths) {
        this.requiredPaths = requiredPaths;
    }

    public Mode getMode() {
        return mode;
    }

    public void setMode(Mode mode) {
        this.mode = mode;
    }

    public @Nullable String getSecret() {
        return secret;
    }

    public void setSecret(@Nullable String secret) {
        this.secret = secret;
    }

    /** Contributes {@code abuse-guard.proof.*} to the schema; registered with {@link java.util.ServiceLoader}. */
    public static final class Section extends AbstractSettingsSection<ProofSettings> {
        public Section() {
            super("proof", ProofSettings.class, ProofSettings::new);
        }
    }
}
