package io.github.abuseguard.spring;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Mode;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.identity.ClientResolver;
import io.github.abuseguard.internal.IpRange;
import io.github.abuseguard.servlet.ConnectionPeer;
import io.github.abuseguard.store.StoreUnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.util.UriUtils;

/**
 * The {@code abuseguardcontrol} Actuator endpoint: live control without a redeploy. Its write
 * operations switch a guard or a rule between monitor and enforce, ban and unban client keys; its
 * read operation shows what was changed this way. Changes last until restart; bans live in the state
 * store, so on Redis they hold on every instance.
 *
 * <p>Off by default twice over: its access is {@code none} until
 * {@code management.endpoint.abuseguardcontrol.access=unrestricted}, and like every endpoint it must be
 * exposed. Protect it (Spring Security, or a management port only operators reach); every change is
 * logged on {@code io.github.abuseguard.audit} with the authenticated principal, or {@code anonymous}.
 *
 * <ul>
 *   <li>{@code POST .../abuseguardcontrol/mode} {@code {"guard":"rate-limit","rule":"search","mode":"enforce"}};
 *       {@code "mode":"configured"} returns to the configured mode; no {@code rule} for the whole guard
 *   <li>{@code POST .../abuseguardcontrol/ban} {@code {"key":"203.0.113.7","duration":"PT1H"}}
 *   <li>{@code POST .../abuseguardcontrol/unban} {@code {"key":"203.0.113.7"}}
 *   <li>{@code POST .../abuseguardcontrol/end-attack} {@code {"rule":"login"}}: ends a failure rule's under-attack
 *       mode on every instance, as after a false alarm
 * </ul>
 */
@Endpoint(id = "abuseguardcontrol", defaultAccess = Access.NONE)
public class AbuseGuardControlEndpoint {

    /** How a shared store lists a key that names others: {@code #} and a digest (base64url). */
    private static final java.util.regex.Pattern LISTED_DIGEST = java.util.regex.Pattern.compile("#[A-Za-z0-9_-]{16,}");

    private static final Logger audit = LoggerFactory.getLogger("io.github.abuseguard.audit");

    private final AbuseGuard engine;
    private final LiveBans bans;
    private final ClientResolver clients;

    AbuseGuardControlEndpoint(AbuseGuard engine, LiveBans bans, ClientResolver clients) {
        this.engine = engine;
        this.bans = bans;
        this.clients = clients;
    }

    /**
     * The client key {@code key} names: an address as a log shows it becomes the key its requests count
     * under (see {@link ClientResolver#keyOf}); a key with a control character is refused (it would forge
     * lines of the audit log).
     */
    private String clientKey(@Nullable String key) {
        return clients.keyOf(checked(key));
    }

    /**
     * The client key a ban is made on; anything else is refused: the ban guard looks up the client key of
     * each request, so a ban on a user name or a network would answer 200 and ban nobody.
     */
    private String bannableKey(@Nullable String key) {
        return clients.clientKeyOf(checked(key));
    }

    /** Whether the engine's IP allow list exempts the client key, an address, from every guard. */
    /**
     * The allow list's block that exempts {@code client} (an address), or every address of it (a prefix key: an IPv6
     * client is keyed by its /64, review145 F1), from every guard, live bans included; {@code null} if none. A block
     * inside the prefix (a partner's host in a shared /64) exempts only itself: the ban holds for the rest
     * (review146 F4), and {@link #exemptWithin} names it.
     */
    private @Nullable String allowListed(String client) {
        return allowListed(client, true);
    }

    /** The allow list's first block inside the prefix key {@code client} that does not cover it, or {@code null}. */
    private @Nullable String exemptWithin(String client) {
        return client.indexOf('/') < 0 ? null : allowListed(client, false);
    }

    private @Nullable String allowListed(String client, boolean covering) {
        IpRange prefix = null;
        if (client.indexOf('/') >= 0) {
            try {
                prefix = IpRange.parse(client);
            } catch (IllegalArgumentException notABlock) {
                return null; // a key of another kind: the list names addresses and blocks
            }
        }
        for (io.github.abuseguard.Guard guard : engine.guards()) {
            if (!(guard instanceof io.github.abuseguard.client.IpListGuard list)) {
                continue;
            }
            if (prefix == null) {
                if (list.check(io.github.abuseguard.GuardRequest.builder("GET", "/")
                                .client(client)
                                .build())
                        .isExempt()) {
                    return client;
                }
                continue;
            }
            for (String block : list.allowed()) {
                IpRange allowed = parsed(block);
                if (allowed != null
                        && (covering ? allowed.covers(prefix) : allowed.overlaps(prefix) && !allowed.covers(prefix))) {
                    return block;
                }
            }
        }
        return null;
    }

