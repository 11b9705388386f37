package io.github.abuseguard.store;

import io.github.abuseguard.TimeSource;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shared {@link StateStore} behind a circuit breaker and an {@link OutagePolicy}.
 *
 * <p>When a call to the backend fails (a timeout, a refused connection), the circuit opens: for the
 * retry interval no request pays the timeout again, and each is answered by the policy: in-process
 * state ({@link OutagePolicy#LOCAL_FALLBACK}), or a {@link StoreUnavailableException} that lets the
 * request through or refuses it. After the interval one call tries the backend again; when it
 * answers, the circuit closes and shared state is used again. One log line marks each change of state,
 * never one per request.
 */
public final class ResilientStateStore implements StateStore, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResilientStateStore.class);

    private final StateStore remote;
    private final StateStore fallback;
    private final OutagePolicy policy;
    private final long retryNanos;
    private final TimeSource timeSource;
    private final String description;
    private final AtomicBoolean available = new AtomicBoolean(true);
    private final AtomicBoolean trialRunning = new AtomicBoolean();
    private volatile long retryAt;

    /**
     * @param remote the shared store
     * @param fallback the in-process store used under {@link OutagePolicy#LOCAL_FALLBACK}
     * @param policy what to do while the remote store is unavailable
     * @param retryInterval how long the circuit stays open before the remote store is tried again
     * @param description names the remote store in log lines, such as {@code redis://10.0.0.5:6379}
     */
    public ResilientStateStore(
            StateStore remote,
            StateStore fallback,
            OutagePolicy policy,
            Duration retryInterval,
            TimeSource timeSource,
            String description) {
        this.remote = Objects.requireNonNull(remote, "remote");
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        this.policy = Objects.requireNonNull(policy, "policy");
        if (retryInterval.isNegative() || retryInterval.isZero()) {
            throw new IllegalArgumentException("retryInterval must be positive, was " + retryInterval);
        }
        this.retryNanos = retryInterval.toNanos();
        this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
        this.description = Objects.requireNonNull(description, "description");
    }

    /** Whether the remote store answered the last call made to it. */
    public boolean isAvailable() {
        return available.get();
    }

    public OutagePolicy policy() {
        return policy;
    }

    /** The remote store, as given. */
    public StateStore remote() {
        return remote;
    }

    @Override
    public TokenBuckets tokenBuckets(String namespace, BucketConfiguration configuration) {
        TokenBuckets shared = remote.tokenBuckets(namespace, configuration);
        Lazy<TokenBuckets> local = new Lazy<>(() -> fallback.tokenBuckets(namespace, configuration));
        return new TokenBuckets() {
            @Override
            public ConsumptionProbe tryConsume(String key, long tokens) {
                return call(
                        () -> shared.tryConsume(key, tokens), () -> local.get().tryConsume(key, tokens));
            }

            @Override
            public long trackedKeys() {
                return call(shared::trackedKeys, () -> local.get().trackedKeys());
            }
        };
    }

    @Override
    public Counters counters(String namespace, Duration window) {
        Counters shared = remote.counters(namespace, window);
        Lazy<Counters> local = new Lazy<>(() -> fallback.counters(namespace, window));
        return new Counters() {
            @Override
            public long add(String key, long delta) {
                return call(() -> shared.add(key, delta), () -> local.get().add(key, delta));
            }

            @Override
            public long get(String key) {
                return call(() -> shared.get(key), () -> local.get().get(key));
            }
        };
    }

    @Override
    public Bans bans(String namespace) {
        Bans shared = remote.bans(namespace);
        Lazy<Bans> local = new Lazy<>(() -> fallback.bans(namespace));
        return new Bans() {
            @Override
            public void ban(String key, Duration ttl) {
                call(
                        () -> {
                            shared.ban(key, ttl);
                            return null;
                        },
                        () -> {
                            local.get().ban(key, ttl);
                            return null;
                        });
            }

            @Override
            public boolean isBanned(String key) {
                return call(() -> shared.isBanned(key), () -> local.get().isBanned(key));
            }

            @Override
            public void lift(String key) {
                call(
                        () -> {
                            shared.lift(key);
                            return null;
                        },
                        () -> {
                            local.get().lift(key);
                            return null;
                        });
            }
        };
    }

    @Override
    public Trails trails(String namespace, int maxLength, Duration ttl) {
        Trails shared = remote.trails(namespace, maxLength, ttl);
        Lazy<Trails> local = new Lazy<>(() -> fallback.trails(namespace, maxLength, ttl));
        return new Trails() {
            @Override
            public List<String> append(String key, String entry) {
                return call(() -> shared.append(key, entry), () -> local.get().append(key, entry));
            }

            @Override
            public List<String> get(String key) {
                return call(() -> shared.get(key), () -> local.get().get(key));
            }
        };
    }

    /** Closes the remote store, if it holds resources such as connections. */
    @Override
    public void close() throws Exception {
        if (remote instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    private <T> T call(Supplier<T> onRemote, Supplier<T> onFallback) {
        boolean trial = false;
        if (!available.get()) {
            long now = timeSource.nanoTime();
            trial = now - retryAt >= 0 && trialRunning.compareAndSet(false, true);
            if (!trial) {
                return outage(onFallback, null);
            }
        }
        try {
            T result = onRemote.get();
            if (trial || !available.get()) {
                if (available.compareAndSet(false, true)) {
                    log.info("State store {} is available again; shared state is used again", description);
                }
            }
            return result;
        } catch (IllegalArgumentException e) {
            throw e; // a caller's mistake, not an outage
        } catch (RuntimeException e) {
            retryAt = timeSource.nanoTime() + retryNanos;
            if (available.compareAndSet(true, false)) {
                log.warn(
                        "State store {} is unavailable ({}); applying {} and retrying every {} ms",
                        description,
                        e.toString(),
                        policy,
                        retryNanos / 1_000_000);
            }
            return outage(onFallback, e);
        } finally {
            if (trial) {
                trialRunning.set(false);
            }
        }
    }

    private <T> T outage(Supplier<T> onFallback, RuntimeException cause) {
        return switch (policy) {
            case LOCAL_FALLBACK -> onFallback.get();
            case FAIL_OPEN ->
                throw new StoreUnavailableException("state store " + description + " is unavailable", cause, false);
            case FAIL_CLOSED ->
                throw new StoreUnavailableException("state store " + description + " is unavailable", cause, true);
        };
    }

    /** Creates the fallback namespace only when an outage first needs it. */
    private static final class Lazy<T> {
        private final Supplier<T> factory;
        private volatile T value;

        Lazy(Supplier<T> factory) {
            this.factory = factory;
        }

        T get() {
            T current = value;
            if (current == null) {
                synchronized (this) {
                    current = value;
                    if (current == null) {
                        current = factory.get();
                        value = current;
                    }
                }
            }
            return current;
        }
    }
}
