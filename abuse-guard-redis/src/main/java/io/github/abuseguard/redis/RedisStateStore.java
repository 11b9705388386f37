package io.github.abuseguard.redis;

import io.github.abuseguard.TimeSource;
import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.store.TokenBuckets;
import io.github.abuseguard.store.TrailBlock;
import io.github.abuseguard.store.Trails;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The shared {@link StateStore} on Redis: every instance of an application that points at the same
 * Redis and key prefix shares its limits, counters, bans and trails.
 *
 * <ul>
 *   <li>Token buckets are Bucket4j buckets through its Lettuce proxy manager (compare-and-swap: a read
 *       and a scripted write per request), expiring once they would have refilled. Their configuration
 *       is versioned in {@code prefix + namespace + ":tbv"} (one small key per namespace, no expiry):
 *       an instance started with changed limits registers the next version, and Bucket4j moves each
 *       stored bucket to it on its next use, so a busy client's key cannot keep old limits forever.
 *   <li>Counters, bans and trails are one Lua script or command per call, each key with a Redis
 *       expiry, so Redis memory stays bounded.
 *   <li>Every key is {@code prefix + namespace + ":" + kind + key}, the kind being {@code tb:} (token
 *       bucket), {@code ct:} (counter), {@code ban:} or {@code tr:}/{@code trt:} (trail and its last use).
 *   <li>Time comes from the injected {@link TimeSource} (its wall clock), as Bucket4j's client clock and
 *       in the scripts; Redis expiries only collect garbage. Instances need synchronised clocks.
 * </ul>
 *
 * <p>The connection is made on first use and re-made by Lettuce after a drop; commands fail at once
 * while disconnected and time out after the command timeout, with a Lettuce or Bucket4j exception.
 * Wrap the store in a {@link io.github.abuseguard.store.ResilientStateStore} (as
 * {@link RedisStateStoreProvider} does) to turn those into an outage policy.
 */
public final class RedisStateStore implements StateStore, AutoCloseable {

    private static final String COUNT = """
            local now = tonumber(ARGV[2])
            local start = tonumber(redis.call('HGET', KEYS[1], 's'))
            if start == nil or now - start >= tonumber(ARGV[3]) then
              redis.call('HSET', KEYS[1], 's', now, 'c', ARGV[1])
              redis.call('PEXPIRE', KEYS[1], ARGV[3])
              return tonumber(ARGV[1])
            end
            return redis.call('HINCRBY', KEYS[1], 'c', ARGV[1])
            """;

    /** Registers a bucket configuration: its version, or the next version when the limits changed. */
    private static final String VERSION = """
            if redis.call('HGET', KEYS[1], 'f') == ARGV[1] then
              return tonumber(redis.call('HGET', KEYS[1], 'v'))
            end
            redis.call('HSET', KEYS[1], 'f', ARGV[1])
            return redis.call('HINCRBY', KEYS[1], 'v', 1)
            """;

    private static final String READ_COUNT = """
            local start = tonumber(redis.call('HGET', KEYS[1], 's'))
            if start == nil or tonumber(ARGV[1]) - start >= tonumber(ARGV[2]) then return 0 end
            return tonumber(redis.call('HGET', KEYS[1], 'c'))
            """;

    private static final String APPEND = """
            local now = tonumber(ARGV[2])
            local last = tonumber(redis.call('GET', KEYS[2]))
            if last ~= nil and now - last >= tonumber(ARGV[4]) then redis.call('DEL', KEYS[1]) end
            redis.call('RPUSH', KEYS[1], ARGV[1])
            redis.call('LTRIM', KEYS[1], -tonumber(ARGV[3]), -1)
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            redis.call('SET', KEYS[2], now, 'PX', ARGV[4])
            return redis.call('LRANGE', KEYS[1], 0, -1)
            """;

    /** Appends unless a block matches: ARGV 5.. are triples of operation, status class, since. */
    private static final String APPEND_UNLESS = """
            local now = tonumber(ARGV[2])
            local last = tonumber(redis.call('GET', KEYS[2]))
            if last ~= nil and now - last >= tonumber(ARGV[4]) then redis.call('DEL', KEYS[1]) end
            local entries = redis.call('LRANGE', KEYS[1], 0, -1)
            for b = 5, #ARGV, 3 do
              local class = tonumber(ARGV[b + 1])
              local since = tonumber(ARGV[b + 2])
              for i = 1, #entries do
                local op, status, at = string.match(entries[i], '^(.*)|(%d+)|(%d+)$')
                if op == ARGV[b] and #status <= 9 and #at <= 18 and tonumber(at) >= since then
                  local s = tonumber(status)
                  if s == 0 or class == 0 or math.floor(s / 100) == class then return (b - 5) / 3 end
                end
              end
            end
            redis.call('RPUSH', KEYS[1], ARGV[1])
            redis.call('LTRIM', KEYS[1], -tonumber(ARGV[3]), -1)
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            redis.call('SET', KEYS[2], now, 'PX', ARGV[4])
            return -1
            """;

