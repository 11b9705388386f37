package io.github.abuseguard.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.KeyResolver;
import io.github.abuseguard.PathPattern;
import io.github.abuseguard.RateLimitStatus;
import io.github.abuseguard.store.BucketSpec;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RateLimitGuardTest {
    private final FakeTimeSource clock = new FakeTimeSource();

    private RateLimitGuard guard(RateLimitRule... rules) {
        RateLimitGuard.Builder builder = RateLimitGuard.builder()
                .store(LocalStateStore.builder().timeSource(clock).build());
        for (RateLimitRule rule : rules) {
            builder.rule(rule);
        }
        return builder.build();
    }

    private static RateLimitRule perIp(long capacity, Duration period) {
        return RateLimitRule.builder("per-ip")
                .path("/**")
                .limit(Limit.of(capacity, period))
                .build();
    }

    private static GuardRequest from(String address) {
        return GuardRequest.builder("GET", "/images/1").client(address).build();
    }

    /**
     * probe44b F2: a rule keyed by the user name was charged before the address's rule refused, and the bucket it
     * gave the token back to stayed in the store: one address's refused logins naming new users evicted another
     * address's spent bucket. The address's rule is charged first now, whatever the order the rules were added.
     */
    @Test
    void anAddressRefusedByItsOwnRuleWritesNoBucketUnderTheNamesItSends() {
        LocalStateStore store = LocalStateStore.builder().timeSource(clock).build();
        Limit perName = Limit.of(5, Duration.ofMinutes(1));
        RateLimitGuard guard = RateLimitGuard.builder()
                .store(store)
                .rule(RateLimitRule.builder("login")
                        .path("/api/login")
                        .key("ip+body:/username")
                        .limit(perName)
                        .build())
                .rule(RateLimitRule.builder("login-address")
                        .path("/api/login")
                        .key("ip")
                        .limit(Limit.of(30, Duration.ofMinutes(1)))
                        .build())
                .build();
        int allowed = 0;
        for (int i = 0; i < 1_000; i++) {
            if (guard.check(login("198.51.100.2", "name" + i)).isAllow()) {
                allowed++;
            }
        }
        assertThat(allowed).as("the address's own limit").isEqualTo(30);
        assertThat(store.tokenBuckets("rate-limit:login", new BucketSpec(List.of(perName.toBucketLimit())))
                        .trackedKeys())
                .as("buckets under the names it sent: only those of requests its address's rule let through")
                .isEqualTo(30);
    }

    /** probe44a F7: a sign-up the application refused (4xx) opened no account: it spends nothing of the limit. */
    @Test
    void aRuleWithRefundStatusesGivesBackTheTokensOfAnAnswerAmongThem() {
        RateLimitRule rule = RateLimitRule.builder("sign-up-mailbox")
                .path("/**")
                .limit(Limit.of(2, Duration.ofDays(1)))
                .refundStatuses("4xx")
                .build();
        AbuseGuard engine = AbuseGuard.builder().guard(guard(rule)).build();
        assertThat(engine.observesOutcomes())
                .as("it hears the application's answers")
                .isTrue();
        GuardRequest request = from("203.0.113.7");
        for (int i = 0; i < 5; i++) {
            assertThat(engine.evaluate(request).decision().isAllow()).isTrue();
            engine.complete(request, i % 2 == 0 ? 400 : 422);
        }
        for (int i = 0; i < 2; i++) {
            assertThat(engine.evaluate(request).decision().isAllow()).isTrue();
            engine.complete(request, 201);
        }
        assertThat(engine.evaluate(request).decision().status())
                .as("the third account")
                .isEqualTo(429);
        assertThat(rule.refundStatuses()).isEqualTo("4xx");
    }

    /**
     * review44 F9: the handler may open a session or sign a user in, so the key read after it can name another
     * bucket. The refund goes to the bucket the request was charged from, under the key read when it was charged.
     */
    @Test
    void aRefundGoesToTheBucketTheRequestWasChargedFromWhateverTheKeyReadsAfterTheHandler() {
        AtomicReference<String> account = new AtomicReference<>("before");
        RateLimitRule rule = RateLimitRule.builder("sign-up")
                .path("/**")
                .key(request -> account.get(), "the account")
                .limit(Limit.of(2, Duration.ofDays(1)))
                .refundStatuses("400")
                .build();
        AbuseGuard engine = AbuseGuard.builder().guard(guard(rule)).build();
        GuardRequest request = from("203.0.113.7");
        for (int i = 0; i < 5; i++) {
            account.set("before");
            assertThat(engine.evaluate(request).decision().isAllow())
                    .as("refused sign-up %d is refunded to its own bucket", i)
                    .isTrue();
            account.set("after " + i); // the handler signed someone in
            engine.complete(request, 400);
        }
        account.set("before");
        assertThat(engine.evaluate(request).decision().isAllow()).isTrue();
        engine.complete(request, 201);
        assertThat(engine.evaluate(request).decision().isAllow()).isTrue();
        engine.complete(request, 201);
        assertThat(engine.evaluate(request).decision().status())
                .as("the third account under the key that paid")
                .isEqualTo(429);
    }

    /** A request the engine gave its tokens back for (a later guard exempted it) gets nothing more from its answer. */
    @Test
    void aRequestWhoseTokensWereGivenBackIsNotRefundedAgainByItsAnswer() {
        RateLimitRule rule = RateLimitRule.builder("sign-up")
                .path("/**")
                .key("ip")
                .limit(Limit.of(2, Duration.ofDays(1)))
                .refundStatuses("4xx")
                .build();
        RateLimitGuard limit = guard(rule);
        GuardRequest request = from("203.0.113.7");
        assertThat(limit.check(request).isAllow()).isTrue();
        limit.observe(request, 201);
        for (int i = 0; i < 3; i++) {
            assertThat(limit.check(request).isAllow()).isTrue();
            limit.cancel(request);
            limit.observe(request, 400);
        }
        assertThat(limit.check(request).isAllow()).as("the second account").isTrue();
        limit.observe(request, 201);
        assertThat(limit.check(request).status())
                .as("the third: the given-back requests added nothing")
                .isEqualTo(429);
    }

    /**
     * probe45b F2: a rule keyed by a value any client may send for another (a mailbox, a user name) told, on each
     * request it let through, how much of that other person's quota was left and when it refills: a sign-up the
     * application refused (and refunded) read whether an inbox had opened an account that day. Such a rule now
     * reports its state only when it refuses; joined to the client's address, the key is the client's own.
     */
    @Test
    void aRuleKeyedByAValueAnyClientMaySendForAnotherTellsNoQuotaOnTheRequestsItLetsThrough() {
        FakeTimeSource clock = new FakeTimeSource();
        RateLimitGuard guard = RateLimitGuard.builder()
                .store(LocalStateStore.builder().timeSource(clock).build())
                .rule(RateLimitRule.builder("sign-up-mailbox")
                        .path("/api/login")
                        .key("mailbox:/username")
                        .limit(Limit.of(5, Duration.ofMinutes(1)))
                        .limit(Limit.of(2, Duration.ofDays(1)))
                        .build())
                .rule(RateLimitRule.builder("per-address-name")
                        .path("/api/login")
                        .key("ip+body:/username")
                        .limit(Limit.of(5, Duration.ofMinutes(1)))
                        .build())
                .build();
        Decision first = guard.check(login("198.51.100.2", "ann@gmail.com"));
        assertThat(first.isAllow()).isTrue();
        assertThat(first.rateLimits())
                .extracting(RateLimitStatus::policy)
                .as("only the client's own rule")
                .containsExactly("per-address-name");
        assertThat(guard.check(login("198.51.100.3", "ann@gmail.com")).isAllow())
                .isTrue();
        clock.advance(Duration.ofHours(3));
        Decision refused = guard.check(login("198.51.100.4", "ann@gmail.com"));
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.retryAfter())
                .as("review45 F6, review46 F6: the longest window, not when the owner's sign-ups come back")
                .isEqualTo(Duration.ofDays(1));
        assertThat(refused.rateLimits()).isEmpty();
        assertThat(refused.detail()).doesNotContain("Retry in");
        assertThat(KeyResolver.parse("ip+body:/username").namesOthers()).isFalse();
        assertThat(KeyResolver.parse("query:code").namesOthers()).isTrue();
        assertThat(KeyResolver.parse("header:X-Api-Key").namesOthers()).isFalse();
        assertThat(KeyResolver.parse("mailbox:/email+header:User-Agent").namesOthers())
                .as("probe45c F7: a header any client can copy does not make the inbox's state the client's")
                .isTrue();
        assertThat(KeyResolver.parse("mailbox:/email+header:Authorization").namesOthers())
                .isFalse();
        assertThat(KeyResolver.parse("mailbox:/email+session").namesOthers()).isFalse();
    }

    @Test
    void withoutRefundStatusesEveryRequestCountsAndTheGuardHearsNoAnswer() {
        AbuseGuard engine =
                AbuseGuard.builder().guard(guard(perIp(2, Duration.ofDays(1)))).build();
        assertThat(engine.observesOutcomes()).isFalse();
        GuardRequest request = from("203.0.113.7");
        engine.evaluate(request);
        engine.complete(request, 400);
        engine.evaluate(request);
        assertThat(engine.evaluate(request).decision().status()).isEqualTo(429);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RateLimitRule.builder("x").refundStatuses("4xx, 6xx"))
                .withMessageContaining("6xx");
    }

    @Test
    void requestsUnderTheLimitPassAndReportTheirQuota() {
        RateLimitGuard guard = guard(perIp(100, Duration.ofMinutes(5)));

        Decision decision = guard.check(from("203.0.113.7"));

        assertThat(decision.isAllow()).isTrue();
        assertThat(decision.rateLimits()).containsExactly(new RateLimitStatus("per-ip", 100, 300, 99, 3));
    }

    @Test
    void aRequestARuleAnsweringWithADecoyWatchesReportsNoQuotaSoTheLastRealAnswerDoesNotAnnounceTheDecoy() {
        RateLimitGuard guard = guard(
                RateLimitRule.builder("scores")
                        .path("/images/**")
                        .action(Action.DECOY)
                        .limit(Limit.of(2, Duration.ofMinutes(1)))
                        .build(),
                RateLimitRule.builder("everything")
                        .path("/**")
                        .limit(Limit.of(100, Duration.ofMinutes(1)))
                        .build());

        Decision first = guard.check(from("203.0.113.7"));
        Decision last = guard.check(from("203.0.113.7"));
        Decision decoy = guard.check(from("203.0.113.7"));

        assertThat(first.isAllow()).isTrue();
        assertThat(last.isAllow()).isTrue();
        assertThat(first.rateLimits())
                .as("no rule's quota on the decoy's route")
                .isEmpty();
        assertThat(last.rateLimits()).as("no r=0 before the decoy").isEmpty();
        assertThat(decoy.action()).isEqualTo(Action.DECOY);
        assertThat(decoy.rateLimits()).isEmpty();
        // a route no decoy rule watches reports its quota as before
        assertThat(guard.check(GuardRequest.builder("GET", "/other")
                                .client("203.0.113.7")
                                .build())
                        .rateLimits())
                .extracting(RateLimitStatus::policy)
                .containsExactly("everything");
    }

    @Test
    void aNetworkKeyCountsEveryAddressOfAnIpv6Slash48OrAnIpv4Slash24Together() {
        RateLimitGuard guard = guard(RateLimitRule.builder("per-network")
                .path("/**")
                .key("network")
                .limit(Limit.of(3, Duration.ofMinutes(5)))
                .build());
        // Three /64s of one /48: a client rotating through its site's networks spends one budget.
        assertThat(guard.check(from("2001:db8:1:1::1")).isAllow()).isTrue();
        assertThat(guard.check(from("2001:db8:1:2::1")).isAllow()).isTrue();
        assertThat(guard.check(from("2001:db8:1:ffff::9")).isAllow()).isTrue();
        assertThat(guard.check(from("2001:db8:1:3::1")).isDeny()).isTrue();
        assertThat(guard.check(from("2001:db8:2::1")).isAllow())
                .as("another /48")
                .isTrue();

        for (int host = 1; host <= 3; host++) {
            assertThat(guard.check(from("198.51.100." + host)).isAllow()).isTrue();
        }
        assertThat(guard.check(from("198.51.100.200")).isDeny()).as("same /24").isTrue();
        assertThat(guard.check(from("198.51.101.1")).isAllow())
                .as("another /24")
                .isTrue();
        // A 6to4 address is its IPv4 host's network.
        assertThat(guard.check(from("2002:c633:64c8::1")).isDeny())
                .as("6to4 of 198.51.100.200")
                .isTrue();
    }

    /**
     * probe73a F5: nothing grouped addresses above a /48, so a holder of a /32 (an LIR, a tunnel broker's free /48s)
     * had 65,536 networks' budgets. An {@code allocation} key counts an IPv6 /32 or an IPv4 /16 together.
     */
    @Test
    void anAllocationKeyCountsEveryNetworkOfAnIpv6Slash32OrAnIpv4Slash16Together() {
        RateLimitGuard guard = guard(RateLimitRule.builder("per-allocation")
                .path("/**")
                .key("allocation")
                .limit(Limit.of(3, Duration.ofMinutes(5)))
                .build());
        assertThat(guard.check(from("2001:db8:1:1::1")).isAllow()).isTrue();
        assertThat(guard.check(from("2001:db8:2:1::1")).isAllow()).isTrue();
        assertThat(guard.check(from("2001:db8:ffff:1::1")).isAllow()).isTrue();
        assertThat(guard.check(from("2001:db8:7:1::1")).rule())
                .as("a fourth /48 of the /32")
                .isEqualTo("per-allocation");
        assertThat(guard.check(from("2001:db9::1")).isAllow()).as("another /32").isTrue();

        for (int network = 1; network <= 3; network++) {
            assertThat(guard.check(from("198.51." + network + ".1")).isAllow()).isTrue();
        }
        assertThat(guard.check(from("198.51.200.1")).isDeny()).as("same /16").isTrue();
        assertThat(guard.check(from("198.52.0.1")).isAllow()).as("another /16").isTrue();
        assertThat(guard.check(from("2002:c633:c801::1")).isDeny())
                .as("6to4 of 198.51.200.1")
                .isTrue();
        assertThat(KeyResolver.parse("allocation").keyOfValue("2001:db8:5::9")).isEqualTo("2001:db8:0:0:0:0:0:0/32");
    }

    @Test
    void theRequestOverTheLimitIsThrottledWithWhenToRetry() {
        RateLimitGuard guard = guard(perIp(100, Duration.ofMinutes(5)));
        for (int i = 0; i < 100; i++) {
            assertThat(guard.check(from("203.0.113.7")).isAllow()).isTrue();
        }

        Decision denial = guard.check(from("203.0.113.7"));

        assertThat(denial.isDeny()).isTrue();
        assertThat(denial.action()).isEqualTo(Action.THROTTLE);
        assertThat(denial.status()).isEqualTo(429);
        assertThat(denial.rule()).isEqualTo("per-ip");
        assertThat(denial.retryAfter()).isEqualTo(Duration.ofSeconds(3)); // one token per 3 s
        assertThat(denial.rateLimits()).singleElement().satisfies(status -> {
            assertThat(status.remaining()).isZero();
            assertThat(status.resetSeconds()).isEqualTo(3);
        });
        assertThat(guard.check(from("198.51.100.1")).isAllow())
                .as("another client")
                .isTrue();
    }

    @Test
    void tokensComeBackAsTimePasses() {
        RateLimitGuard guard = guard(perIp(2, Duration.ofMinutes(1)));
        guard.check(from("203.0.113.7"));
        guard.check(from("203.0.113.7"));
        assertThat(guard.check(from("203.0.113.7")).isDeny()).isTrue();

        clock.advance(Duration.ofSeconds(30));

        assertThat(guard.check(from("203.0.113.7")).isAllow()).isTrue();
        assertThat(guard.check(from("203.0.113.7")).isDeny()).isTrue();
    }

    @Test
    void rulesApplyOnlyToTheirPathsAndMethods() {
        RateLimitGuard guard = guard(RateLimitRule.builder("login")
                .path("/api/login")
                .methods("POST")
                .limit(Limit.of(1, Duration.ofMinutes(1)))
                .build());
        GuardRequest login = GuardRequest.builder("POST", "/api/login").build();

        assertThat(guard.check(login).isAllow()).isTrue();
        assertThat(guard.check(login).isDeny()).isTrue();
        assertThat(guard.check(GuardRequest.builder("GET", "/api/login").build()))
                .isSameAs(Decision.allow());
        assertThat(guard.check(GuardRequest.builder("POST", "/api/other").build()))
                .isSameAs(Decision.allow());
    }

    @Test
    void aKeyOfAddressAndUserNameLimitsEachUserFromEachAddress() {
        RateLimitGuard guard = guard(RateLimitRule.builder("login")
                .path("/api/login")
                .key("ip+body:/username")
                .limit(Limit.of(1, Duration.ofMinutes(1)))
                .build());

        assertThat(guard.check(login("1.1.1.1", "alice")).isAllow()).isTrue();
        assertThat(guard.check(login("1.1.1.1", "ALICE")).isDeny())
                .as("same user, other case")
                .isTrue();
        assertThat(guard.check(login("1.1.1.1", "bob")).isAllow()).isTrue();
        assertThat(guard.check(login("2.2.2.2", "alice")).isAllow()).isTrue();
    }

    @Test
    void aMissingKeyHeaderFallsBackToTheClientAddress() {
        RateLimitGuard guard = guard(RateLimitRule.builder("api-key")
                .path("/**")
                .key("header:X-Api-Key")
                .limit(Limit.of(1, Duration.ofMinutes(1)))
                .build());

        assertThat(guard.check(from("1.1.1.1")).isAllow()).isTrue();
        assertThat(guard.check(from("1.1.1.1")).isDeny())
                .as("dropping the header does not escape")
                .isTrue();
    }

    /**
     * probe48e F4: an empty key header, cookie or parameter, or a placeholder a script writes before it has a value
     * ({@code null}, {@code Bearer }), was one key shared by every client that sent it: one address spent the
     * budget of every other, whose first request was refused. Each counts against its own address.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(
            delimiter = '|',
            value = {
                "header:X-Api-Key|X-Api-Key|''",
                "header:X-Api-Key|X-Api-Key|'  '",
                "header:X-Api-Key|X-Api-Key|undefined",
                "header:Authorization|Authorization|'Bearer '",
                "header:Authorization|Authorization|Bearer null",
                "cookie:sid|Cookie|sid=",
                "cookie:sid|Cookie|sid=null",
                "header:Authorization|Authorization|Token null",
                "header:Authorization|Authorization|JWT undefined",
                "header:Authorization|Authorization|Bearer [object Object]",
                "header:Authorization|Authorization|'Bearer \"null\"'",
                "header:Authorization|Authorization|'Basic '",
                "header:Authorization|Authorization|Bearer NaN",
                "header:X-Api-Key|X-Api-Key|'\"\"'",
                "header:X-Api-Key|X-Api-Key|'\"null\"'",
                "query:api_key||''",
                "query:api_key||'   '"
            })
    void anEmptyOrPlaceholderKeyValueCountsAgainstTheAddress(String key, String header, String value) {
        RateLimitGuard guard = guard(RateLimitRule.builder("api-key")
                .path("/**")
                .key(key)
                .limit(Limit.of(1, Duration.ofMinutes(1)))
                .build());
        java.util.function.Function<String, GuardRequest> from = address -> {
            GuardRequest.Builder request =
                    GuardRequest.builder("GET", "/images/1").client(address);
            return (key.startsWith("query:")
                            ? request.queryParameter(key.substring("query:".length()), value)
                            : request.header(header, value))
                    .build();
        };

        assertThat(guard.check(from.apply("6.6.6.6")).isAllow()).isTrue();
        assertThat(guard.check(from.apply("6.6.6.6")).isDeny())
                .as("its own address's budget")
                .isTrue();
        assertThat(guard.check(from.apply("1.1.1.1")).isAllow())
                .as("another address sending the same value has a budget of its own")
                .isTrue();
    }

    /**
     * review50 F7: a parameter names an account as often as a client's own key; one named {@code null} or {@code
     * undefined} had no key, so a per-user-name limit counted its guesses per address, and rotating addresses gave
     * unlimited guesses at that account. Only a blank parameter is absent.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"null", "undefined", "NULL", "Bearer null", "nan"})
    void aUserNameParameterNamedLikeAPlaceholderIsItsOwnKey(String user) {
        RateLimitGuard guard = guard(RateLimitRule.builder("login-per-user")
                .path("/**")
                .key("query:username")
                .limit(Limit.of(2, Duration.ofMinutes(1)))
                .build());
        int allowed = 0;
        for (int address = 1; address <= 5; address++) {
            GuardRequest guess = GuardRequest.builder("POST", "/login")
                    .client("203.0.113." + address)
                    .queryParameter("username", user)
                    .build();
            allowed += guard.check(guess).isAllow() ? 1 : 0;
        }
        assertThat(allowed).as("guesses at the account from five addresses").isEqualTo(2);
    }

    /**
     * review54 F2: folded, a {@code query:} key made 64 case spellings of one gift-card code one distinct value; a
     * parameter is keyed as sent, as a code's case is its own (a user name is folded by {@code body:}).
     */
    @Test
    void aCodeParameterKeepsItsCase() {
        RateLimitGuard guard = guard(RateLimitRule.builder("per-code")
                .path("/**")
                .key("query:code")
                .limit(Limit.of(1, Duration.ofMinutes(1)))
                .build());
        int allowed = 0;
        for (String spelling : new String[] {"xk9pqz7m", "Xk9pqz7m", "XK9PQZ7M"}) {
            allowed += guard.check(GuardRequest.builder("GET", "/redeem")
                                    .client("203.0.113.9")
                                    .queryParameter("code", spelling)
                                    .build())
                            .isAllow()
                    ? 1
                    : 0;
        }
        assertThat(allowed).as("three codes, each its own bucket").isEqualTo(3);
    }

    /**
     * A code in a JSON body: {@code body:} folds it as a user name, so its case spellings share one bucket; {@code
     * body-exact:} keeps its case, and still folds edge white space, invisible characters and full-width letters.
     * Its blank value is no key.
     */
    @Test
    void aCodeInTheBodyKeepsItsCaseUnderBodyExact() {
        RateLimitGuard exact = guard(RateLimitRule.builder("per-code")
                .path("/**")
                .key("body-exact:/code")
                .limit(Limit.of(1, Duration.ofMinutes(1)))
                .build());
        RateLimitGuard folded = guard(RateLimitRule.builder("per-code")
                .path("/**")
                .key("body:/code")
                .limit(Limit.of(1, Duration.ofMinutes(1)))
                .build());
        int exactAllowed = 0;
        int foldedAllowed = 0;
        for (String spelling : new String[] {"xk9pqz7m", "Xk9pqz7m", "XK9PQZ7M"}) {
            GuardRequest redeem = GuardRequest.builder("POST", "/redeem")
                    .client("203.0.113.9")
                    .body("application/json", "{\"code\":\"" + spelling + "\"}")
                    .build();
            exactAllowed += exact.check(redeem).isAllow() ? 1 : 0;
            foldedAllowed += folded.check(redeem).isAllow() ? 1 : 0;
        }
        assertThat(exactAllowed).as("three codes, each its own bucket").isEqualTo(3);
        assertThat(foldedAllowed).as("one user name").isEqualTo(1);
        for (String padded : new String[] {" xk9pqz7m", "xk9pqz7m\u200b", "\uff58k9pqz7m"}) {
            assertThat(exact.check(GuardRequest.builder("POST", "/redeem")
                                    .client("203.0.113.9")
                                    .body("application/json", "{\"code\":\"" + padded + "\"}")
                                    .build())
                            .isAllow())
                    .as("'%s' is a spelling of xk9pqz7m an application that trims takes for it, not a bucket", padded)
                    .isFalse();
        }
        assertThat(KeyResolver.parse("ip+body-exact:/code").readsBody()).isTrue();
        assertThat(KeyResolver.parse("body-exact:/code")
                        .resolve(GuardRequest.builder("POST", "/redeem")
                                .client("203.0.113.9")
                                .body("application/json", "{\"code\":\"  \"}")
                                .build()))
                .as("blank")
                .isNull();
    }

    /**
     * probe52c F3: a request without the parameter of a {@code query:} rule is counted against its own address, but
     * was refused as for a stranger's value: {@code Retry-After} a whole window, no {@code RateLimit} fields.
     */
    @Test
    void aRequestWithoutTheKeysParameterIsToldOfItsOwnAddresssQuota() {
        RateLimitGuard guard = guard(RateLimitRule.builder("per-token")
                .path("/**")
                .key("query:token")
                .limit(Limit.of(5, Duration.ofMinutes(1)))
                .build());
        GuardRequest keyless = from("203.0.113.9");
        for (int i = 0; i < 5; i++) {
            assertThat(guard.check(keyless).isAllow()).isTrue();
        }
        Decision refused = guard.check(keyless);

        assertThat(refused.isDeny()).isTrue();
        assertThat(refused.retryAfter()).as("the address's own wait").isLessThanOrEqualTo(Duration.ofSeconds(12));
        assertThat(refused.rateLimits()).as("its own quota, told").isNotEmpty();
    }

    /** review38b F3: the address a keyless request is counted by is no value a client can send as the key. */
    @Test
    void aKeyHeaderNamingAnotherClientsAddressDoesNotSpendThatClientsQuota() {
        RateLimitGuard guard = guard(RateLimitRule.builder("api-key")
                .path("/**")
                .key("header:X-Api-Key")
                .limit(Limit.of(1, Duration.ofMinutes(1)))
                .build());
        for (String value : new String[] {"1.1.1.1", "\u0000client:1.1.1.1", "client:1.1.1.1"}) {
            guard.check(GuardRequest.builder("GET", "/images/1")
                    .client("6.6.6.6")
                    .header("X-Api-Key", value)
                    .build());
        }

        assertThat(guard.check(from("1.1.1.1")).isAllow())
                .as("the victim sends no key: its quota is its own")
                .isTrue();
        assertThat(guard.check(GuardRequest.builder("GET", "/images/1")
                                .client("6.6.6.6")
                                .header("X-Api-Key", "\u0000client:1.1.1.1")
                                .build())
                        .isDeny())
                .as("a key is still counted as the value it is")
                .isTrue();
    }

    @Test
    void aKeyHeaderRepeatedWithDifferentValuesIsRefusedAsAmbiguous() {
        RateLimitGuard byHeader = guard(RateLimitRule.builder("api-key")
                .path("/**")
                .key("header:X-Api-Key")
                .limit(Limit.of(5, Duration.ofMinutes(1)))
                .build());
        Decision twoKeys = byHeader.check(GuardRequest.builder("GET", "/x")
                .header("X-Api-Key", "spent")
                .header("X-Api-Key", "fresh")
                .build());
        assertThat(twoKeys.isDeny()).isTrue();
        assertThat(twoKeys.status()).isEqualTo(400);
        assertThat(twoKeys.reason()).isEqualTo("ambiguous-header");
        assertThat(byHeader.check(GuardRequest.builder("GET", "/x")
                                .header("X-Api-Key", "same")
                                .header("X-Api-Key", "same")
                                .build())
                        .isAllow())
                .isTrue();
    }

    @Test
    void aCookieNamedTwiceWithDifferentValuesIsRefusedAsAmbiguous() {
        RateLimitGuard byCookie = guard(RateLimitRule.builder("per-session")
                .path("/**")
                .key("cookie:SESSION")
                .limit(Limit.of(2, Duration.ofMinutes(1)))
                .build());
        // Tomcat and Spring Session use the first valid SESSION: a made-up one in front is the same session
        // to the application, so it must not be a new bucket (probe23 F3)
        for (String junk : new String[] {"junk-1", "junk-2", "junk-3"}) {
            Decision decision = byCookie.check(GuardRequest.builder("GET", "/x")
                    .header("Cookie", "SESSION=" + junk + "; SESSION=current")
                    .build());
            assertThat(decision.status()).isEqualTo(400);
            assertThat(decision.reason()).isEqualTo("ambiguous-header");
        }
        assertThat(byCookie.check(GuardRequest.builder("GET", "/x")
                                .header("Cookie", "SESSION=current; theme=dark")
                                .header("Cookie", "SESSION=other")
                                .build())
                        .status())
                .as("over two Cookie headers too")
                .isEqualTo(400);
        assertThat(byCookie.check(GuardRequest.builder("GET", "/x")
                                .header("Cookie", "SESSION=current; SESSION=current")
                                .build())
                        .isAllow())
                .as("named twice with one value, it is that value")
                .isTrue();
        assertThat(byCookie.check(GuardRequest.builder("GET", "/x")
                                .header("Cookie", "SESSION=current")
                                .build())
                        .isAllow())
                .isTrue();
        assertThat(byCookie.check(GuardRequest.builder("GET", "/x")
                                .header("Cookie", "SESSION=current")
                                .build())
                        .status())
                .as("the refused requests were not charged; the repeated one was")
                .isEqualTo(429);
    }

    @Test
    void costAndSeveralLimitsAreHonoured() {
        RateLimitGuard guard = guard(RateLimitRule.builder("export")
                .path("/**")
                .cost(5)
                .limit(Limit.of(10, Duration.ofSeconds(1)))
                .limit(Limit.of(15, Duration.ofHours(1)))
                .build());

        assertThat(guard.check(from("1.1.1.1")).isAllow()).isTrue();
        assertThat(guard.check(from("1.1.1.1")).isAllow()).isTrue();
        assertThat(guard.check(from("1.1.1.1")).isDeny()).isTrue();
        clock.advance(Duration.ofSeconds(2));
        assertThat(guard.check(from("1.1.1.1")).isAllow())
                .as("per-second limit refilled")
                .isTrue();
        clock.advance(Duration.ofSeconds(2));
        assertThat(guard.check(from("1.1.1.1")).isDeny())
                .as("hourly limit spent")
                .isTrue();
    }

    @Test
    void intervalRefillComesBackAllAtOnce() {
        RateLimitGuard guard = guard(RateLimitRule.builder("window")
                .path("/**")
                .limit(new Limit(2, 2, Duration.ofMinutes(1), Limit.Refill.INTERVALLY))
                .build());
        guard.check(from("1.1.1.1"));
        guard.check(from("1.1.1.1"));
        clock.advance(Duration.ofSeconds(59));
        assertThat(guard.check(from("1.1.1.1")).isDeny()).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(guard.check(from("1.1.1.1")).isAllow()).isTrue();
        assertThat(guard.check(from("1.1.1.1")).isAllow()).isTrue();
    }

    @Test
    void aRuleNoRequestCouldPassIsRefused() {
        assertThatIllegalStateException()
                .isThrownBy(() -> RateLimitRule.builder("x")
                        .path("/**")
                        .cost(5)
                        .limit(Limit.of(2, Duration.ofSeconds(1)))
                        .build())
                .withMessageContaining("costs 5");
    }

    private static GuardRequest login(String address, String user) {
        return GuardRequest.builder("POST", "/api/login")
                .client(address)
                .body("application/json", "{\"username\":\"" + user + "\",\"password\":\"x\"}")
                .build();
    }

    /** A guard after the rate limit that refuses every request, or flags it, as told. */
    private static Guard later(Decision decision) {
        return new Guard() {
            @Override
            public String name() {
                return "later";
            }

            @Override
            public Decision check(GuardRequest request) {
                return decision;
            }
        };
    }

    private static Decision refusal() {
        return Decision.deny(Action.REJECT)
                .guard("later")
                .reason("refused")
                .status(403)
                .build();
    }

    @Test
    void requestsALaterGuardRefusesLeaveTheBucketFull() {
        RateLimitGuard limit = guard(perIp(5, Duration.ofHours(1)));
        AbuseGuard engine =
                AbuseGuard.builder().guard(limit).guard(later(refusal())).build();

        for (int i = 0; i < 20; i++) {
            assertThat(engine.evaluate(from("203.0.113.7")).decision().reason()).isEqualTo("refused");
        }

        Decision next = limit.check(from("203.0.113.7"));
        assertThat(next.isAllow()).isTrue();
        assertThat(next.rateLimits().get(0).remaining())
                .as("only this check spent a token")
                .isEqualTo(4);
    }

    @Test
    void requestsRefusedForTheirRiskScoreSpendNoTokens() {
        RateLimitGuard limit = guard(perIp(5, Duration.ofHours(1)));
        AbuseGuard engine = AbuseGuard.builder()
                .guard(limit)
                .guard(later(Decision.flag("later", "suspicious", 100)))
                .build();

        for (int i = 0; i < 20; i++) {
            Evaluation evaluation = engine.evaluate(from("203.0.113.7"));
            assertThat(evaluation.decision().guard()).isEqualTo(AbuseGuard.RISK);
        }

        assertThat(limit.check(from("203.0.113.7")).rateLimits().get(0).remaining())
                .isEqualTo(4);
    }

    @Test
    void requestsThatALaterGuardOnlyTagsStillSpendTokens() {
        RateLimitGuard limit = guard(perIp(5, Duration.ofHours(1)));
        AbuseGuard engine = AbuseGuard.builder()
                .guard(limit)
                .guard(later(Decision.deny(Action.TAG)
                        .guard("later")
                        .reason("tagged")
                        .build()))
                .build();

        for (int i = 0; i < 5; i++) {
            assertThat(engine.evaluate(from("203.0.113.7")).decision().reason()).isEqualTo("tagged");
        }

        assertThat(engine.evaluate(from("203.0.113.7")).decision().reason()).isEqualTo("rate-limited");
    }

    @Test
    void requestsALaterGuardTarpitsStillSpendTokensForTheyMayPassAfterTheDelay() {
        RateLimitGuard limit = guard(perIp(5, Duration.ofHours(1)));
        AbuseGuard engine = AbuseGuard.builder()
                .guard(limit)
                .guard(later(Decision.deny(Action.TARPIT)
                        .guard("later")
                        .reason("slowed")
                        .build()))
                .build();

        for (int i = 0; i < 5; i++) {
            assertThat(engine.evaluate(from("203.0.113.7")).decision().reason()).isEqualTo("slowed");
        }

        assertThat(engine.evaluate(from("203.0.113.7")).decision().reason()).isEqualTo("rate-limited");
    }

    @Test
    void aThrottleFromTheLimitItselfStillSpends() {
        RateLimitRule burst = RateLimitRule.builder("burst")
                .path("/**")
                .limit(Limit.of(2, Duration.ofHours(1)))
                .build();
        RateLimitGuard limit = guard(perIp(5, Duration.ofHours(1)), burst);
        AbuseGuard engine = AbuseGuard.builder().guard(limit).build();

        assertThat(engine.evaluate(from("203.0.113.7")).isDenied()).isFalse();
        assertThat(engine.evaluate(from("203.0.113.7")).isDenied()).isFalse();
        for (int i = 0; i < 3; i++) {
            assertThat(engine.evaluate(from("203.0.113.7")).decision().rule()).isEqualTo("burst");
        }

        // per-ip was charged by the three requests burst throttled, so its five tokens are gone
        assertThat(engine.evaluate(from("203.0.113.7")).decision().rule()).isEqualTo("per-ip");
    }

    /** A guard after the rate limit that refuses the requests carrying {@code X-Refuse}. */
    private static Guard refusesMarked() {
        return new Guard() {
            @Override
            public String name() {
                return "later";
            }

            @Override
            public Decision check(GuardRequest request) {
                return request.header("X-Refuse") == null ? Decision.allow() : refusal();
            }
        };
    }

    @Test
    void aTaggingRuleThatCannotPayNeitherSkipsTheLimitsAfterItNorGetsTokensItNeverTook() {
        RateLimitRule tagged = RateLimitRule.builder("tagged")
                .path("/**")
                .action(Action.TAG)
                .limit(Limit.of(1, Duration.ofHours(1)))
                .build();
        AbuseGuard engine = AbuseGuard.builder()
                .guard(guard(tagged, perIp(3, Duration.ofHours(1))))
                .guard(refusesMarked())
                .build();
        GuardRequest refused = GuardRequest.builder("GET", "/images/1")
                .client("203.0.113.7")
                .header("X-Refuse", "1")
                .build();

        assertThat(engine.evaluate(from("203.0.113.7")).isDenied()).isFalse();
        for (int i = 0; i < 5; i++) {
            assertThat(engine.evaluate(refused).decision().reason()).isEqualTo("refused");
        }
        Decision second = engine.evaluate(from("203.0.113.7")).decision();
        assertThat(second.action())
                .as("the tagging rule got back no token it never took")
                .isEqualTo(Action.TAG);
        assertThat(engine.evaluate(from("203.0.113.7")).decision().action()).isEqualTo(Action.TAG);
        Decision fourth = engine.evaluate(from("203.0.113.7")).decision();
        assertThat(fourth.rule())
                .as("per-ip was charged past the tag, and given back what the refused requests took")
                .isEqualTo("per-ip");
        assertThat(fourth.action()).isEqualTo(Action.THROTTLE);
    }

    @Test
    void aMonitoredRuleThatWouldDenyDoesNotShieldTheEnforcedLimitsAfterIt() {
        RateLimitRule trial = RateLimitRule.builder("trial")
                .path("/**")
                .limit(Limit.of(1, Duration.ofHours(1)))
                .build();
        AbuseGuard engine = AbuseGuard.builder()
                .guard(guard(trial, perIp(3, Duration.ofHours(1))))
                .build();
        engine.switchMode(RateLimitGuard.NAME, "trial", io.github.abuseguard.Mode.MONITOR);

        for (int i = 0; i < 3; i++) {
            assertThat(engine.evaluate(from("203.0.113.7")).isDenied()).isFalse();
        }
        assertThat(engine.evaluate(from("203.0.113.7")).decision().rule()).isEqualTo("per-ip");
    }

    @Test
    void aRuleOfAMonitoredGuardReportsEveryWouldBeDenialAndRefusesOnceSwitchedToEnforce() {
        RateLimitRule giftcards = RateLimitRule.builder("giftcards")
                .path("/**")
                .limit(Limit.of(20, Duration.ofMinutes(1)))
                .build();
        java.util.List<String> wouldDeny = new java.util.ArrayList<>();
        AbuseGuard engine = AbuseGuard.builder()
                .guard(guard(giftcards, perIp(1_000, Duration.ofHours(1))), io.github.abuseguard.Mode.MONITOR)
                .listener(new io.github.abuseguard.GuardListener() {
                    @Override
                    public void onEvent(io.github.abuseguard.GuardEvent event) {
                        if (event.kind() == io.github.abuseguard.GuardEvent.Kind.WOULD_DENY) {
                            wouldDeny.add(event.decision().rule());
                        }
                    }
                })
                .timeSource(clock)
                .build();

        for (int i = 0; i < 26; i++) {
            assertThat(engine.evaluate(from("203.0.113.10")).isDenied()).isFalse();
        }
        assertThat(wouldDeny).hasSize(6).containsOnly("giftcards");

        // probe46d F1: a rule the guard does not have is refused, not switched in name only
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(
                        () -> engine.switchMode(RateLimitGuard.NAME, "GiftCards", io.github.abuseguard.Mode.ENFORCE))
                .withMessageContaining("has no rule named 'GiftCards'")
                .withMessageContaining("giftcards");
        engine.switchMode(RateLimitGuard.NAME, "giftcards", io.github.abuseguard.Mode.ENFORCE);
        Decision refused = engine.evaluate(from("203.0.113.10")).decision();
        assertThat(refused.rule()).isEqualTo("giftcards");
        assertThat(refused.action()).isEqualTo(Action.THROTTLE);
    }

    @Test
    void aGetRuleAlsoHoldsHeadWhichTheGetHandlerAnswers() {
        RateLimitGuard guard = RateLimitGuard.builder()
                .rule(RateLimitRule.builder("images")
                        .path("/images/*")
                        .methods("GET")
                        .limit(Limit.of(1, Duration.ofMinutes(1)))
                        .build())
                .build();
        GuardRequest head =
                GuardRequest.builder("HEAD", "/images/1").client("198.51.100.4").build();
        assertThat(guard.check(head).isAllow()).isTrue();
        assertThat(guard.check(head).isDeny())
                .as("HEAD spends the GET rule's tokens")
                .isTrue();
        assertThat(guard.mayApply("HEAD", PathPattern.parse("/images/{id}"))).isTrue();
    }

    @Test
    void aRuleSwitchedToMonitorBetweenItsRefusalAndTheEnginesDecisionGetsNoTokenItNeverTook() {
        RateLimitGuard guard = guard(
                RateLimitRule.builder("first")
                        .path("/**")
                        .limit(Limit.of(5, Duration.ofHours(1)))
                        .build(),
                RateLimitRule.builder("second")
                        .path("/**")
                        .limit(Limit.of(1, Duration.ofHours(1)))
                        .build());
        boolean[] monitoringSecond = {false};
        guard.monitoredRules(rule -> monitoringSecond[0] && rule.equals("second"));
        assertThat(guard.check(from("203.0.113.7")).isAllow()).isTrue();

        GuardRequest refused = from("203.0.113.7");
        Decision decision = guard.check(refused);
        assertThat(decision.rule()).isEqualTo("second");
        // The switch lands after the guard refused on its own account, before the engine reads the mode:
        // the engine takes the refusal for a monitored one and, when another guard refuses the request,
        // cancels it.
        monitoringSecond[0] = true;
        guard.cancel(refused);
        monitoringSecond[0] = false;

        assertThat(guard.check(from("203.0.113.7")).rule())
                .as("the second rule's bucket got back no token: it paid none for the refused request")
                .isEqualTo("second");
    }

    /**
     * probe63a F1: the demo's sign-up is limited per address (5 per 10 minutes) and then per network (30 per 10
     * minutes, IPv4 /24). A request the network's rule refuses, for what the neighbours sent, still spends the
     * address's own token: a user whose /24 is busy and who retries while it is full is then refused by their own
     * limit once the network has room again, although none of their sign-ups went through. A global cap gives the
     * client's tokens back in the same case ("it refused it for everyone's traffic"); a network or allocation rule
     * refuses for the neighbours' traffic too.
     */
    @Test
    void aRequestTheNetworkRuleRefusesDoesNotSpendTheAddresssOwnTokens() {
        RateLimitGuard guard = guard(
                RateLimitRule.builder("per-ip")
                        .path("/**")
                        .limit(Limit.of(5, Duration.ofDays(1)))
                        .build(),
                RateLimitRule.builder("per-network")
                        .path("/**")
                        .key("network")
                        .limit(Limit.of(3, Duration.ofMinutes(10)))
                        .build());
        for (int host = 1; host <= 3; host++) {
            assertThat(guard.check(from("198.51.100." + host)).isAllow()).isTrue();
        }
        for (int attempt = 0; attempt < 5; attempt++) {
            assertThat(guard.check(from("198.51.100.200")).rule())
                    .as("the neighbours filled the network")
                    .isEqualTo("per-network");
        }
        clock.advance(Duration.ofMinutes(10));
        Decision decision = guard.check(from("198.51.100.200"));
        assertThat(decision.rule())
                .as("the network has room again and this address never got a request through")
                .isNotEqualTo("per-ip");
        assertThat(decision.isAllow()).isTrue();
    }

    private Evaluation signIn(AbuseGuard engine) {
        return engine.evaluate(GuardRequest.builder("POST", "/api/login")
                .route("/api/login")
                .client("198.51.100.40")
                .build());
    }

    private static List<String> reported(Evaluation evaluation) {
        return evaluation.hints().rateLimits().stream()
                .map(status -> status.policy() + ";r=" + status.remaining())
                .toList();
    }

    /**
     * user75 F2: under "Monitor first, then enforce" a rule on trial that would refuse let the request go on, but its
     * answer's {@code RateLimit} fields showed that rule alone with {@code r=0}: a client learnt of the trial, and the
     * fields of the rules that charged the request were gone. The answer reports what an allowed one does.
     */
    @Test
    void aMonitoredRulesWouldDenyReportsTheRulesThatChargedTheRequestAndNotItself() {
        RateLimitRule login = RateLimitRule.builder("login")
                .path("/api/login")
                .limit(Limit.of(1, Duration.ofMinutes(1)))
                .build();
        AbuseGuard engine = AbuseGuard.builder()
                .guard(guard(perIp(100, Duration.ofMinutes(5)), login))
                .timeSource(clock)
                .build();
        engine.switchMode(RateLimitGuard.NAME, "login", io.github.abuseguard.Mode.MONITOR);

        assertThat(reported(signIn(engine))).as("control: the first").containsExactly("per-ip;r=99", "login;r=0");
        Evaluation second = signIn(engine);
        assertThat(second.decision().isAllow())
                .as("the trial rule only reports")
                .isTrue();
        assertThat(reported(second)).containsExactly("per-ip;r=98");
    }
}
