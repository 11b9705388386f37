package io.github.abuseguard.failure.internal;

import io.github.abuseguard.Action;
import io.github.abuseguard.GuardRule;
import io.github.abuseguard.KeyResolver;
import io.github.abuseguard.Mode;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.EngineSettings;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.failure.FailureSettings;
import io.github.abuseguard.internal.WeakenedProtection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up warning of failure rules that lock owners out, shared by the plain servlet filter and the Spring Boot
 * starter so that both say the same (user74 F1). Not part of the public API.
 */
public final class OwnerLockOuts {

    private static final Logger log = LoggerFactory.getLogger(OwnerLockOuts.class);

    private OwnerLockOuts() {}

    /**
     * A failure rule keyed only by what a client writes (a user name, an e-mail address) that refuses once it bans: anyone
     * who sends a user's name bans it, and its owner's right password is refused for the ban's time (user73 F2: README's
     * {@code login-per-username}, copied without {@code tarpit.then: pass}, refused the owner 403 after five strangers'
     * wrong passwords; user74 F2: with the default {@code throttle}, 429 at once; user74 F1: the plain servlet filter
     * said nothing of either). A WARN per rule; an INFO line of what enforcing would do where the failure guard or the
     * engine is monitored, since a live-control switch to enforce says nothing at run time (review135 F4). A tarpit
     * that passes the request on after its delay ({@code tarpitPasses}) and an action that passes it on are quiet.
     *
     * @param annotated rules declared other than by the properties, by the section of their guard
     * @param tarpitPasses whether {@code abuse-guard.tarpit.then} is {@code pass}
     */
    public static void warnAboutOwnersLockedOut(
            AbuseGuardSettings settings,
            Map<String, ? extends List<? extends GuardRule>> annotated,
            boolean tarpitPasses) {
        FailureSettings failure = settings.section(FailureSettings.class);
        if (!settings.engine().enabled() || !failure.enabled()) {
            return;
        }
        boolean monitored = failure.mode() == Mode.MONITOR || settings.engine().mode() == Mode.MONITOR;
        List<? extends GuardRule> declaredRules = annotated.get(FAILURE_SECTION);
        for (GuardRule rule : declaredRules == null ? List.<GuardRule>of() : declaredRules) {
            if (rule instanceof FailureRule declared
                    && locksOwnersOut(declared.action(), tarpitPasses)
                    && declared.keyResolver().namesOthers()) {
                warnOfOwnersLockedOut(rule.name() + " (" + rule.source() + ")", declared.action(), monitored);
            }
        }
        EngineSettings.Routes routes = settings.engine().routes();
        List<String> unenforced = new ArrayList<>();
        if (routes.exempt() != null) {
            unenforced.addAll(routes.exempt());
        }
        if (routes.monitor() != null) {
            unenforced.addAll(routes.monitor());
        }
        failure.rules().forEach((name, rule) -> {
            if (rule != null && locksOwnersOut(rule.action(), tarpitPasses) && writtenByClients(rule.key())) {
                // a rule whose every path is monitored or exempt refuses no one yet (review137 F8)
                boolean refusesNoOne = WeakenedProtection.everyPathCovered(unenforced, rule.paths(), rule.methods());
                warnOfOwnersLockedOut(
                        AbuseGuardSettings.PREFIX + "." + FAILURE_SECTION + ".rules." + name,
                        rule.action(),
                        monitored || refusesNoOne);
            }
        });
    }

    private static final String FAILURE_SECTION = "failure";

    /** Whether a ban answered with {@code action} refuses its key's every request, the owner's right password too. */
    private static boolean locksOwnersOut(Action action, boolean tarpitPasses) {
        return action == Action.TARPIT ? !tarpitPasses : !action.passesRequestOn();
    }

    private static void warnOfOwnersLockedOut(String rule, Action action, boolean monitored) {
        String refused = action == Action.TARPIT
                ? "answers with the tarpit and abuse-guard.tarpit.then is reject"
                : "answers a ban with " + action.name().toLowerCase(java.util.Locale.ROOT);
        String fix = (action == Action.TARPIT ? "set" : "answer with action: tarpit and set")
                + " abuse-guard.tarpit.then: pass (the owner's answer then comes after the delay), or key the rule by"
                + " the address too (ip+body:/username)";
        if (monitored) {
            log.info(
                    "Failure rule {} is keyed only by what a client writes and {}: not enforced now (monitored, or"
                            + " its paths monitored or exempt), but once enforced"
                            + " (by configuration or a live-control switch) anyone who sends a user's name bans it,"
                            + " and the owner's right password is refused for the ban's time. Before enforcing it, {}.",
                    rule,
                    refused,
                    fix);
        } else {
            log.warn(
                    "Failure rule {} is keyed only by what a client writes and {}: anyone who sends a user's name"
                            + " bans it, and the owner's right password is refused for the ban's time. To keep the"
                            + " owner in, {}.",
                    rule,
                    refused,
                    fix);
        }
    }

    /**
     * Whether a configured key names what any client may write for someone else, as the rule's resolver reads it ({@link
     * KeyResolver#namesOthers}: a user name, a mailbox, a query value, alone or joined to a header such as a tenant's:
     * review138 F4); a key that does not parse is refused with its property's name when the guard is built.
     */
    private static boolean writtenByClients(@Nullable String key) {
        if (key == null || key.isBlank()) {
            return false;
        }
        try {
            return KeyResolver.parse(key).namesOthers();
        } catch (IllegalArgumentException unparsed) {
            return false;
        }
    }
}