    /** Settles the oldest pending entry of ARGV[1] with ARGV[5] when given (ARGV[6] = '1'), else removes it. */
    private static final String SETTLE = """
            local now = tonumber(ARGV[2])
            local last = tonumber(redis.call('GET', KEYS[2]))
            if last ~= nil and now - last >= tonumber(ARGV[4]) then redis.call('DEL', KEYS[1]) end
            local entries = redis.call('LRANGE', KEYS[1], 0, -1)
            local settled = false
            for i = 1, #entries do
              local op, status, at = string.match(entries[i], '^(.*)|(%d+)|(%d+)$')
              if op == ARGV[1] and status == '0' and #at <= 18 then
                if ARGV[6] == '1' then
                  redis.call('LSET', KEYS[1], i - 1, ARGV[5])
                else
                  redis.call('LSET', KEYS[1], i - 1, '~settled~')
                  redis.call('LREM', KEYS[1], 1, '~settled~')
                end
                settled = true
                break
              end
            end
            if not settled then
              if ARGV[6] ~= '1' then return 0 end
              redis.call('RPUSH', KEYS[1], ARGV[5])
              redis.call('LTRIM', KEYS[1], -tonumber(ARGV[3]), -1)
            end
            if redis.call('EXISTS', KEYS[1]) == 1 then
              redis.call('PEXPIRE', KEYS[1], ARGV[4])
              redis.call('SET', KEYS[2], now, 'PX', ARGV[4])
            end
            return 1
            """;

    private static final String READ_TRAIL = """
            local last = tonumber(redis.call('GET', KEYS[2]))
            if last == nil or tonumber(ARGV[1]) - last >= tonumber(ARGV[2]) then return {} end
            return redis.call('LRANGE', KEYS[1], 0, -1)
            """;

    private final ClientResources resources;
    private final RedisClient client;
    private final boolean ownsClient;
    private final RedisURI uri;
    private final String keyPrefix;
    private final Duration commandTimeout;
    private final TimeSource timeSource;
    private final String description;
    private volatile StatefulRedisConnection<byte[], byte[]> connection;
    private final java.util.concurrent.locks.ReentrantLock connecting = new java.util.concurrent.locks.ReentrantLock();
    private volatile ProxyManager<byte[]> buckets;

    private RedisStateStore(Builder builder) {
        RedisURI uri = builder.uri;
        uri.setTimeout(builder.commandTimeout);
        this.description = uri.toString();
        // Reconnect quickly after an outage (at most 2 s apart) rather than Lettuce's default of up to 30 s.
        this.resources = DefaultClientResources.builder()
                .reconnectDelay(
                        Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                .build();
        this.ownsClient = builder.client == null;
        this.client = ownsClient ? RedisClient.create(resources, uri) : builder.client;
        if (ownsClient) {
            configure(client, builder.commandTimeout);
        }
        this.uri = uri;
        this.keyPrefix = builder.keyPrefix;
        this.commandTimeout = builder.commandTimeout;
        this.timeSource = builder.timeSource;
    }

    private static void configure(RedisClient client, Duration commandTimeout) {
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .socketOptions(
                        SocketOptions.builder().connectTimeout(commandTimeout).build())
                .build());
    }

    /** Starts a store for {@code redis://127.0.0.1:6379} with key prefix {@code abuse-guard:} and a 200 ms timeout. */
    public static Builder builder() {
        return new Builder();
    }

    /** The Redis URI, without its password, for log lines. */
    public String description() {
        return description;
    }

    @Override
    public TokenBuckets tokenBuckets(String namespace, BucketConfiguration configuration) {
        Objects.requireNonNull(configuration, "configuration");
        byte[] prefix = bytes(keyPrefix + namespace + ":tb:");
        byte[] versionKey = bytes(keyPrefix + namespace + ":tbv");
        byte[] fingerprint = bytes(configuration.toString());
        return new TokenBuckets() {
            private volatile long version;

            @Override
            public ConsumptionProbe tryConsume(String key, long tokens) {
                return bucket(key).tryConsumeAndReturnRemaining(tokens);
            }

            @Override
            public void refund(String key, long tokens) {
                if (tokens < 1) {
                    throw new IllegalArgumentException("tokens must be positive, was " + tokens);
                }
                bucket(key).addTokens(tokens);
            }

            private BucketProxy bucket(String key) {
                return proxyManager()
                        .builder()
                        .withImplicitConfigurationReplacement(version(), TokensInheritanceStrategy.ADDITIVE)
                        .build(concat(prefix, bytes(key)), () -> configuration);
            }

            /**
             * The namespace's configuration version, registered on first use: the same limits keep their
             * version, other limits get the next one, which Bucket4j applies to every stored bucket of a
             * lower version (a restart with the old limits again counts as a change too).
             */
            private long version() {
                long current = version;
                if (current == 0) {
                    Long registered =
                            commands().eval(VERSION, ScriptOutputType.INTEGER, new byte[][] {versionKey}, fingerprint);
                    current = registered;
                    version = current;
                }
                return current;
            }

            @Override
            public long trackedKeys() {
                return countKeys(keyPrefix + namespace + ":tb:");
            }
        };
    }

