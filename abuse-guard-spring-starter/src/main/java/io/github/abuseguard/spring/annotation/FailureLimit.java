package io.github.abuseguard.spring.annotation;

import io.github.abuseguard.Action;
import io.github.abuseguard.failure.UnderAttack;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A failure rule of the {@code failure} guard declared on a handler method: the outcomes of its routes
 * that count as failures, what they count against, and when that is banned. A ban decided after one
 * response refuses the key's next request before the handler (and authentication) runs. Repeat the
 * annotation for several independent rules, such as one per address and one per user name.
 *
 * <pre>{@code
 * @FailureLimit(statuses = "401", maxRetry = 5, findTime = "10m", banTime = "15m", underAttack = true)
 * @FailureLimit(key = "body:/username", distinct = "ip", maxRetry = 10, findTime = "1h")
 * @PostMapping("/api/login")
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Repeatable(FailureLimits.class)
public @interface FailureLimit {

    /** The rule's name. Default: derived from the controller and method, such as {@code login-controller.login}. */
    String name() default "";

    /** The statuses that count as failures, codes and classes such as {@code 401,403} (default) or {@code 4xx}. */
    String statuses() default "401,403";

    /** What failures count against, as in {@code abuse-guard.failure.rules.NAME.key}; default {@code ip}. */
    String key() default "ip";

    /** Counts distinct values of this key per key instead of failures, such as {@code ip}; none by default. */
    String distinct() default "";

    /**
     * Counts only requests that carried this credential, such as {@code body:/password} or {@code
     * header:Authorization}, as in {@code abuse-guard.failure.rules.NAME.credential}; every request by default.
     */
    String credential() default "";

    /** Counts every request whatever its outcome (allow2ban) instead of failures. */
    boolean countRequests() default false;

    /** The count within {@link #findTime()} at which the key is banned; default 5. */
    int maxRetry() default 5;

    /** The sliding window failures are counted in; default {@code 10m}. */
    String findTime() default "10m";

    /** How long a first ban lasts; default {@code 15m}. */
    String banTime() default "15m";

    /** How much longer each further ban lasts; default 2. */
    double banFactor() default 2.0;

    /** The longest ban; default {@code 24h}. */
    String maxBanTime() default "24h";

    /** How a banned key's request is answered; default {@link Action#THROTTLE}. */
    Action action() default Action.THROTTLE;

    /**
     * Watches the routes for failure surges with the default {@code under-attack} settings (10 s windows,
     * 5× the baseline, at least 20 failures at a ratio of at least 0.2, 5 minutes, risky requests
     * refused, {@link #underAttackHistory()}, a paced crowd judged over 10-minute slow windows); configure
     * them in properties for anything else.
     */
    boolean underAttack() default false;

    /**
     * What gives a client the history the under-attack mode's {@code fresh-client} signal asks for, as in
     * {@code abuse-guard.failure.rules.NAME.under-attack.history}: {@link UnderAttack.History#APP APP} (the
     * default) a success on any watched route or the browser proof, {@link UnderAttack.History#RULE RULE}
     * only a success on this rule's routes (operator endpoints, whose success needs a password),
     * {@link UnderAttack.History#RESOURCE RESOURCE} only a success on the same resource (the path, and
     * the rule's key value): a gift card looked up before vouches for that card, not for the guesses of an
     * enumerator that bought one. Only with {@link #underAttack()}.
     */
    UnderAttack.History underAttackHistory() default UnderAttack.History.APP;
}