    /** The allow list's {@code block} as it lists it, or {@code null} if it does not parse back. */
    private static @Nullable IpRange parsed(String block) {
        try {
            return IpRange.parse(block);
        } catch (IllegalArgumentException unlike) {
            return null; // not the operator's input: never answered as if it were
        }
    }

    /** The client key of the request being answered, as the filter resolves it; {@code null} outside a request. */
    private @Nullable String callersKey() {
        if (!(RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes)) {
            return null;
        }
        HttpServletRequest request = attributes.getRequest();
        return ConnectionPeer.client(clients, request).key();
    }

    private static String checked(@Nullable String key) {
        String given = required("key", key);
        if (given.codePoints().anyMatch(AbuseGuardControlEndpoint::forgesLogs)) {
            throw new IllegalArgumentException("key must not contain a control, format or line-separating character");
        }
        return given;
    }

    /**
     * Whether a character could forge or hide part of an audit line: a control character, a line or paragraph
     * separator (U+2028, U+2029), or a format character such as a bidi override (probe52d F9).
     */
    private static boolean forgesLogs(int c) {
        int type = Character.getType(c);
        return Character.isISOControl(c)
                || type == Character.FORMAT
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }

    /** What the answers say of a store out of reach (probe80a F1: every control call answered 500). */
    static final String STORE_UNAVAILABLE = "the shared store is unavailable";

    /** The answer to a ban kept on this instance until the store answers again. */
    private static Map<String, Object> pending(Map<String, Object> answer) {
        answer.put(
                "pending",
                STORE_UNAVAILABLE + ": the ban holds on this instance only, until the store answers again; ban"
                        + " again then to share it with every instance");
        return answer;
    }

    @ReadOperation
    public Map<String, Object> changes() {
        Map<String, Object> changes = new LinkedHashMap<>();
        Map<String, String> modes = new TreeMap<>();
        engine.switchedModes().forEach((target, mode) -> modes.put(target, lower(mode)));
        changes.put("switchedModes", modes);
        changes.put(
                "bans",
                bans.active().stream()
                        .map(ban ->
                                Map.of("key", ban.key(), "until", ban.until().toString()))
                        .toList());
        failureGuard().ifPresent(failures -> {
            // whom the failure rules locked out, which an unban lifts too (probe52d F2)
            Instant now = Instant.now();
            Map<String, Object> byRule = new LinkedHashMap<>();
            Map<String, List<io.github.abuseguard.store.BannedKey>> locked;
            try {
                locked = failures.bans(LiveBans.MAX_LISTED);
            } catch (StoreUnavailableException unavailable) {
                changes.put("failureBans", STORE_UNAVAILABLE);
                return;
            }
            locked.forEach((rule, banned) -> byRule.put(
                    rule,
                    banned.stream()
                            .map(ban -> Map.of(
                                    "key",
                                    ban.key(),
                                    "until",
                                    now.plus(ban.remaining()).toString()))
                            .toList()));
            changes.put("failureBans", byRule);
        });
        changes.put("lastsUntil", "restart");
        if (!engine.monitoredRoutes().isEmpty() && modes.containsValue("enforce")) {
            // a monitored route wins over an enforce switch there (probe48e F6)
            changes.put(
                    "stillMonitored",
                    onTrial("abuse-guard.routes.monitor and @AbuseGuardMonitor routes stay monitored whatever is"
                            + " switched"));
        }
        return changes;
    }

    /** The routes on trial, which only report what they would refuse, and why that matters to a change. */
    private Map<String, Object> onTrial(String why) {
        return Map.of("routes", engine.monitoredRoutes(), "why", why);
    }