    @Override
    public Counters counters(String namespace, Duration window) {
        requirePositive(window, "window");
        String windowMillis = Long.toString(Math.max(1, window.toMillis()));
        return new Counters() {
            @Override
            public long add(String key, long delta) {
                Long count = commands()
                        .eval(
                                COUNT,
                                ScriptOutputType.INTEGER,
                                new byte[][] {key(namespace, "ct:", key)},
                                bytes(Long.toString(delta)),
                                bytes(Long.toString(nowMillis())),
                                bytes(windowMillis));
                return count;
            }

            @Override
            public long get(String key) {
                Long count = commands()
                        .eval(
                                READ_COUNT,
                                ScriptOutputType.INTEGER,
                                new byte[][] {key(namespace, "ct:", key)},
                                bytes(Long.toString(nowMillis())),
                                bytes(windowMillis));
                return count == null ? 0 : count;
            }
        };
    }

    @Override
    public Bans bans(String namespace) {
        return new Bans() {
            @Override
            public void ban(String key, Duration ttl) {
                requirePositive(ttl, "ttl");
                long until = nowMillis() + ttl.toMillis();
                commands()
                        .psetex(key(namespace, "ban:", key), Math.max(1, ttl.toMillis()), bytes(Long.toString(until)));
            }

            @Override
            public boolean isBanned(String key) {
                byte[] until = commands().get(key(namespace, "ban:", key));
                return until != null && Long.parseLong(text(until)) > nowMillis();
            }

            @Override
            public void lift(String key) {
                commands().del(key(namespace, "ban:", key));
            }
        };
    }

