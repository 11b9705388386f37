package io.github.abuseguard.email;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Treats a domain as disposable when one of its mail servers (MX hosts) is covered by the disposable
 * lists: fresh domains of a throw-away service usually share its mail servers. Look-ups are
 * asynchronous and cached (bounded, expiring); a request waits at most the budget for an answer and
 * otherwise goes on as not disposable, while the answer lands in the cache for the next request.
 */
public final class MxCheck {
    private final MxResolver resolver;
    private final long budgetNanos;
    private final Cache<String, CompletableFuture<List<String>>> cache;

    /**
     * @param resolver the DNS look-up
     * @param budget how long a request may wait for an uncached answer
     * @param cacheSize the most domains cached
     * @param cacheTime how long an answer is kept
     */
    public MxCheck(MxResolver resolver, Duration budget, long cacheSize, Duration cacheTime) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.budgetNanos = budget.toNanos();
        this.cache = Caffeine.newBuilder()
                .maximumSize(cacheSize)
                .expireAfterWrite(cacheTime)
                .build();
    }

    /** The first disposable mail server of a domain, or {@code null} (also when the answer is not in yet). */
    String disposableMailHost(String domain, DisposableDomains domains) {
        CompletableFuture<List<String>> hosts = cache.get(domain, resolver::mailHosts);
        List<String> answer;
        try {
            answer = hosts.get(budgetNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        for (String host : answer) {
            String normal = EmailDomain.normalise(host);
            if (normal != null && !domains.isAllowed(normal) && domains.matchLists(normal) != null) {
                return normal;
            }
        }
        return null;
    }
}