    @WriteOperation
    public Map<String, Object> change(
            SecurityContext security,
            @Selector String action,
            @Nullable String guard,
            @Nullable String rule,
            @Nullable String mode,
            @Nullable String key,
            @Nullable String duration) {
        String caller = callersKey();
        String who = principal(security) + (caller == null ? "" : " from " + caller);
        try {
            requireActionOfPath(action);
            switch (action) {
                case "mode" -> {
                    if (rule != null && rule.isBlank()) {
                        // probe52d F9: an empty rule switched the whole guard
                        throw new IllegalArgumentException(
                                "'rule' is blank: name a rule, or leave it out to switch the" + " whole guard");
                    }
                    name("guard", guard);
                    name("rule", rule);
                    String target = required("guard", guard) + (rule == null ? "" : "/" + rule);
                    String wanted = required("mode", mode).toLowerCase(Locale.ROOT);
                    switch (wanted) {
                        case "monitor" -> engine.switchMode(guard, rule, Mode.MONITOR);
                        case "enforce" -> {
                            if (engine.mode() == Mode.MONITOR) {
                                // an engine-wide monitor wins over every switch: an operator told "switched" during
                                // an attack would believe the rule now holds (probe48e F6)
                                throw new IllegalArgumentException("abuse-guard.mode is monitor, which wins over any"
                                        + " switch: nothing would be enforced; restart with abuse-guard.mode=enforce");
                            }
                            engine.switchMode(guard, rule, Mode.ENFORCE);
                        }
                        case "configured" -> engine.clearMode(guard, rule);
                        default ->
                            throw new IllegalArgumentException(
                                    "mode must be monitor, enforce or configured, was '" + wanted + "'");
                    }
                    if (wanted.equals("configured")) {
                        audit.info("abuse-guard control: {} returned {} to its configured mode", who, target);
                    } else {
                        audit.info("abuse-guard control: {} switched {} to {} until restart", who, target, wanted);
                    }
                }
                case "ban" -> {
                    Duration length = parse(required("duration", duration));
                    String client = bannableKey(key);
                    if (client.equals(callersKey())) {
                        // probe46d F6: it would refuse this endpoint to the operator too, for as long as it lasts
                        throw new IllegalArgumentException("'" + client + "' is the client key of this request:"
                                + " banning it would refuse every request from it, the unban included (behind a"
                                + " proxy that is not in abuse-guard.client.trusted-proxies, everyone's); ban it"
                                + " from another address");
                    }
                    String exempt = allowListed(client);
                    if (exempt != null) {
                        // probe80a F3: answered 200 and listed, while the allow list's exemption skipped the ban
                        throw new IllegalArgumentException("'" + client + "' is on abuse-guard.ip-lists.allow ("
                                + exempt + "), which exempts it from every guard, live bans included: take it off the"
                                + " list to ban it");
                    }
                    boolean written = bans.ban(client, length);
                    audit.info(
                            "abuse-guard control: {} banned client key {} for {}{}",
                            who,
                            client,
                            length,
                            written ? "" : " (kept here: the shared store is unavailable)");
                    Map<String, Object> answer = changes();
                    String within = exemptWithin(client);
                    if (within != null) {
                        // review146 F4: the ban holds for the rest of the network, not for the allow-listed block
                        answer.put(
                                "stillExempt",
                                Map.of(
                                        "allowed",
                                        within,
                                        "why",
                                        "abuse-guard.ip-lists.allow names it, which exempts it from every guard, live"
                                                + " bans included: the ban holds for the rest of " + client));
                    }
                    if (engine.mode() == Mode.MONITOR) {
                        // review143 F5: the engine only reports, bans included
                        answer.put(
                                "stillMonitored",
                                Map.of(
                                        "engine",
                                        "monitor",
                                        "why",
                                        "abuse-guard.mode is monitor: a banned client's requests are only reported;"
                                                + " restart with abuse-guard.mode=enforce to refuse them"));
                    } else if (!engine.monitoredRoutes().isEmpty()) {
                        // probe80a F4: a route on trial only reports the ban, as it reports any refusal
                        answer.put(
                                "stillMonitored",
                                onTrial("abuse-guard.routes.monitor and @AbuseGuardMonitor routes only report a"
                                        + " banned client's requests"));
                    }
                    return written ? answer : pending(answer);
                }
                case "unban" -> {
                    String client = clientKey(key);
                    boolean written = bans.lift(client);
                    if (!client.equals(key)) {
                        bans.lift(key); // a ban listed under the text as given, made before spellings were read
                    }
                    // probe52d F2: a client or user locked out by a failure rule stayed locked out
                    List<String> rules;
                    String unlifted = null;
                    try {
                        rules = failureGuard()
                                .map(failures ->
                                        failures.lift(key.strip(), clients.isClientKey(client) ? client : null))
                                .orElse(List.of());
                    } catch (StoreUnavailableException unavailable) {
                        rules = List.of();
                        unlifted = STORE_UNAVAILABLE + ": the live ban is lifted" + (written ? "" : " here only")
                                + ", and no failure rule's ban is; unban again once it answers";
                    }
                    boolean listing = rules.isEmpty()
                            && LISTED_DIGEST.matcher(key.strip()).matches();
                    audit.info(
                            "abuse-guard control: {} lifted the ban of client key {}{}",
                            who,
                            client,
                            rules.isEmpty() ? "" : " and its bans by failure rules " + rules);
                    Map<String, Object> answer = changes();
                    answer.put("lifted", Map.of("key", client, "failureRules", rules));
                    if (unlifted != null) {
                        answer.put("pending", unlifted);
                    } else if (!written) {
                        answer.put(
                                "pending",
                                STORE_UNAVAILABLE + ": lifted on this instance only; a ban the store holds applies"
                                        + " again once it answers: unban again then");
                    }
                    if (listing) {
                        // review56 F6: a listed digest lifts the ban it lists, but a failure rule counts by the name,
                        // and the answer said nothing of what it could not do
                        answer.put(
                                "note",
                                "'" + key.strip() + "' is a listing: the ban it names is lifted, but a failure"
                                        + " rule's counted failures are kept by the name itself, which a digest does"
                                        + " not give back; unban with the name ({\"key\":\"alice\"}) to clear them"
                                        + " too");
                    }
                    return answer;
                }
                case "end-attack" -> {
                    // probe52d F1: the mode could be ended only by a restart, which on Redis did not end it either
                    String target = name("rule", required("rule", rule));
                    FailureGuard failures = failureGuard()
                            .orElseThrow(() -> new IllegalArgumentException("no failure guard is configured"));
                    try {
                        failures.endUnderAttack(target);
                    } catch (StoreUnavailableException unavailable) {
                        throw new InvalidEndpointRequestException(
                                STORE_UNAVAILABLE + ": the under-attack mode was not ended; retry once it answers",
                                STORE_UNAVAILABLE);
                    }
                    audit.info(
                            "abuse-guard control: {} ended the under-attack mode of failure rule {} on every instance",
                            who,
                            target);
                }
                default ->
                    throw new IllegalArgumentException(
                            "unknown action '" + action + "'; one of mode, ban, unban, end-attack");
            }
        } catch (IllegalArgumentException e) {
            // a refused change is audited too, with nothing of what the caller wrote (probe73b F2, stop 69)
            audit.info(
                    "abuse-guard control: {} was refused a change ({})",
                    who,
                    action.length() <= NAME_MAX && action.codePoints().noneMatch(AbuseGuardControlEndpoint::forgesLogs)
                            ? action
                            : "?");
            throw new InvalidEndpointRequestException(e.getMessage(), e.getMessage());
        }
        return changes();
    }