    @Override
    public Trails trails(String namespace, int maxLength, Duration ttl) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be positive, was " + maxLength);
        }
        requirePositive(ttl, "ttl");
        String ttlMillis = Long.toString(Math.max(1, ttl.toMillis()));
        return new Trails() {
            @Override
            public List<String> append(String key, String entry) {
                List<byte[]> trail = commands()
                        .eval(
                                APPEND,
                                ScriptOutputType.MULTI,
                                new byte[][] {key(namespace, "tr:", key), key(namespace, "trt:", key)},
                                bytes(entry),
                                bytes(Long.toString(nowMillis())),
                                bytes(Integer.toString(maxLength)),
                                bytes(ttlMillis));
                return texts(trail);
            }

            @Override
            public List<String> get(String key) {
                List<byte[]> trail = commands()
                        .eval(
                                READ_TRAIL,
                                ScriptOutputType.MULTI,
                                new byte[][] {key(namespace, "tr:", key), key(namespace, "trt:", key)},
                                bytes(Long.toString(nowMillis())),
                                bytes(ttlMillis));
                return texts(trail);
            }

            @Override
            public int appendUnless(String key, String entry, List<TrailBlock> blocks) {
                byte[][] args = new byte[4 + 3 * blocks.size()][];
                args[0] = bytes(entry);
                args[1] = bytes(Long.toString(nowMillis()));
                args[2] = bytes(Integer.toString(maxLength));
                args[3] = bytes(ttlMillis);
                for (int b = 0; b < blocks.size(); b++) {
                    TrailBlock block = blocks.get(b);
                    args[4 + 3 * b] = bytes(block.operation());
                    args[5 + 3 * b] = bytes(Integer.toString(block.statusClass()));
                    args[6 + 3 * b] = bytes(Long.toString(block.sinceMillis()));
                }
                Long blocked = commands()
                        .eval(
                                APPEND_UNLESS,
                                ScriptOutputType.INTEGER,
                                new byte[][] {key(namespace, "tr:", key), key(namespace, "trt:", key)},
                                args);
                return blocked.intValue();
            }

            @Override
            public void settle(String key, String operation, String outcome) {
                commands()
                        .eval(
                                SETTLE,
                                ScriptOutputType.INTEGER,
                                new byte[][] {key(namespace, "tr:", key), key(namespace, "trt:", key)},
                                bytes(operation),
                                bytes(Long.toString(nowMillis())),
                                bytes(Integer.toString(maxLength)),
                                bytes(ttlMillis),
                                bytes(outcome == null ? "" : outcome),
                                bytes(outcome == null ? "0" : "1"));
            }
        };
    }

    /** Closes the connection and the client's threads. */
    @Override
    public void close() {
        StatefulRedisConnection<byte[], byte[]> current = connection;
        if (current != null) {
            current.close();
        }
        if (ownsClient) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    private RedisCommands<byte[], byte[]> commands() {
        return connection().sync();
    }

    private StatefulRedisConnection<byte[], byte[]> connection() {
        StatefulRedisConnection<byte[], byte[]> current = connection;
        if (current != null) {
            return current;
        }
        // One thread connects; the others fail at once instead of queueing behind its connect timeout,
        // so the outage policy answers them while Redis is unreachable.
        if (!connecting.tryLock()) {
            throw new RedisConnectionException("the connection to " + description + " is being established");
        }
        try {
            current = connection;
            if (current == null) {
                current = client.connect(ByteArrayCodec.INSTANCE, uri);
                current.setTimeout(commandTimeout);
                connection = current;
            }
            return current;
        } finally {
            connecting.unlock();
        }
    }

    private ProxyManager<byte[]> proxyManager() {
        ProxyManager<byte[]> current = buckets;
        if (current == null) {
            synchronized (this) {
                current = buckets;
                if (current == null) {
                    current = Bucket4jLettuce.casBasedBuilder(connection())
                            .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                                    Duration.ofSeconds(1)))
                            .clientClock(new WallClock(timeSource))
                            .requestTimeout(commandTimeout)
                            .build();
                    buckets = current;
                }
            }
        }
        return current;
    }

    /** Counts keys under a prefix with SCAN, at most 100,000 keys examined: for monitoring, not the hot path. */
    private long countKeys(String prefix) {
        var cursor = io.lettuce.core.ScanCursor.INITIAL;
        long count = 0;
        var args = io.lettuce.core.ScanArgs.Builder.matches(prefix + "*").limit(1000);
        for (int round = 0; round < 100; round++) {
            var page = commands().scan(cursor, args);
            count += page.getKeys().size();
            if (page.isFinished()) {
                break;
            }
            cursor = page;
        }
        return count;
    }

    private byte[] key(String namespace, String kind, String key) {
        return bytes(keyPrefix + namespace + ":" + kind + key);
    }

    private long nowMillis() {
        return timeSource.instant().toEpochMilli();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static List<String> texts(List<byte[]> values) {
        List<String> texts = new ArrayList<>(values.size());
        for (byte[] value : values) {
            texts.add(text(value));
        }
        return texts;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = new byte[a.length + b.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static void requirePositive(Duration duration, String name) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + duration);
        }
    }

    /** Bucket4j's client clock from the injected time source: wall-clock nanoseconds, shared across instances. */
    private record WallClock(TimeSource timeSource) implements TimeMeter {
        @Override
        public long currentTimeNanos() {
            Instant now = timeSource.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }

        @Override
        public boolean isWallClockBased() {
            return true;
        }
    }

    /** Builds a {@link RedisStateStore}. */
    public static final class Builder {
        private RedisURI uri = RedisURI.create("redis://127.0.0.1:6379");
        private String keyPrefix = "abuse-guard:";
        private Duration commandTimeout = Duration.ofMillis(200);
        private TimeSource timeSource = TimeSource.system();
        private RedisClient client;

        private Builder() {}

        /**
         * An existing Lettuce client to connect with, such as the one behind Spring Data Redis's
         * connection factory. The store opens its own connection on it and leaves the client running
         * when closed. By default the store creates and owns a client.
         */
        public Builder client(RedisClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * The Redis server as a Lettuce URI, such as {@code redis://secret@10.0.0.5:6379/0}.
         *
         * @throws IllegalArgumentException if it is not a Redis URI
         */
        public Builder uri(String uri) {
            return uri(RedisURI.create(Objects.requireNonNull(uri, "uri")));
        }

        /** The Redis server. */
        public Builder uri(RedisURI uri) {
            this.uri = Objects.requireNonNull(uri, "uri");
            return this;
        }

        /** The prefix of every key written. Default {@code abuse-guard:}. */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
            return this;
        }

        /**
         * How long one command may take. Default 200 ms.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder commandTimeout(Duration commandTimeout) {
            requirePositive(commandTimeout, "commandTimeout");
            this.commandTimeout = commandTimeout;
            return this;
        }

        /** The clock. Default {@link TimeSource#system()}. */
        public Builder timeSource(TimeSource timeSource) {
            this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
            return this;
        }

        public RedisStateStore build() {
            return new RedisStateStore(this);
        }
    }
}
