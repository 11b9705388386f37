package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.store.LocalStateStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * probe52b F3: with the MX check on, one sign-up naming 32 subdomains of a domain whose DNS answers slowly queued 32
 * look-ups on a resolver that ran one at a time, 2 s each, and for about 70 s fresh domains on a known temp-mail
 * server were let through: every other look-up waited behind them past its budget.
 */
class SlowMailServerLookUpsTest {
    private static final String TEMP_MAIL_SERVER = "mx.temp-infra.example";

    /** Look-ups asked for, by domain; those of {@code slow.example} and its subdomains never answer. */
    private final Map<String, CompletableFuture<List<String>>> asked = new ConcurrentHashMap<>();

    private final MxResolver resolver = domain -> asked.computeIfAbsent(
            domain,
            name -> name.endsWith("slow.example")
                    ? new CompletableFuture<>()
                    : CompletableFuture.completedFuture(List.of(TEMP_MAIL_SERVER)));

    private final DisposableDomains domains = new DisposableDomains(
            List.of(DomainSource.of("test", DomainList.of(List.of("mailinator.com")))),
            List.of(DomainSource.majorProviders()),
            LocalStateStore.builder().build().bans("email:blocked"),
            new MxCheck(resolver, Duration.ZERO, 1_000, Duration.ofHours(1), List.of(TEMP_MAIL_SERVER)));

    /** The look-ups of {@code slow.example}'s subdomains asked for; its own, once, beside the first, is not one. */
    private long subdomainsAsked() {
        return asked.keySet().stream()
                .filter(name -> name.endsWith(".slow.example"))
                .count();
    }

    @Test
    void oneFieldStartsAFewLookUpsHoweverManyDomainsItNames() {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            addresses.add("a@x" + i + ".fresh" + i + ".example");
        }
        FieldAddresses field = FieldAddresses.read(addresses);
        for (int i = 0; i < addresses.size(); i++) {
            domains.match(field, i);
        }

        assertThat(asked.keySet().stream().filter(name -> name.startsWith("x")))
                .as("look-ups started")
                .hasSize(MxCheck.LOOK_UPS_PER_FIELD);
        assertThat(asked).as("and their registered domains'").hasSize(2 * MxCheck.LOOK_UPS_PER_FIELD);
    }

    @Test
    void aSlowDomainsSubdomainsHoldAFewLookUpsAndOtherDomainsAreStillAnswered() {
        for (int i = 0; i < 50; i++) {
            DisposableDomains.Match match = domains.match("bot@s" + i + ".slow.example");
            if (i < MxCheck.LOOK_UPS_PER_PARENT) {
                assertThat(match).as("subdomain %d, looked up", i).isNull();
            } else {
                // review57 F2: passed unasked while the first two were held
                assertThat(match.source())
                        .as("subdomain %d, which could not be looked up now", i)
                        .isEqualTo(DisposableDomains.MX_UNCHECKED);
            }
        }
        assertThat(subdomainsAsked())
                .as("look-ups of slow.example's subdomains started")
                .isEqualTo(MxCheck.LOOK_UPS_PER_PARENT);

        assertThat(domains.match("bot@brand-new-temp.example"))
                .as("a fresh domain on the temp-mail server, looked up meanwhile")
                .isNotNull();

        asked.values().forEach(lookUp -> lookUp.completeExceptionally(new IllegalStateException("timed out")));
        assertThat(domains.match("bot@s50.slow.example")).isNull();
        assertThat(asked).as("once those ended, another starts").containsKey("s50.slow.example");
    }

    /**
     * review59 F4: the cap of a parent's look-ups in flight was everyone's: one client's two slow look-ups of a
     * university's subdomains refused every other client's sign-up at another of them as busy.
     */
    @Test
    void oneClientsLookUpsUnderAParentLeaveOtherClientsTheirOwn() {
        for (int i = 0; i < MxCheck.LOOK_UPS_PER_PARENT; i++) {
            FieldAddresses held =
                    FieldAddresses.read(List.of("bot@s" + i + ".slow.example")).site("198.51.100.7");
            assertThat(domains.match(held, 0)).isNull();
        }
        FieldAddresses third =
                FieldAddresses.read(List.of("bot@s9.slow.example")).site("198.51.100.7");
        domains.match(third, 0);
        assertThat(third.isMxBusy())
                .as("the same client's third, while its two are in flight")
                .isTrue();

        FieldAddresses other =
                FieldAddresses.read(List.of("ada@dept.slow.example")).site("203.0.113.20");
        assertThat(domains.match(other, 0))
                .as("another client's, at the same moment")
                .isNull();
        assertThat(other.isMxUnchecked()).as("neither busy nor unchecked").isFalse();
        assertThat(asked).containsKey("dept.slow.example");
    }

    /** review53 F4: each {@code s.qN.slow.example} had a cap of its own, the domain less its first label. */
    @Test
    void deeperSubdomainsShareTheirRegisteredDomainsLookUps() {
        for (int i = 0; i < 50; i++) {
            domains.match("bot@s.q" + i + ".slow.example");
        }
        assertThat(subdomainsAsked()).as("look-ups started").isEqualTo(MxCheck.LOOK_UPS_PER_PARENT);
    }

    @Test
    void aRegisteredDomainIsToldWithoutAPublicSuffixList() {
        assertThat(MxCheck.parent("s.q1.slow.example")).isEqualTo("slow.example");
        assertThat(MxCheck.parent("a.slow.example")).isEqualTo("slow.example");
        assertThat(MxCheck.parent("slow.example")).isNull();
        assertThat(MxCheck.parent("x.y.evil.co.uk")).isEqualTo("evil.co.uk");
        assertThat(MxCheck.parent("evil.co.uk")).isNull();
        assertThat(MxCheck.parent("mail.evil.com.au")).isEqualTo("evil.com.au");
        assertThat(MxCheck.parent("a.b.evil.com")).isEqualTo("evil.com");
        // review57 F2: anyone's free name under a shared suffix is its own registered domain
        assertThat(MxCheck.parent("mail.evil.eu.org")).isEqualTo("evil.eu.org");
        assertThat(MxCheck.parent("evil.eu.org")).isNull();
        assertThat(MxCheck.parent("x.someone.pp.ua")).isEqualTo("someone.pp.ua");
    }

    @Test
    void theResolversPoolRunsItsLookUpsFourAtOnce() throws Exception {
        ThreadPoolExecutor pool = MxResolver.lookUpPool();
        CountDownLatch started = new CountDownLatch(MxResolver.THREADS);
        CountDownLatch release = new CountDownLatch(1);
        try {
            for (int i = 0; i < MxResolver.THREADS; i++) {
                pool.execute(() -> {
                    started.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            assertThat(started.await(10, TimeUnit.SECONDS))
                    .as("%d look-ups running at once", MxResolver.THREADS)
                    .isTrue();
        } finally {
            release.countDown();
            pool.shutdown();
        }
    }
}