    /** The longest guard or rule name a change may give. */
    private static final int NAME_MAX = 200;

    /**
     * A guard or rule name as given, refused if it could forge an audit line (probe73b F2, stop 69: a rule name
     * with a line break wrote a line of the caller's own under the audit logger) or is longer than {@value
     * #NAME_MAX} characters; {@code null} as given.
     */
    private static @Nullable String name(String what, @Nullable String given) {
        if (given != null
                && (given.length() > NAME_MAX || given.codePoints().anyMatch(AbuseGuardControlEndpoint::forgesLogs))) {
            throw new IllegalArgumentException("'" + what + "' must be at most " + NAME_MAX
                    + " characters, none of them a control, format or line-separating character");
        }
        return given;
    }

    /**
     * Refuses an action given in the body that differs from the one the path names: Actuator takes the body's
     * {@code action} over the path's selector, so {@code POST .../unban {"action":"ban", ...}} banned, and the access
     * log named an unban (probe52d F5).
     */
    private static void requireActionOfPath(String action) {
        if (!(RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes)) {
            return; // called in process, not over HTTP
        }
        String uri = attributes.getRequest().getRequestURI();
        int end = uri.length();
        while (end > 0 && uri.charAt(end - 1) == '/') {
            end--; // where trailing slashes are matched
        }
        String path = uri.substring(0, end);
        String last = path.substring(path.lastIndexOf('/') + 1);
        int parameters = last.indexOf(';');
        String named = UriUtils.decode(parameters < 0 ? last : last.substring(0, parameters), StandardCharsets.UTF_8);
        if (!named.equals(action)) {
            throw new IllegalArgumentException(
                    "the body's 'action' is not the action of the path: name the action in the path only");
        }
    }

    private Optional<FailureGuard> failureGuard() {
        return engine.guards().stream()
                .filter(FailureGuard.class::isInstance)
                .map(FailureGuard.class::cast)
                .findFirst();
    }

    private static String principal(SecurityContext security) {
        Principal principal = security.getPrincipal();
        return principal == null ? "anonymous" : principal.getName();
    }

    private static String required(String name, @Nullable String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("'" + name + "' is required");
        }
        return value;
    }

    private static Duration parse(String duration) {
        try {
            return Duration.parse(duration);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("duration must be ISO-8601 like PT1H, was '" + duration + "'");
        }
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
