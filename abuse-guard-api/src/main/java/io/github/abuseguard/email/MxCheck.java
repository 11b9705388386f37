package io.github.abuseguard.email;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.abuseguard.internal.SiteNames;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Treats a domain as disposable when one of its mail servers (MX hosts) is known to serve disposable
 * domains: fresh domains of a throw-away service usually share its mail servers. A host is known when
 * the disposable lists cover its name, when the user configured it, or when it was learned at run time:
 * the mail servers of every listed domain looked up and of every domain that bounce feedback blocked
 * are remembered (at most {@value #MAX_LEARNED} hosts, each for the cache time after it was last seen).
 * Hosts the allowlists cover (the major providers' own mail servers) are never learned.
 *
 * <p>Look-ups are asynchronous and cached (bounded, expiring); one field of a request waits at most the
 * budget for all its domains' answers together and otherwise goes on as not disposable, while the answer lands in the cache for the next
 * request.
 */
final class MxCheck {
    /** The most mail servers learned. */
    static final int MAX_LEARNED = 10_000;

    /**
     * How long DNS is given per query (a retry gets twice it): an answer past the request's budget still lands in the
     * cache for the next request, but a slow domain's look-up holds one of the resolver's few threads.
     */
    static final Duration DNS_TIMEOUT = Duration.ofMillis(500);

    /**
     * The most look-ups one e-mail field starts (answers already cached cost none): an address list naming 32 fresh
     * subdomains of a slow domain queued 32 look-ups, and other sign-ups' waited behind them (probe52b F3).
     */
    static final int LOOK_UPS_PER_FIELD = 4;

    /**
     * The most look-ups of one parent domain's subdomains in flight at once for one client site: subdomains cost an
     * attacker nothing, and 32 of a domain whose DNS answers slowly held the resolver for a minute (probe52b F3;
     * probe48c F4: each random subdomain of a wildcard-MX domain is a look-up of its own). Per site, not for everyone
     * (review59 F4: one client's two slow look-ups of a university's subdomains refused every other client's sign-up
     * at another of them as busy). The parent is the registered domain as {@link #parent} tells it. Look-ups asked for
     * without a site share one cap per parent.
     */
    static final int LOOK_UPS_PER_PARENT = 2;

    /**
     * The most look-ups in flight at once on behalf of one client site (an IPv4 address, an IPv6 /48): one client's
     * slow decoy domains, four per request, could otherwise fill the resolver's queue, and every fresh domain of every
     * client would go unasked while it is full. A field whose client has used its share is refused, to be sent again
     * in a moment ({@link FieldAddresses#markMxBusy()}); a quarter of the resolver's threads (review57 F3).
     */
    static final int LOOK_UPS_PER_SITE = 4;

    /** The look-ups in flight per client site; see {@link #LOOK_UPS_PER_SITE}. Empty when none runs. */
    private final java.util.concurrent.ConcurrentHashMap<String, Integer> inFlightBySite =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The look-ups in flight per client site and parent domain; see {@link #LOOK_UPS_PER_PARENT}. Empty when none
     * runs.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Integer> inFlight =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final MxResolver resolver;
    private final long budgetNanos;
    private final LongSupplier clock;
    private final Cache<String, CompletableFuture<List<String>>> cache;
    private final Cache<String, Boolean> learned;
    private final Cache<String, Boolean> learnedFrom;
    private final Cache<String, List<String>> witnesses;
    private final Set<String> configured;

    /**
     * @param resolver the DNS look-up
     * @param budget how long a request may wait for an uncached answer
     * @param cacheSize the most domains cached
     * @param cacheTime how long an answer, and a learned mail server, is kept
     */
    MxCheck(MxResolver resolver, Duration budget, long cacheSize, Duration cacheTime) {
        this(resolver, budget, cacheSize, cacheTime, List.of());
    }

    /**
     * @param knownHosts mail servers the user knows to serve disposable domains
     * @throws IllegalArgumentException if a known host is not a host name
     */
    MxCheck(MxResolver resolver, Duration budget, long cacheSize, Duration cacheTime, Collection<String> knownHosts) {
        this(resolver, budget, cacheSize, cacheTime, knownHosts, System::nanoTime);
    }

    /** @param clock the nanosecond clock a field's shared budget is measured with */
    MxCheck(
            MxResolver resolver,
            Duration budget,
            long cacheSize,
            Duration cacheTime,
            Collection<String> knownHosts,
            LongSupplier clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.canaryDue.set(clock.getAsLong());
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.budgetNanos = budget.toNanos();
        this.cache = Caffeine.newBuilder()
                .maximumSize(cacheSize)
                .expireAfter(new AnswerExpiry(cacheTime))
                .ticker(clock::getAsLong)
                .build();
        // a learned host is kept for the cache time after it was last seen serving a domain known to be disposable
        // (probe57a F4: it lapsed an hour after it was first learned, however busy), not after any domain asked
        // about: its real customers' sign-ups would otherwise keep a host learned by mistake, or by an attacker's
        // choice of listed domains, for ever
        this.learned = Caffeine.newBuilder()
                .maximumSize(MAX_LEARNED)
                .expireAfterWrite(cacheTime)
                .ticker(clock::getAsLong)
                .build();
        // a disposable domain seen again a quarter of the cache time later renews what it taught (its answer is
        // cached: no look-up)
        this.learnedFrom = Caffeine.newBuilder()
                .maximumSize(MAX_LEARNED)
                .expireAfterWrite(cacheTime.dividedBy(4))
                .ticker(clock::getAsLong)
                .build();
        this.witnesses = Caffeine.newBuilder()
                .maximumSize(MAX_LEARNED)
                .expireAfterWrite(cacheTime)
                .ticker(clock::getAsLong)
                .build();
        this.configured = knownHosts.stream()
                .map(host -> {
                    String normal = EmailDomain.normalise(host);
                    if (normal == null) {
                        throw new IllegalArgumentException("'" + host + "' is not a mail server's host name");
                    }
                    return normal;
                })
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** The first disposable mail server of a domain, or {@code null} (also when the answer is not in yet). */
    @Nullable
    String disposableMailHost(String domain, DisposableDomains domains) {
        return disposableMailHost(domain, domains, null);
    }

    /**
     * The first disposable mail server of a domain, or {@code null}; the waits of one field share one
     * budget, so a field naming 32 fresh domains waits at most the budget in all, not 32 times it.
     *
     * @param field the field whose budget this look-up spends, or {@code null} for a budget of its own
     */
    @Nullable
    String disposableMailHost(String domain, DisposableDomains domains, @Nullable FieldAddresses field) {
        String inherited = disposableParentHost(domain, domains);
        if (inherited != null) {
            return inherited;
        }
        CompletableFuture<List<String>> hosts = cache.getIfPresent(domain);
        if (hosts == null && field == null) {
            hosts = cache.get(domain, name -> lookUp(name, null));
        }
        if (hosts == null) {
            // no look-up could start, or the field's were started and this one was not among them: no answer, and
            // none kept
            return null;
        }
        long wait = budgetNanos;
        if (field != null) {
            long now = clock.getAsLong();
            wait = field.mxDeadline(now + budgetNanos) - now;
        }
        List<String> answer = wait > 0 ? answerWithinBudget(hosts, wait) : answerNow(hosts);
        if (answer == MxResolver.NO_SUCH_DOMAIN && !believesNoSuchDomain(field)) {
            return null; // a resolver that says so of every name (a sandbox's, a filter's): read as a failed look-up
        }
        if (answer != null && acceptsNoMail(answer)) {
            // the domain declares it accepts no mail (RFC 7505), or does not exist: every message bounces
            return NULL_MX_HOST;
        }
        String host = answer == null ? null : knownHost(answer, domain, domains);
        // its registered domain's look-up, started beside its own, may have answered meanwhile
        return host != null ? host : disposableParentHost(domain, domains);
    }

    /**
     * Whether the resolver's "no such domain" can be believed: it finds the mail servers of {@link #CANARY}, asked at
     * most once per {@link #FAILED_ANSWER_TIME} while such answers come. A resolver that answers NXDOMAIN for every name
     * (a sandbox's stub, a DNS filter that hides what it blocks) would otherwise have every address refused. Until the
     * first answer, waits for it within what is left of the field's budget.
     */
    private boolean believesNoSuchDomain(@Nullable FieldAddresses field) {
        long now = clock.getAsLong();
        long due = canaryDue.get();
        if (now - due >= 0 && canaryDue.compareAndSet(due, now + FAILED_ANSWER_TIME.toNanos())) {
            // published before the resolver is asked, so that a request meanwhile waits for it too (review94 F4)
            CompletableFuture<Boolean> answered = new CompletableFuture<>();
            canary = answered;
            try {
                // a canary that fails to answer believes nothing until it answers again (review94 F4: the last
                // verdict stood for the minute)
                resolver.mailHosts(CANARY)
                        .whenComplete((hosts, failed) -> answered.complete(
                                failed == null && !hosts.isEmpty() && hosts != MxResolver.NO_SUCH_DOMAIN));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the resolver's queue is full: asked again on the next such answer
                canaryDue.set(now);
                answered.complete(Boolean.FALSE);
            }
        }
        CompletableFuture<Boolean> asked = canary;
        if (asked == null) {
            return false;
        }
        if (!asked.isDone()) {
            // the canary's answer, within the budget: the first, or a newer one than the last verdict (review95 F5: a
            // verdict a minute old stood while the resolver had started to say no name exists)
            long wait = field == null ? budgetNanos : field.mxDeadline(now + budgetNanos) - now;
            if (wait > 0) {
                try {
                    asked.get(wait, TimeUnit.NANOSECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    // no verdict within the budget: not believed this time
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return Boolean.TRUE.equals(asked.getNow(Boolean.FALSE));
    }

    /** A name whose mail servers any working resolver finds. */
    static final String CANARY = "gmail.com";

    /** When the canary is next asked, on the {@link #clock}. */
    private final java.util.concurrent.atomic.AtomicLong canaryDue = new java.util.concurrent.atomic.AtomicLong();

    /** The canary's look-up in progress or done: its verdict, once it has one. */
    private volatile @Nullable CompletableFuture<Boolean> canary;

    /** The host of RFC 7505's null MX ({@code 0 .}), as a look-up answers it. */
    static final String NULL_MX_HOST = ".";

    /**
     * Whether a domain's MX answer is the null MX alone (probe63a F2: such a domain passed the check), or DNS's word that
     * the name does not exist (an NXDOMAIN was read as a failed look-up, and a made-up domain passed).
     */
    private static boolean acceptsNoMail(List<String> hosts) {
        if (hosts == MxResolver.NO_SUCH_DOMAIN) {
            return true;
        }
        for (String host : hosts) {
            if (!host.equals(NULL_MX_HOST) && !host.isEmpty()) {
                return false; // a real mail server beside it: senders use that one
            }
        }
        return !hosts.isEmpty(); // the null MX, once or at several preferences (review93 F3)
    }

    /** The first of {@code hosts} known to serve disposable domains, normalised; {@code null} for none. */
    private @Nullable String knownHost(List<String> hosts, String domain, DisposableDomains domains) {
        for (String host : hosts) {
            String normal = EmailDomain.normalise(host);
            if (normal != null && !domains.isSharedMailHost(normal) && isKnown(normal, domain, domains)) {
                return normal;
            }
        }
        return null;
    }

    /**
     * The disposable mail server of a subdomain's registered domain ({@link #parent}), from an answer already in the
     * cache: a registered domain whose mail a temp-mail service serves is that service's, and so are its subdomains.
     * Without it each random subdomain of a wildcard-MX temp-mail domain was a look-up of its own, let through while
     * its answer was not in (probe48c F4) or while its registered domain's look-ups in flight were many. Never waits.
     */
    private @Nullable String disposableParentHost(String domain, DisposableDomains domains) {
        String parent = parent(domain);
        if (parent == null || domains.isAllowed(parent)) {
            return null;
        }
        List<String> answer = answerOf(cache.getIfPresent(parent));
        return answer == null ? null : knownHost(answer, domain, domains);
    }

    private static @Nullable List<String> answerOf(@Nullable CompletableFuture<List<String>> hosts) {
        return hosts == null ? null : answerNow(hosts);
    }

    /**
     * Starts the look-ups of a field's domains whose answers are not cached, all at once so that they share the
     * field's budget (one domain whose DNS answers slowly, first in the field, would otherwise spend the budget of
     * every look-up after it), at most {@value #LOOK_UPS_PER_FIELD}. A field that needs more is marked unchecked
     * ({@link FieldAddresses#markMxUnchecked()}); a name's second reading (a sharp s read as "ss") is looked up with the
     * name, not counted. A look-up that cannot start (the client's look-ups in flight under its parent are
     * many, the resolver's queue is full), or one past the client's share, marks the field busy ({@link
     * FieldAddresses#markMxBusy()}): it is refused, to be sent again in a moment. A subdomain's registered domain is looked up beside it, once
     * per cache time and not counted, so that its later subdomains are judged by its answer without a look-up of their
     * own; a subdomain whose registered domain's answer is a disposable mail server needs none.
     *
     * @param needed the field's domains that neither a list nor an allowlist decides, in the field's order
     * @param domains the lists, which tell the mail servers known to serve disposable domains
     */
    void startLookUps(List<String> needed, FieldAddresses field, DisposableDomains domains) {
        String site = field.site();
        int started = 0;
        List<String> startedNames = new java.util.ArrayList<>(LOOK_UPS_PER_FIELD);
        java.util.Set<String> parents = new java.util.LinkedHashSet<>();
        for (String domain : needed) {
            if (cache.getIfPresent(domain) != null || disposableParentHost(domain, domains) != null) {
                continue; // answered, or judged by its registered domain's answer
            }
            // a name's second reading (a sharp s as "ss") rides on the name's look-up started here, and on its share
            // (review59 F5); one whose name was answered earlier counts as a name, so that a field of names whose
            // second readings' failed answers lapsed first (kept a minute, not an hour) cannot start them all
            boolean rides = startedNames.contains(field.firstReadingOf(domain));
            if (!rides) {
                if (started == LOOK_UPS_PER_FIELD) {
                    field.markMxUnchecked();
                    break;
                }
                if (!startFor(site)) {
                    field.markMxBusy();
                    break;
                }
            }
            CompletableFuture<List<String>> hosts = cache.get(domain, name -> lookUp(name, site));
            if (hosts == null) {
                // its registered domain's look-ups in flight are many, or the queue is full: not known to be clean
                // (review57 F2: slow look-ups of two of a wildcard domain's subdomains, held by its owner's DNS, let
                // every other subdomain through unasked)
                if (!rides) {
                    endFor(site);
                }
                field.markMxBusy();
                break;
            }
            if (!rides) {
                started++;
                startedNames.add(domain);
                hosts.whenComplete((answer, failed) -> endFor(site));
            }
            String parent = parent(domain);
            if (parent != null && cache.getIfPresent(parent) == null) {
                parents.add(parent);
            }
        }
        // Then their registered domains, not counted in the field's four, each once per cache time, with what is left
        // of the client's share: before the field's own they used the share up, and a field of three subdomains of
        // three companies was refused as busy (review57 F4).
        for (String parent : parents) {
            if (cache.getIfPresent(parent) != null || !startFor(site)) {
                continue;
            }
            CompletableFuture<List<String>> parentLookUp = cache.get(parent, name -> lookUp(name, null));
            if (parentLookUp == null) {
                endFor(site);
            } else {
                parentLookUp.whenComplete((answer, failed) -> endFor(site));
            }
        }
    }

    /** Counts one more look-up in flight for {@code site}, unless {@value #LOOK_UPS_PER_SITE} are; none without one. */
    private boolean startFor(@Nullable String site) {
        return site == null || startCounted(inFlightBySite, site, LOOK_UPS_PER_SITE);
    }

    private void endFor(@Nullable String site) {
        if (site != null) {
            endCounted(inFlightBySite, site);
        }
    }

    /**
     * Whether {@code host} is known to serve disposable domains, as a server of {@code domain}: configured, named by a
     * list, or learned, but a learned server never makes disposable the registered domain it sits under itself (not its
     * subdomains: review59 F1, a temp-mail service's random subdomains of its own infrastructure domain): an attacker who points three listed domains it controls at a university's own mail server
     * teaches that server, and the university's own domain must not be refused for it (review58 F3).
     */
    private boolean isKnown(String host, String domain, DisposableDomains domains) {
        if (configured.contains(host) || domains.matchLists(host) != null) {
            return true;
        }
        return learned.getIfPresent(host) != null && !registered(host).equals(domain);
    }

    /**
     * Remembers the mail servers of a domain known to be disposable, once its MX answer is in; never
     * waits for it.
     */
    void learnFrom(String domain, DisposableDomains domains) {
        if (learnedFrom.asMap().putIfAbsent(domain, Boolean.TRUE) != null) {
            return;
        }
        CompletableFuture<List<String>> hosts = cache.get(domain, name -> lookUp(name, null));
        if (hosts == null) {
            learnedFrom.invalidate(domain); // learned at a later match, once a look-up can start
            return;
        }
        String owner = registered(domain);
        hosts.thenAccept(answer -> {
            for (String host : answer) {
                String normal = EmailDomain.normalise(host);
                if (normal != null && !domains.isSharedMailHost(normal)) {
                    witness(normal, owner, domain);
                }
            }
        });
    }

    /**
     * The different registered domains, known to be disposable, whose mail a host must be seen to serve before it
     * is learned, unless it is under the disposable domain itself ({@code mx.tempmail.example} for {@code
     * tempmail.example}). A host that serves throw-away domains of several owners is a temp-mail
     * service's; one that serves a single listed domain may be a forwarder or a hosting company's server that serves
     * thousands of real domains beside it, and learning it would refuse them all (probe57a F1: Cloudflare Email
     * Routing, ImprovMX, Titan). The bundled shared mail hosts are never learned at all; this covers those it does
     * not name, against a listed domain met by chance. An attacker who sends this many listed domains of one
     * shared host still teaches it: the log names every host learned, and the allowlist protects it.
     */
    static final int LEARN_AFTER_OWNERS = 3;

    /**
     * Notes that {@code host} serves the disposable {@code domain} of registered domain {@code owner}; learns it at
     * once when it is under the domain itself ({@code mx.qwe.example} of {@code qwe.example}: the domain's own server),
     * otherwise once enough owners' domains use it. Not by registered domain alone: told without a public suffix
     * list, {@code evil.eu.org} and {@code mx.victim.eu.org} would share one ({@code eu.org}).
     */
    private void witness(String host, String owner, String domain) {
        if (host.equals(domain) || host.endsWith("." + domain)) {
            learn(host, List.of(domain));
            return;
        }
        List<String> seen = witnesses.asMap().merge(host, List.of(owner), (owners, more) -> {
            if (owners.size() >= LEARN_AFTER_OWNERS || owners.contains(owner)) {
                return owners;
            }
            List<String> next = new java.util.ArrayList<>(owners);
            next.add(owner);
            return List.copyOf(next);
        });
        if (seen.size() >= LEARN_AFTER_OWNERS) {
            learn(host, seen);
        }
    }

    private void learn(String host, List<String> from) {
        if (learned.asMap().put(host, Boolean.TRUE) == null) {
            LEARNED_LOG.info(
                    org.slf4j.LoggerFactory.getLogger(MxCheck.class),
                    "MX check learned the mail server " + host + " as disposable: it serves " + from
                            + "; if it is a shared mail server of real domains too, name it on"
                            + " abuse-guard.email.allowlist");
        }
    }

    /** One line per minute about hosts learned, so that a flood of listed domains cannot flood the log. */
    private static final io.github.abuseguard.internal.RateLimitedLog LEARNED_LOG =
            new io.github.abuseguard.internal.RateLimitedLog(
                    Duration.ofMinutes(1), io.github.abuseguard.TimeSource.system());

    /** The registered domain of a domain or host name: {@link #parent}, or the name itself. */
    private static String registered(String name) {
        String parent = parent(name);
        return parent == null ? name : parent;
    }

    /**
     * The resolver's look-up of a domain, or {@code null} when none could start: its queue of look-ups is full (a
     * client naming many fresh domains fills it), which is no answer, not a failure of the guard (probe48c F1: the
     * refused task threw out of the guard, and the failure policy let every sign-up through, a listed domain's
     * too). Nothing is kept for it, so a later request asks again.
     */
    private @Nullable CompletableFuture<List<String>> lookUp(String domain, @Nullable String site) {
        String parent = parent(domain);
        String capped = parent == null ? null : site == null ? parent : site + '|' + parent;
        if (capped != null && !startCounted(inFlight, capped, LOOK_UPS_PER_PARENT)) {
            return null; // the site's look-ups in flight under its parent are many: no answer, and none kept
        }
        CompletableFuture<List<String>> hosts;
        try {
            hosts = resolver.mailHosts(domain);
        } catch (RejectedExecutionException full) {
            if (capped != null) {
                endCounted(inFlight, capped);
            }
            return null;
        }
        if (capped != null) {
            hosts.whenComplete((answer, failed) -> endCounted(inFlight, capped));
        }
        if (!hosts.isDone()) {
            // its expiry is set while it runs: a failure or "no such domain" is kept a minute from its arrival, not
            // the cache time (review94 F2: an NXDOMAIN that came in after the look-up was cached refused its domain
            // for the hour, though registered since). One done already is judged as it is cached (review95 F4: a
            // replace inside the cache's own compute is a recursive update).
            CompletableFuture<List<String>> asked = hosts;
            hosts.whenComplete((answer, failed) -> {
                if (failed != null || answer == MxResolver.NO_SUCH_DOMAIN) {
                    cache.asMap().replace(domain, asked, asked);
                }
            });
        }
        return hosts;
    }

    /** Counts one more under {@code key} unless {@code most} are; whether it did. */
    private static boolean startCounted(
            java.util.concurrent.ConcurrentHashMap<String, Integer> counts, String key, int most) {
        boolean[] started = {false};
        counts.compute(key, (name, running) -> {
            int now = running == null ? 0 : running;
            if (now >= most) {
                return running;
            }
            started[0] = true;
            return now + 1;
        });
        return started[0];
    }

    private static void endCounted(java.util.concurrent.ConcurrentHashMap<String, Integer> counts, String key) {
        counts.computeIfPresent(key, (name, running) -> running <= 1 ? null : running - 1);
    }

    /**
     * The registered domain a subdomain belongs to, by the Public Suffix List ({@link SiteNames}): {@code
     * s.q1.slow.example} is {@code slow.example} (review53 F4: the domain less its first label gave each {@code
     * s.qN.slow.example} a cap of its own), {@code mail.shop.co.uk} is {@code shop.co.uk}, and the subdomains of {@code
     * evil.eu.org} are its own, not {@code eu.org}'s, whose other users' look-ups they would hold (review57 F2); {@code
     * null} for a domain that is its own registered domain or a public suffix.
     */
    static @Nullable String parent(String domain) {
        String site = SiteNames.site(domain); // a zone the list lacks, too (review137 F10)
        return site.equals(domain) ? null : site;
    }

    /**
     * How long a failed look-up (a timeout, a DNS error) is kept: the domain is not disposable by MX meanwhile, and
     * asked again after it. An hour, as an answer is kept, let a domain whose DNS failed once, by chance or by its
     * owner's design, through unchecked for the hour (probe57a F3). A name that does not exist is kept as long, so that
     * a domain registered a moment ago is asked again soon.
     */
    static final Duration FAILED_ANSWER_TIME = Duration.ofMinutes(1);

    /** Answers are kept for the cache time, failed look-ups for {@link #FAILED_ANSWER_TIME}. */
    private static final class AnswerExpiry
            implements com.github.benmanes.caffeine.cache.Expiry<String, CompletableFuture<List<String>>> {
        private final long answerNanos;

        AnswerExpiry(Duration cacheTime) {
            this.answerNanos = cacheTime.toNanos();
        }

        private long of(CompletableFuture<List<String>> hosts) {
            return shortLived(hosts) ? Math.min(answerNanos, FAILED_ANSWER_TIME.toNanos()) : answerNanos;
        }

        private static boolean shortLived(CompletableFuture<List<String>> hosts) {
            return hosts.isCompletedExceptionally() || (hosts.isDone() && hosts.join() == MxResolver.NO_SUCH_DOMAIN);
        }

        @Override
        public long expireAfterCreate(String domain, CompletableFuture<List<String>> hosts, long now) {
            return of(hosts);
        }

        @Override
        public long expireAfterUpdate(String domain, CompletableFuture<List<String>> hosts, long now, long current) {
            return of(hosts);
        }

        @Override
        public long expireAfterRead(String domain, CompletableFuture<List<String>> hosts, long now, long current) {
            // a look-up that failed since it was cached (or found no such name): from now on kept only the time a
            // failure is
            return shortLived(hosts) ? Math.min(current, FAILED_ANSWER_TIME.toNanos()) : current;
        }
    }

    /** Remembers a mail server that bounce feedback found serving disposable domains. */
    void learnHost(String host) {
        learn(host, List.of("bounce feedback"));
    }

    /**
     * The mail servers of a domain that are not allowed, from an answer already in the cache; an empty list
     * when none is (this never asks DNS nor waits).
     */
    List<String> cachedHosts(String domain, DisposableDomains domains) {
        CompletableFuture<List<String>> hosts = cache.getIfPresent(domain);
        if (hosts == null || !hosts.isDone() || hosts.isCompletedExceptionally()) {
            return List.of();
        }
        List<String> normal = new java.util.ArrayList<>();
        for (String host : hosts.join()) {
            String name = EmailDomain.normalise(host);
            if (name != null && !domains.isSharedMailHost(name)) {
                normal.add(name);
            }
        }
        return normal;
    }

    /** The mail servers learned so far, for reports. */
    public Set<String> learnedHosts() {
        return Set.copyOf(learned.asMap().keySet());
    }

    private static @Nullable List<String> answerNow(CompletableFuture<List<String>> hosts) {
        return hosts.isDone() && !hosts.isCompletedExceptionally() && !hosts.isCancelled() ? hosts.join() : null;
    }

    private static @Nullable List<String> answerWithinBudget(CompletableFuture<List<String>> hosts, long nanos) {
        try {
            return hosts.get(nanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
