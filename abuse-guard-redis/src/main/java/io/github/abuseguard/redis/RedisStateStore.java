package io.github.abuseguard.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.internal.Durations;
import io.github.abuseguard.internal.SettingsBinder;
import io.github.abuseguard.store.BannedKey;
import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.BucketLimit;
import io.github.abuseguard.store.BucketSpec;
import io.github.abuseguard.store.Consumption;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.store.StoreTimeoutException;
import io.github.abuseguard.store.StoreUnavailableException;
import io.github.abuseguard.store.Tallies;
import io.github.abuseguard.store.TokenBuckets;
import io.github.abuseguard.store.TrailBlock;
import io.github.abuseguard.store.Trails;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Range;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisReadOnlyException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.EpollProvider;
import io.lettuce.core.resource.ExtendedKeepAliveSupport;
import io.lettuce.core.resource.IOUringProvider;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared {@link StateStore} on Redis: every instance of an application that points at the same
 * Redis and key prefix shares its limits, counters, bans and trails.
 *
 * <ul>
 *   <li>A token bucket is one hash, {@code prefix + namespace + ":tb:" + digest} (see below), read and written by one
 *       Lua script run with {@code EVALSHA} (loaded again after {@code NOSCRIPT}): one round trip per
 *       decision or refund, atomic however many instances race. The hash keeps, per limit, the tokens
 *       (fractional, so greedy refill loses nothing to rounding) and the time refill was counted to,
 *       plus the limits' identity (16 hex digits of its SHA-1) and a version: the time, in microseconds, the {@link TokenBuckets}
 *       was made. A bucket found under other limits moves to the caller's limits, additively, when
 *       the caller's version is not older; an older caller (an instance still running the previous
 *       settings during a roll-out) applies its limits without taking the bucket back, so two
 *       generations never flip a bucket back and forth. It expires once it would have refilled.
 *   <li>A key refused by Redis is remembered on this instance until its retry-after
 *       ({@link Builder#denialCacheSize}): asked again within that time it is refused without a
 *       round trip. Refunds on this instance forget the key's denial; a refund on another instance
 *       reaches it at the latest when the denial ends, or within a second for a key whose bucket other
 *       clients spend ({@link BucketSpec#sharedByOthers()}: a mailbox, a user name, a site-wide cap, a network).
 *   <li>Bans are a key each with its expiry, plus one sorted set per namespace,
 *       {@code prefix + namespace + ":bans"}, scored by when each ban ends, which lists them;
 *       ended bans are pruned from it whenever one is set, and it holds at most
 *       {@value #MAX_INDEXED_BANS} (the soonest to end are dropped from the listing first, never from
 *       the bans themselves). Bans of many keys ({@link Bans#banAll}) are one script, pruning the listing
 *       once; their look-up ({@link Bans#remainingAll}) one {@code MGET}; a listing past the bans that end
 *       sooner ({@link Bans#active(int, Duration)}) one {@code ZRANGEBYSCORE} from there.
 *   <li>Counters, trails and tallies are one Lua script per call, run by {@code EVALSHA} like the bucket's,
 *       each key with a Redis expiry, so Redis memory stays bounded; a counter added to and another read
 *       ({@link Counters#addAndGet}, the two windows of a sliding count) are one script, one round trip, as
 *       are the counts of many keys ({@link Counters#addAll}),
 *       and so are a ban's look-up with such a count ({@link Bans#addAndGetUnlessBanned}), an in-flight
 *       reservation against a sliding count ({@link Counters#reserve}), with its ban's look-up ({@link
 *       Bans#reserveUnlessBanned}), and a count settled with its
 *       reservation given back ({@link Counters#addAndRelease}), each atomic.
 *   <li>Every key is {@code prefix + namespace + ":" + kind + digest}, the kind being {@code tb:} (token
 *       bucket), {@code ct:} (counter), {@code ban:}, {@code tr:}/{@code trt:}/{@code trw:} (trail, its last
 *       use and its withdrawn reservations) or {@code ta:}/{@code tab:}/{@code tap:} (tally, its set's bitmap and the previous window's), and the
 *       digest the 22-character base64url of the first 128 bits of the client key's SHA-256, or of its
 *       HMAC-SHA256 under {@link Builder#keySecret} when one is set: no user name, API key or session id from a
 *       request is stored verbatim, and no byte of one reaches a key name. A ban listing holds a key that is an IP address or network as it is, any other
 *       key as {@code #} and its digest.
 *   <li>Time comes from the injected {@link TimeSource} (its wall clock) and is passed to the scripts;
 *       Redis expiries only collect garbage. Instances need synchronised clocks.
 * </ul>
 *
 * <p>The connection is made on first use and re-made by Lettuce after a drop; commands fail at once
 * while disconnected and time out after the command timeout, with a Lettuce exception.
 * Wrap the store in a {@link io.github.abuseguard.store.ResilientStateStore} (as
 * {@link RedisStateStoreProvider} does) to turn those into an outage policy.
 */
public final class RedisStateStore implements StateStore, AutoCloseable {

    /** The most bans one namespace's listing holds; see the class description. */
    public static final int MAX_INDEXED_BANS = 100_000;

    /** Default bound on the keys each token-bucket namespace remembers as refused: 10,000. */
    public static final int DEFAULT_DENIAL_CACHE_SIZE = 10_000;

    /**
     * A token bucket's decision. ARGV: now (µs), tokens, mode ({@code c} consume, {@code r} refund),
     * identity of the limits, version, time to live (ms), then per limit capacity, refill tokens,
     * period (µs) and 1 for greedy or 0 for intervally. Hash fields: {@code id}, {@code v}, and per
     * limit i {@code t<i>} (tokens), {@code r<i>} (refill counted to, µs), {@code c<i>} (capacity).
     * Answers consumed (1/0), the tokens left, µs until the tokens asked for are there (-1: never) and
     * µs until every limit is full.
     */
    private static final String TOKEN_BUCKET = """
            local now = tonumber(ARGV[1])
            local amount = tonumber(ARGV[2])
            local version = tonumber(ARGV[5])
            local n = (#ARGV - 6) / 4
            local cap, refill, period, greedy = {}, {}, {}, {}
            for i = 1, n do
              local a = 6 + (i - 1) * 4
              cap[i] = tonumber(ARGV[a + 1]); refill[i] = tonumber(ARGV[a + 2])
              period[i] = tonumber(ARGV[a + 3]); greedy[i] = ARGV[a + 4] == '1'
            end
            local tokens, since = {}, {}
            local fields = {'id', 'v'}
            for i = 1, n do fields[3 * i] = 't' .. i; fields[3 * i + 1] = 'r' .. i; fields[3 * i + 2] = 'c' .. i end
            local values = redis.call('HMGET', KEYS[1], unpack(fields))
            local id = values[1]
            local stored = tonumber(values[2]) or 0
            local own = true
            local partial = false
            if id == false then
              for i = 1, n do tokens[i] = cap[i]; since[i] = now end
            else
              local moving = id ~= ARGV[4] and version >= stored
              own = id == ARGV[4] or moving
              for i = 1, n do
                local t = tonumber(values[3 * i])
                local r = tonumber(values[3 * i + 1])
                local c = tonumber(values[3 * i + 2])
                if t == nil or r == nil or c == nil then
                  tokens[i] = cap[i]; since[i] = now; partial = true
                elseif moving then
                  local elapsed = math.max(0, now - r)
                  if greedy[i] then t = math.min(c, t + elapsed * refill[i] / period[i]) end
                  tokens[i] = math.min(cap[i], t + math.max(0, cap[i] - c)); since[i] = now
                else
                  tokens[i] = math.min(cap[i], t); since[i] = r
                end
              end
            end
            local enough = true
            for i = 1, n do
              local elapsed = now - since[i]
              if elapsed > 0 then
                if tokens[i] >= cap[i] then
                  tokens[i] = cap[i]; since[i] = now
                elseif greedy[i] then
                  tokens[i] = math.min(cap[i], tokens[i] + elapsed * refill[i] / period[i]); since[i] = now
                else
                  local periods = math.floor(elapsed / period[i])
                  if periods > 0 then
                    tokens[i] = math.min(cap[i], tokens[i] + periods * refill[i]); since[i] = since[i] + periods * period[i]
                  end
                end
              end
              if tokens[i] < amount then enough = false end
            end
            local consumed = 0
            if ARGV[3] == 'r' then
              for i = 1, n do tokens[i] = math.min(cap[i], tokens[i] + amount) end
            elseif enough then
              consumed = 1
              for i = 1, n do tokens[i] = tokens[i] - amount end
            end
            local function wait(i, wanted)
              local missing = wanted - tokens[i]
              if missing <= 0 then return 0 end
              if greedy[i] then return math.ceil(missing * period[i] / refill[i]) end
              return math.max(1, math.ceil(missing / refill[i]) * period[i] - (now - since[i]))
            end
            local remaining, refillWait, resetWait = nil, 0, 0
            for i = 1, n do
              if remaining == nil or tokens[i] < remaining then remaining = tokens[i] end
              if consumed == 0 and ARGV[3] ~= 'r' then
                if amount > cap[i] then refillWait = -1
                elseif refillWait >= 0 then refillWait = math.max(refillWait, wait(i, amount)) end
              end
              resetWait = math.max(resetWait, wait(i, cap[i]))
            end
            if ARGV[3] == 'r' and own then
              -- a refund that fills the bucket again: a full bucket is a new one, so no key is kept for it (probe64e
              -- F1: each refunded value was a key for the limit's whole period)
              local full = true
              for i = 1, n do if tokens[i] < cap[i] then full = false end end
              if full then
                redis.call('DEL', KEYS[1])
                return {consumed, math.floor(remaining), refillWait, resetWait}
              end
            end
            local write = {}
            -- identity, version and capacities change only when the bucket is new or moves to these limits
            local settle = own and (partial or id ~= ARGV[4] or version > stored)
            if settle then
              write = {'id', ARGV[4], 'v', string.format('%d', math.max(stored, version))}
            end
            for i = 1, n do
              write[#write + 1] = 't' .. i; write[#write + 1] = string.format('%.17g', tokens[i])
              write[#write + 1] = 'r' .. i; write[#write + 1] = string.format('%d', since[i])
              if settle then write[#write + 1] = 'c' .. i; write[#write + 1] = string.format('%d', cap[i]) end
            end
            if id ~= false and own and id ~= ARGV[4] then redis.call('DEL', KEYS[1]) end
            redis.call('HSET', KEYS[1], unpack(write))
            if own or redis.call('PTTL', KEYS[1]) < tonumber(ARGV[6]) then
              redis.call('PEXPIRE', KEYS[1], ARGV[6])
            end
            return {consumed, math.floor(remaining), refillWait, resetWait}
            """;

    /** Bans ARGV[1] until ARGV[2] (ms) for ARGV[3] ms, indexing it, and prunes ended bans: ARGV[4] is now. */
    private static final String BAN = """
            redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
            redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[4])
            local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[5])
            if excess > 0 then redis.call('ZREMRANGEBYRANK', KEYS[2], 0, excess - 1) end
            if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
            return 1
            """;

    /**
     * BAN for each of KEYS[1..n], the index being KEYS[n + 1], pruning it once: ARGV[1] is now, ARGV[2] the most
     * bans indexed, then per key its listing, until (ms) and time to live (ms). Answers n.
     */
    private static final String BAN_ALL = """
            local n = #KEYS - 1
            local index = KEYS[#KEYS]
            local longest = 0
            for i = 1, n do
              local a = 2 + (i - 1) * 3
              redis.call('SET', KEYS[i], ARGV[a + 2], 'PX', ARGV[a + 3])
              redis.call('ZADD', index, ARGV[a + 2], ARGV[a + 1])
              longest = math.max(longest, tonumber(ARGV[a + 3]))
            end
            redis.call('ZREMRANGEBYSCORE', index, '-inf', ARGV[1])
            local excess = redis.call('ZCARD', index) - tonumber(ARGV[2])
            if excess > 0 then redis.call('ZREMRANGEBYRANK', index, 0, excess - 1) end
            if redis.call('PTTL', index) < longest then redis.call('PEXPIRE', index, longest) end
            return n
            """;

    private static final String LIFT = """
            redis.call('DEL', KEYS[1])
            redis.call('ZREM', KEYS[2], ARGV[1])
            return 1
            """;

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

    /**
     * COUNT on each of KEYS, in order: ARGV delta, now, window (ms), and 1 to take a count below 0 as 0 first
     * (Counters.addAllFromZero). Answers the counts after adding.
     */
    private static final String COUNT_ALL = """
            local now = tonumber(ARGV[2])
            local window = tonumber(ARGV[3])
            local counts = {}
            for i = 1, #KEYS do
              local start = tonumber(redis.call('HGET', KEYS[i], 's'))
              if start == nil or now - start >= window then
                redis.call('HSET', KEYS[i], 's', now, 'c', ARGV[1])
                redis.call('PEXPIRE', KEYS[i], ARGV[3])
                counts[i] = tonumber(ARGV[1])
              elseif ARGV[4] == '1' and (tonumber(redis.call('HGET', KEYS[i], 'c')) or 0) < 0 then
                redis.call('HSET', KEYS[i], 'c', ARGV[1])
                counts[i] = tonumber(ARGV[1])
              else
                counts[i] = redis.call('HINCRBY', KEYS[i], 'c', ARGV[1])
              end
            end
            return counts
            """;

    /**
     * The Lua of one sliding-window step, shared by the scripts that count: adds ARGV[1] to the window
     * hash {@code KEYS[counted]} (a new window when its start is a window old) and reads the count of
     * {@code KEYS[read]} if its window is still open; leaves them in the locals {@code count} and
     * {@code other}. Needs the locals {@code now} and {@code window}.
     */
    private static String slidingCountStep(int counted, int read) {
        return """
                local count
                local start = tonumber(redis.call('HGET', KEYS[%1$d], 's'))
                if start == nil or now - start >= window then
                  redis.call('HSET', KEYS[%1$d], 's', now, 'c', ARGV[1])
                  redis.call('PEXPIRE', KEYS[%1$d], ARGV[3])
                  count = tonumber(ARGV[1])
                else
                  count = redis.call('HINCRBY', KEYS[%1$d], 'c', ARGV[1])
                end
                local other = 0
                local values = redis.call('HMGET', KEYS[%2$d], 's', 'c')
                local since = tonumber(values[1])
                if since ~= nil and now - since < window then other = tonumber(values[2]) or 0 end
                """.formatted(counted, read);
    }

    /** COUNT on KEYS[1] and READ_COUNT on KEYS[2]: ARGV delta, now, window (ms). Answers both counts. */
    private static final String COUNT_AND_READ = """
            local now = tonumber(ARGV[2])
            local window = tonumber(ARGV[3])
            """ + slidingCountStep(1, 2) + """
            return {count, other}
            """;

    /**
     * The ban of KEYS[1] looked up and, unless it is in force, COUNT_AND_READ on KEYS[2] and KEYS[3]:
     * ARGV delta, now, window (ms). Answers banned (1/0) and both counts (0 when banned).
     */
    private static final String COUNT_UNLESS_BANNED = """
            local now = tonumber(ARGV[2])
            local banned = tonumber(redis.call('GET', KEYS[1]))
            if banned ~= nil and banned > now then return {1, 0, 0} end
            local window = tonumber(ARGV[3])
            """ + slidingCountStep(2, 3) + """
            return {0, count, other}
            """;

    /** READ_COUNT of KEYS[1] and KEYS[2]: ARGV now, window (ms). Answers both counts. */
    private static final String READ_COUNTS = """
            local now = tonumber(ARGV[1])
            local counts = {}
            for i = 1, 2 do
              local values = redis.call('HMGET', KEYS[i], 's', 'c')
              local since = tonumber(values[1])
              counts[i] = 0
              if since ~= nil and now - since < tonumber(ARGV[2]) then counts[i] = tonumber(values[2]) or 0 end
            end
            return counts
            """;

    /**
     * Takes a slot under KEYS[1] unless its count and KEYS[4]'s (the slots of the period before) plus
     * KEYS[2]'s and KEYS[3]'s (weighted ARGV[3] / ARGV[4], rounded up) reach ARGV[5]: ARGV now, window (ms),
     * part, whole, limit. Answers 1 if taken, else 0.
     */
    private static final String RESERVE = """
            local now = tonumber(ARGV[1])
            local window = tonumber(ARGV[2])
            local function read(key)
              local values = redis.call('HMGET', key, 's', 'c')
              local since = tonumber(values[1])
              if since ~= nil and now - since < window then return tonumber(values[2]) or 0 end
              return nil
            end
            local held = read(KEYS[1])
            local before = math.max(0, read(KEYS[4]) or 0)
            local whole = tonumber(ARGV[4])
            local counted = (read(KEYS[2]) or 0)
              + math.floor(((read(KEYS[3]) or 0) * tonumber(ARGV[3]) + whole - 1) / whole)
            if counted + math.max(0, held or 0) + before >= tonumber(ARGV[5]) then return 0 end
            if held == nil then
              redis.call('HSET', KEYS[1], 's', now, 'c', 1)
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
            else
              redis.call('HINCRBY', KEYS[1], 'c', 1)
            end
            return 1
            """;

    /**
     * RESERVE of KEYS[2] to KEYS[5] unless KEYS[1], a ban, holds an end after ARGV[1] (now): one round trip for a
     * failure rule's ban and slot, which were two. Answers -1 if banned (nothing taken), else RESERVE's answer.
     */
    private static final String RESERVE_UNLESS_BANNED = """
            local ends = tonumber(redis.call('GET', KEYS[1]))
            if ends ~= nil and ends > tonumber(ARGV[1]) then return -1 end
            local KEYS = {KEYS[2], KEYS[3], KEYS[4], KEYS[5]}
            """ + RESERVE;

    /** Gives back a slot of KEYS[1], never below zero: ARGV now, window (ms). */
    private static final String RELEASE = """
            local values = redis.call('HMGET', KEYS[1], 's', 'c')
            local since = tonumber(values[1])
            if since ~= nil and tonumber(ARGV[1]) - since < tonumber(ARGV[2]) and (tonumber(values[2]) or 0) > 0 then
              if redis.call('HINCRBY', KEYS[1], 'c', -1) <= 0 then redis.call('DEL', KEYS[1]) end
            end
            return 1
            """;

    /** COUNT_AND_READ on KEYS[1] and KEYS[2], then RELEASE of KEYS[3]: ARGV delta, now, window (ms). */
    private static final String COUNT_READ_AND_RELEASE = """
            local now = tonumber(ARGV[2])
            local window = tonumber(ARGV[3])
            """ + slidingCountStep(1, 2) + """
            local held = redis.call('HMGET', KEYS[3], 's', 'c')
            local from = tonumber(held[1])
            if from ~= nil and now - from < window and (tonumber(held[2]) or 0) > 0 then
              if redis.call('HINCRBY', KEYS[3], 'c', -1) <= 0 then redis.call('DEL', KEYS[3]) end
            end
            return {count, other}
            """;

    private static final String READ_COUNT = """
            local start = tonumber(redis.call('HGET', KEYS[1], 's'))
            if start == nil or tonumber(ARGV[1]) - start >= tonumber(ARGV[2]) then return 0 end
            return tonumber(redis.call('HGET', KEYS[1], 'c'))
            """;

    /**
     * The ban of KEYS[1] looked up and, unless it is in force, READ_COUNT of KEYS[2]: ARGV now, window (ms). Answers
     * -1 when banned, else the count.
     */
    private static final String READ_COUNT_UNLESS_BANNED = """
            local now = tonumber(ARGV[1])
            local banned = tonumber(redis.call('GET', KEYS[1]))
            if banned ~= nil and banned > now then return -1 end
            local start = tonumber(redis.call('HGET', KEYS[2], 's'))
            if start == nil or now - start >= tonumber(ARGV[2]) then return 0 end
            return tonumber(redis.call('HGET', KEYS[2], 'c')) or 0
            """;

    /**
     * The start of every script that writes a trail (KEYS[1], its last-use mark KEYS[2]; ARGV[2] now, ARGV[3] the
     * caller's length, ARGV[4] its time to live): {@code kept} and {@code len}, the longest time to live and length
     * of the writers whose mark is still alive. Services sharing a key prefix may keep trails differently (one
     * records a step the other's rule reads, {@code external-operations}); each used to apply its own, so one with
     * a 5-second idle gap deleted the other's hour-long once-only step after 7 seconds (probe47a F11). The mark
     * is {@code now:kept:len} (a bare {@code now} as written before).
     */
    private static final String TRAIL_KEPT = """
            local now = tonumber(ARGV[2])
            local kept, len = tonumber(ARGV[4]), tonumber(ARGV[3])
            local mark = redis.call('GET', KEYS[2])
            local last = nil
            if mark then
              local at, ttl, long = string.match(mark, '^(%d+):(%d+):(%d+)$')
              if at then
                last = tonumber(at)
                if now - last < tonumber(ttl) then
                  kept = math.max(kept, tonumber(ttl))
                  len = math.max(len, tonumber(long))
                end
              else
                last = tonumber(mark)
              end
            end
            if last ~= nil and now - last >= kept then redis.call('DEL', KEYS[1]) end
            """;

    /**
     * The end of every script that adds a settled entry to a trail (KEYS[1]): drops its oldest settled entries beyond
     * {@code len} of them, then, beyond {@code 2 * len} entries, pending ones no longer in flight first and then the
     * oldest, whatever they are. {@code added} is the entry the script added, whose time tells which pending entries
     * ({@code |0|millis} at their end) can still be in flight ({@link Trails#IN_FLIGHT_MILLIS}). No pending entry is
     * dropped by the first, nor counted (the reservations of refused requests in flight pushed a once-only step out:
     * probe73a F1, stop 69; {@code APPEND_UNLESS} bounds them apart; review130 F1: an old one counted as settled did
     * too).
     */
    private static final String KEEP_SETTLED = inFlight("""
            local digits = string.match(added, '|(%d+)$')
            local ref = digits ~= nil and #digits <= 18 and tonumber(digits) or nil
            local all = redis.call('LRANGE', KEYS[1], 0, -1)
            local excess, over, survivors = -len, #all - 2 * len, {}
            local pend, stale = {}, {}
            for i = 1, #all do
              local at = string.match(all[i], '|0|(%d+)$')
              pend[i] = at ~= nil
              stale[i] = at ~= nil and ref ~= nil and not (#at <= 18 and tonumber(at) > ref - IN_FLIGHT_MILLIS)
              if not pend[i] then excess = excess + 1 end
            end
            if excess > 0 or over > 0 then
              local dropped = 0
              for i = 1, #all do
                if excess > 0 and not pend[i] then
                  excess = excess - 1
                  dropped = dropped + 1
                else
                  survivors[#survivors + 1] = i
                end
              end
              over = #survivors - 2 * len
              local rest = {}
              for _, i in ipairs(survivors) do
                if over > 0 and stale[i] then over = over - 1 else rest[#rest + 1] = all[i] end
              end
              redis.call('DEL', KEYS[1])
              for i = math.max(1, #rest - 2 * len + 1), #rest, 1000 do
                redis.call('RPUSH', KEYS[1], unpack(rest, i, math.min(i + 999, #rest)))
              end
            end
            """);

    /** The script with {@code IN_FLIGHT_MILLIS} written as {@link Trails#IN_FLIGHT_MILLIS}. */
    private static String inFlight(String script) {
        return script.replace("IN_FLIGHT_MILLIS", Long.toString(Trails.IN_FLIGHT_MILLIS));
    }

    private static final String APPEND = """
            """ + TRAIL_KEPT + """
            redis.call('RPUSH', KEYS[1], ARGV[1])
            local added = ARGV[1]
            """ + KEEP_SETTLED + """
            redis.call('PEXPIRE', KEYS[1], kept)
            redis.call('SET', KEYS[2], now .. ':' .. kept .. ':' .. len, 'PX', kept)
            return redis.call('LRANGE', KEYS[1], 0, -1)
            """;

    /**
     * Appends unless a block matches: ARGV[5] the entry's token ({@code ''} for none), ARGV 6.. triples of
     * operation, status class, since. An entry's operation matches with or without {@code #values} (or {@code
     * #~token}) after it. A reservation whose token KEYS[3] holds was withdrawn before it ran (its withdrawal sent
     * on a connection the store made after the one it waits on): it appends nothing and answers -2. With {@code len}
     * entries pending already it appends nothing and answers -3 ({@link Trails#TOO_MANY_PENDING}); the pending
     * entry it appends pushes nothing out.
     */
    private static final String APPEND_UNLESS = inFlight("""
            if ARGV[5] ~= '' then
              local withdrawn = redis.call('LRANGE', KEYS[3], 0, -1)
              for i = 1, #withdrawn do
                if withdrawn[i] == ARGV[5] then return -2 end
              end
            end
            """ + TRAIL_KEPT + """
            local entries = redis.call('LRANGE', KEYS[1], 0, -1)
            for b = 6, #ARGV, 3 do
              local class = tonumber(ARGV[b + 1])
              local since = tonumber(ARGV[b + 2])
              local valued = ARGV[b] .. '#'
              for i = 1, #entries do
                local op, status, at = string.match(entries[i], '^(.*)|(%d+)|(%d+)$')
                if op ~= nil and (op == ARGV[b] or string.sub(op, 1, #valued) == valued)
                    and #status <= 9 and #at <= 18 and tonumber(at) >= since then
                  local s = tonumber(status)
                  if s == 0 or class == 0 or math.floor(s / 100) == class then return (b - 6) / 3 end
                end
              end
            end
            local mine = string.match(ARGV[1], '|(%d+)$')
            local since = mine ~= nil and #mine <= 18 and tonumber(mine) or nil
            local pending = 0
            for i = 1, #entries do
              local at = string.match(entries[i], '|0|(%d+)$')
              if at ~= nil and (since == nil or (#at <= 18 and tonumber(at) > since - IN_FLIGHT_MILLIS)) then
                pending = pending + 1
              end
            end
            if pending >= len then return -3 end
            redis.call('RPUSH', KEYS[1], ARGV[1])
            local added = ARGV[1]
            """ + KEEP_SETTLED + """
            redis.call('PEXPIRE', KEYS[1], kept)
            redis.call('SET', KEYS[2], now .. ':' .. kept .. ':' .. len, 'PX', kept)
            return -1
            """);

    /**
     * Settles the oldest pending entry of ARGV[1] ({@code operation|0|millis} or {@code operation#~token|0|millis}), or
     * the entry ARGV[7] exactly when given (a request's own reservation: review134 F4), with ARGV[5] when given (ARGV[6]
     * = '1'), else removes it. Without such an entry ARGV[5] is appended; for an exact settlement, unless the trail
     * holds it already (a settlement run twice).
     */
    private static final String SETTLE = """
            """ + TRAIL_KEPT + """
            local entries = redis.call('LRANGE', KEYS[1], 0, -1)
            local settled = false
            local tokened = ARGV[1] .. '#~'
            local exact = ARGV[7]
            if exact == '' then exact = nil end
            for i = 1, #entries do
              local matched
              if exact ~= nil then
                matched = entries[i] == exact
              else
                local op, status, at = string.match(entries[i], '^(.*)|(%d+)|(%d+)$')
                matched = op ~= nil and (op == ARGV[1] or string.sub(op, 1, #tokened) == tokened)
                  and status == '0' and #at <= 18
              end
              if matched then
                if ARGV[6] == '1' then
                  redis.call('LSET', KEYS[1], i - 1, ARGV[5])
                  local added = ARGV[5]
                  """ + KEEP_SETTLED + """
                else
                  redis.call('LSET', KEYS[1], i - 1, '~settled~')
                  redis.call('LREM', KEYS[1], 1, '~settled~')
                end
                settled = true
                break
              end
            end
            if not settled then
              local present = false
              if exact ~= nil and ARGV[6] == '1' then
                for i = 1, #entries do
                  if entries[i] == ARGV[5] then present = true end
                end
              end
              if ARGV[6] ~= '1' or present then
                if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('DEL', KEYS[2]) end
                return 0
              end
              redis.call('RPUSH', KEYS[1], ARGV[5])
              local added = ARGV[5]
              """ + KEEP_SETTLED + """
            end
            if redis.call('EXISTS', KEYS[1]) == 1 then
              redis.call('PEXPIRE', KEYS[1], kept)
              redis.call('SET', KEYS[2], now .. ':' .. kept .. ':' .. len, 'PX', kept)
            else
              -- a withdrawn reservation emptied the trail: its last-use mark serves nothing (review15 F3)
              redis.call('DEL', KEYS[2])
            end
            return 1
            """;

    /**
     * Removes the entry ARGV[1] (a reservation {@code operation#~token|0|millis}, or {@code operation|0|millis} as the
     * previous version wrote it) from KEYS[1] if it holds it, and no other: a reservation that timed out, withdrawn
     * by the exact entry its request appended. Its token ARGV[2] (when it has one) is kept in KEYS[3], the last
     * ARGV[4] withdrawn tokens of the trail, for ARGV[3] ms (the trail's time to live, past which the entry would
     * forbid nothing): a reservation that runs after its withdrawal (sent on a connection the store replaced
     * meanwhile, or run again) finds it there and appends nothing.
     */
    private static final String WITHDRAW = """
            local removed = redis.call('LREM', KEYS[1], 1, ARGV[1])
            if removed > 0 and redis.call('EXISTS', KEYS[1]) == 0 then redis.call('DEL', KEYS[2]) end
            if ARGV[2] ~= '' then
              redis.call('RPUSH', KEYS[3], ARGV[2])
              redis.call('LTRIM', KEYS[3], -tonumber(ARGV[4]), -1)
              redis.call('PEXPIRE', KEYS[3], ARGV[3])
            end
            return removed
            """;

    /** Reads a trail (ARGV[1] now, ARGV[2] the caller's time to live), kept as long as its longest writer keeps it. */
    private static final String READ_TRAIL = """
            local mark = redis.call('GET', KEYS[2])
            if not mark then return {} end
            local at, ttl = string.match(mark, '^(%d+):(%d+):%d+$')
            local last = tonumber(at or mark)
            local kept = math.max(tonumber(ARGV[2]), tonumber(ttl or '0'))
            if last == nil or tonumber(ARGV[1]) - last >= kept then return {} end
            return redis.call('LRANGE', KEYS[1], 0, -1)
            """;

    private final ClientResources resources;
    private final RedisClient client;
    /**
     * A tally's record. KEYS: the hash, the set's bitmap and the bitmap of the window before. ARGV: bit, set window,
     * slot (-1: none), count window, now (ms), time to live (ms), slots. Hash fields: {@code u} last use (ms), {@code
     * w} set window, {@code f} its bits and {@code p} the bits of the window before that it has not set again (a
     * resource read in both windows is one: probe73c F1, stop 69), {@code cw} count window,
     * {@code cn} slots counted in it, {@code c:<slot>} counts, {@code m:<slot>} marks (the slot being the
     * caller's id, so a count window holds at most {@code slots} counts). A new count window drops the
     * counts and the marks that ended. Answers bits, previous bits, new bit (1/0), marked (1/0) and the count.
     */
    private static final String TALLY = """
            local now = tonumber(ARGV[5])
            local ttl = tonumber(ARGV[6])
            local last = tonumber(redis.call('HGET', KEYS[1], 'u'))
            if last ~= nil and now - last >= ttl then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3]) end
            local window = tonumber(ARGV[2])
            local held = tonumber(redis.call('HGET', KEYS[1], 'w'))
            local filled, previous
            if held == nil or window > held then
              previous = 0
              redis.call('DEL', KEYS[3])
              if held ~= nil and window == held + 1 then
                previous = tonumber(redis.call('HGET', KEYS[1], 'f')) or 0
                if previous > 0 and redis.call('EXISTS', KEYS[2]) == 1 then redis.call('RENAME', KEYS[2], KEYS[3]) end
              end
              redis.call('DEL', KEYS[2])
              filled = 0
              redis.call('HSET', KEYS[1], 'w', window, 'f', 0, 'p', previous)
            else
              filled = tonumber(redis.call('HGET', KEYS[1], 'f')) or 0
              previous = tonumber(redis.call('HGET', KEYS[1], 'p')) or 0
            end
            local fresh = 0
            if redis.call('SETBIT', KEYS[2], ARGV[1], 1) == 0 then
              fresh = 1
              filled = redis.call('HINCRBY', KEYS[1], 'f', 1)
              if previous > 0 and redis.call('GETBIT', KEYS[3], ARGV[1]) == 1 then
                previous = redis.call('HINCRBY', KEYS[1], 'p', -1)
              end
            end
            local count, marked = 0, 0
            local slot = tonumber(ARGV[3])
            if slot >= 0 then
              local countWindow = tonumber(ARGV[4])
              local heldCount = tonumber(redis.call('HGET', KEYS[1], 'cw'))
              if heldCount == nil or countWindow > heldCount then
                local fields = redis.call('HGETALL', KEYS[1])
                for i = 1, #fields, 2 do
                  local kind = string.sub(fields[i], 1, 2)
                  if kind == 'c:' or (kind == 'm:' and tonumber(fields[i + 1]) < countWindow) then
                    redis.call('HDEL', KEYS[1], fields[i])
                  end
                end
                redis.call('HSET', KEYS[1], 'cw', countWindow, 'cn', 0)
              else
                countWindow = heldCount
              end
              local field = 'c:' .. slot
              if redis.call('HEXISTS', KEYS[1], field) == 1 then
                count = redis.call('HINCRBY', KEYS[1], field, 1)
              elseif tonumber(redis.call('HGET', KEYS[1], 'cn') or 0) < tonumber(ARGV[7]) then
                redis.call('HINCRBY', KEYS[1], 'cn', 1)
                count = redis.call('HINCRBY', KEYS[1], field, 1)
              end
              local mark = tonumber(redis.call('HGET', KEYS[1], 'm:' .. slot))
              if mark ~= nil and mark >= countWindow then marked = 1 end
            end
            redis.call('HSET', KEYS[1], 'u', now)
            redis.call('PEXPIRE', KEYS[1], ttl)
            redis.call('PEXPIRE', KEYS[2], ttl)
            redis.call('PEXPIRE', KEYS[3], ttl)
            return {filled, previous, fresh, marked, count}
            """;

    /**
     * A tally's mark. KEYS: the hash and the set's bitmap. ARGV: slot, until (count window), now (ms), time
     * to live (ms), slots. Ended marks make room; beyond {@code slots} marks a new one is not kept.
     */
    private static final String TALLY_MARK = """
            local now = tonumber(ARGV[3])
            local ttl = tonumber(ARGV[4])
            local last = tonumber(redis.call('HGET', KEYS[1], 'u'))
            if last ~= nil and now - last >= ttl then redis.call('DEL', KEYS[1], KEYS[2]) end
            local field = 'm:' .. ARGV[1]
            if redis.call('HEXISTS', KEYS[1], field) == 0 then
              local held = tonumber(redis.call('HGET', KEYS[1], 'cw'))
              local fields = redis.call('HGETALL', KEYS[1])
              local live = 0
              for i = 1, #fields, 2 do
                if string.sub(fields[i], 1, 2) == 'm:' then
                  if held ~= nil and tonumber(fields[i + 1]) < held then
                    redis.call('HDEL', KEYS[1], fields[i])
                  else
                    live = live + 1
                  end
                end
              end
              if live >= tonumber(ARGV[5]) then return 0 end
            end
            redis.call('HSET', KEYS[1], field, ARGV[2], 'u', now)
            redis.call('PEXPIRE', KEYS[1], ttl)
            return 1
            """;

    private static final Logger log = LoggerFactory.getLogger(RedisStateStore.class);

    /** Seconds of silence after which keepalive (and a TCP user timeout where available) drops a dead connection. */
    static final int KEEPALIVE_SECONDS = 30;

    /** What the reservation script answers for a reservation withdrawn before it ran. */
    private static final long WITHDRAWN = -2;

    /**
     * Withdrawn reservations' tokens kept per trail ({@code trw:}), for reservations Redis may run after their
     * withdrawal: more than one session has of them at once.
     */
    static final int WITHDRAWALS_KEPT = 16;

    /** Commands in a row that time out on one connection before it is replaced by a new one. */
    static final int TIMEOUTS_BEFORE_RECONNECT = 2;

    /** The key, under the key prefix, whose value tells instances which key secret the others hash with. */
    static final String KEY_CHECK = "key-check";

    private static final long NEVER = Long.MIN_VALUE;

    /** Hashed as a client key is, under the key secret, into the value of {@link #KEY_CHECK}. */
    private static final String KEY_CHECK_INPUT = "\u0000abuse-guard key-secret check";

    private final boolean ownsClient;
    private final RedisURI uri;
    private final String keyPrefix;
    private final KeyDigest keyDigest;
    private final Duration commandTimeout;
    private final TimeSource timeSource;
    private final String description;
    private volatile StatefulRedisConnection<byte[], byte[]> connection;
    private final java.util.concurrent.locks.ReentrantLock connecting = new java.util.concurrent.locks.ReentrantLock();
    private final int denialCacheSize;
    private final Object connectingBuckets = new Object();
    /** Connect attempts of {@link #awaitConnection} that failed: waiters behind one fail with it. */
    private final java.util.concurrent.atomic.AtomicLong failedConnects = new java.util.concurrent.atomic.AtomicLong();

    private final Script tokenBucket = new Script(TOKEN_BUCKET);
    private final Script ban = new Script(BAN);
    private final Script banAll = new Script(BAN_ALL);
    private final Script lift = new Script(LIFT);
    private final Script count = new Script(COUNT);
    private final Script countAll = new Script(COUNT_ALL);
    private final Script countAndRead = new Script(COUNT_AND_READ);
    private final Script countUnlessBanned = new Script(COUNT_UNLESS_BANNED);
    private final Script reserveUnlessBanned = new Script(RESERVE_UNLESS_BANNED);
    private final Script readCount = new Script(READ_COUNT);
    private final Script readCountUnlessBanned = new Script(READ_COUNT_UNLESS_BANNED);
    private final Script readCounts = new Script(READ_COUNTS);
    private final Script reserve = new Script(RESERVE);
    private final Script release = new Script(RELEASE);
    private final Script countReadAndRelease = new Script(COUNT_READ_AND_RELEASE);
    private final Script append = new Script(APPEND);
    private final Script appendUnless = new Script(APPEND_UNLESS);
    private final Script settle = new Script(SETTLE);
    private final Script readTrail = new Script(READ_TRAIL);
    private final Script withdraw = new Script(WITHDRAW);
    private final Script tally = new Script(TALLY);
    private final Script tallyMark = new Script(TALLY_MARK);
    /** Versions of the token-bucket namespaces made by this store: microseconds, never twice the same. */
    private final AtomicLong versions = new AtomicLong();

    /** Commands that timed out since the last one answered, whatever the connection. */
    private final AtomicInteger timeoutsInARow = new AtomicInteger();

    /** When ({@link TimeSource#nanoTime()}) the connection was last replaced, or {@link #NEVER}. */
    private final AtomicLong replacedAt = new AtomicLong(NEVER);

    private final Duration reconnectInterval;

    /** The check value this store last read or wrote under {@link #KEY_CHECK}: Redis held the store's keys then. */
    private volatile boolean keyCheckWritten;

    /** How many inspections found the key check gone: Redis lost the data this store wrote. */
    private final java.util.concurrent.atomic.AtomicLong dataLosses = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Whether an inspection of the server ({@link #inspect}) has completed: until one has, every connection the store
     * makes or Lettuce re-makes starts one, so that an instance that could not reach Redis at start-up (or whose
     * start-up inspection timed out) still learns of another key secret, an evicting policy or a skewed clock.
     */
    private volatile boolean inspected;

    /**
     * Whether this store inspects its server: set by {@link #connectNow()}, the start-up of a store built from
     * settings. A store built and used directly (tests, a client of its own) does not, as before.
     */
    private volatile boolean inspects;

    /** An inspection thread runs: a connection event meanwhile leaves the inspection to it. */
    private final AtomicBoolean inspecting = new AtomicBoolean();

    /** Completed inspections that found the key check of another key secret (or none) under the prefix. */
    private final AtomicLong keySecretMismatches = new AtomicLong();

    private volatile boolean closed;

    private RedisStateStore(Builder builder) {
        RedisURI uri = builder.uri;
        // Lettuce waits the URI's timeout for a connection and its handshake; commands get their own below.
        uri.setTimeout(builder.connectTimeout);
        // Log lines show the command timeout (probe19 L5: "?timeout=1s" was the connect timeout, the command one 200
        // ms).
        this.description = describe(uri, builder.commandTimeout);
        // Reconnect quickly after an outage (at most 2 s apart) rather than Lettuce's default of up to 30 s, and
        // within milliseconds after a drop, which calls wait for (awaitReconnect).
        this.resources = DefaultClientResources.builder()
                .reconnectDelay(
                        Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                .build();
        this.ownsClient = builder.client == null;
        this.client = ownsClient ? RedisClient.create(resources, uri) : builder.client;
        if (ownsClient) {
            configure(client, builder.commandTimeout, builder.connectTimeout);
        }
        this.uri = uri;
        this.keyPrefix = builder.keyPrefix;
        this.keyDigest = builder.keySecret == null ? KeyDigest.unkeyed() : KeyDigest.keyed(builder.keySecret);
        this.commandTimeout = builder.commandTimeout;
        this.timeSource = builder.timeSource;
        this.denialCacheSize = builder.denialCacheSize;
        this.reconnectInterval = builder.reconnectInterval;
    }

    /** The URI without its password, with the command timeout, in milliseconds, as its {@code timeout}. */
    static String describe(RedisURI uri, Duration commandTimeout) {
        String base = RedisURI.builder(uri)
                .withTimeout(RedisURI.DEFAULT_TIMEOUT_DURATION) // left out of toString()
                .build()
                .toString();
        return withPort(base, uri) + (base.contains("?") ? "&" : "?") + "timeout=" + commandTimeout.toMillis() + "ms";
    }

    /**
     * {@code described} with the port after the host where Lettuce's {@code toString()} leaves the default one out
     * (user68 F6: {@code redis://127.0.0.1:6379} was logged as {@code redis://127.0.0.1}); a socket or Sentinel URI as
     * it is.
     */
    private static String withPort(String described, RedisURI uri) {
        String host = uri.getHost();
        if (host == null || uri.getSocket() != null || !uri.getSentinels().isEmpty()) {
            return described;
        }
        int authority = described.indexOf("://");
        if (authority < 0) {
            return described;
        }
        int at = described.indexOf('@', authority + 3);
        int start = described.indexOf(host, at >= 0 ? at + 1 : authority + 3);
        if (start < 0) {
            return described;
        }
        int end = start + host.length();
        if (end < described.length() && described.charAt(end) == ']') {
            end++; // an IPv6 literal in brackets
        }
        if (end < described.length() && described.charAt(end) == ':') {
            return described; // the port is there
        }
        return described.substring(0, end) + ":" + uri.getPort() + described.substring(end);
    }

    private static void configure(RedisClient client, Duration commandTimeout, Duration connectTimeout) {
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .socketOptions(socketOptions(connectTimeout))
                .build());
    }

    /**
     * TCP keepalive, and where a native transport allows it a TCP user timeout, so that the kernel closes a
     * connection whose peer vanished without a reset (a host lost, a stale middlebox) within about
     * {@value #KEEPALIVE_SECONDS} s of silence even when no command reveals it. A peer that still acknowledges
     * but never answers (a frozen proxy) is left to {@link #replace}.
     */
    static SocketOptions socketOptions(Duration connectTimeout) {
        SocketOptions.Builder socket = SocketOptions.builder().connectTimeout(connectTimeout);
        if (ExtendedKeepAliveSupport.isSupported()) {
            socket.keepAlive(SocketOptions.KeepAliveOptions.builder()
                    .enable()
                    .idle(Duration.ofSeconds(KEEPALIVE_SECONDS / 2))
                    .interval(Duration.ofSeconds(KEEPALIVE_SECONDS / 6))
                    .count(3)
                    .build());
        } else {
            socket.keepAlive(true); // the system's intervals, often two hours, but better than none
        }
        // Lettuce refuses to connect when a TCP user timeout is asked for without epoll or io_uring.
        if (EpollProvider.isAvailable() || IOUringProvider.isAvailable()) {
            socket.tcpUserTimeout(SocketOptions.TcpUserTimeoutOptions.builder()
                    .enable()
                    .tcpUserTimeout(Duration.ofSeconds(KEEPALIVE_SECONDS))
                    .build());
        }
        return socket.build();
    }

    /**
     * Starts a store with the defaults of {@link RedisSettings}: {@value RedisSettings#DEFAULT_URI}, key
     * prefix {@value RedisSettings#DEFAULT_KEY_PREFIX}, a 200 ms command timeout and a 1 s connect timeout.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** The Redis URI, without its password, for log lines. */
    public String description() {
        return description;
    }

    @Override
    public TokenBuckets tokenBuckets(String namespace, BucketSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return new RedisTokenBuckets(namespace, spec);
    }

    /** The buckets of one namespace: one script call per decision, refused keys remembered locally. */
    private final class RedisTokenBuckets implements TokenBuckets {
        private final String namespace;
        private final byte[] prefix;
        /** ARGV of the script from index 3 on: mode, identity, version, time to live, then the limits. */
        private final byte[][] consumeArgs;
        /** How long a refusal is remembered at most ({@link #SHARED_KEY_DENIAL_HOLD_NANOS} for shared keys). */
        private final long denialHold;

        private final byte[][] refundArgs;
        private final Cache<String, Denial> denials;

        RedisTokenBuckets(String namespace, BucketSpec spec) {
            this.namespace = namespace;
            this.prefix = bytes(keyPrefix + namespace + ":tb:");
            List<BucketLimit> limits = spec.limits();
            byte[][] args = new byte[6 + 4 * limits.size()][];
            args[3] = bytes(Script.sha1(spec.identity()).substring(0, 16)); // short, for Redis memory
            args[4] = bytes(Long.toString(versions.updateAndGet(last -> Math.max(last + 1, nowMicros()))));
            args[5] = bytes(Long.toString(spec.nanosToFill() / 1_000_000 + 1_000));
            for (int i = 0; i < limits.size(); i++) {
                BucketLimit limit = limits.get(i);
                args[6 + 4 * i] = bytes(Long.toString(limit.capacity()));
                args[7 + 4 * i] = bytes(Long.toString(limit.refillTokens()));
                args[8 + 4 * i] = bytes(Long.toString(Math.max(1, limit.periodNanos() / 1_000)));
                args[9 + 4 * i] = bytes(limit.greedy() ? "1" : "0");
            }
            this.denialHold = spec.sharedByOthers() ? SHARED_KEY_DENIAL_HOLD_NANOS : Long.MAX_VALUE;
            this.consumeArgs = args.clone();
            consumeArgs[2] = bytes("c");
            this.refundArgs = args.clone();
            refundArgs[2] = bytes("r");
            this.denials = Caffeine.newBuilder()
                    .executor(Runnable::run)
                    .maximumSize(denialCacheSize)
                    .expireAfter(new Expiry<String, Denial>() {
                        @Override
                        public long expireAfterCreate(String key, Denial denial, long now) {
                            return Math.max(0, denial.heldUntil() - now);
                        }

                        @Override
                        public long expireAfterUpdate(String key, Denial denial, long now, long remaining) {
                            return Math.max(0, denial.heldUntil() - now);
                        }

                        @Override
                        public long expireAfterRead(String key, Denial denial, long now, long remaining) {
                            return remaining;
                        }
                    })
                    .ticker(timeSource::nanoTime)
                    .build();
        }

        @Override
        public Consumption tryConsume(String key, long tokens) {
            if (tokens < 1) {
                throw new IllegalArgumentException("tokens must be positive, was " + tokens);
            }
            Consumption remembered = rememberedRefusal(key, tokens);
            if (remembered != null) {
                return remembered;
            }
            long now = timeSource.nanoTime();
            List<Long> answer = run(key, tokens, consumeArgs);
            boolean consumed = answer.get(0) == 1;
            long refillWait = answer.get(2) < 0 ? Long.MAX_VALUE : answer.get(2) * 1_000;
            Consumption consumption =
                    new Consumption(consumed, answer.get(1), consumed ? 0 : refillWait, answer.get(3) * 1_000);
            if (!consumed && denialCacheSize > 0 && refillWait != Long.MAX_VALUE) {
                denials.put(
                        key,
                        new Denial(
                                tokens,
                                consumption.remainingTokens(),
                                now + refillWait,
                                now + consumption.nanosToWaitForReset(),
                                now + Math.min(refillWait, denialHold)));
            }
            return consumption;
        }

        @Override
        public @Nullable Consumption rememberedRefusal(String key, long tokens) {
            long now = timeSource.nanoTime();
            Denial denial = held(key, tokens, now);
            return denial == null
                    ? null
                    : new Consumption(
                            false, denial.remaining(), denial.refilledAt() - now, Math.max(0, denial.fullAt() - now));
        }

        @Override
        public boolean knownToRefuse(String key, long tokens) {
            return held(key, tokens, timeSource.nanoTime()) != null;
        }

        @Override
        public void forgetRefusal(String key) {
            if (denialCacheSize > 0) {
                denials.invalidate(key);
            }
        }

        /** The refusal of the key remembered at {@code now} for a request of {@code tokens}, or {@code null}. */
        private @Nullable Denial held(String key, long tokens, long now) {
            // no look-up while nothing is remembered: an allowed request asks twice (the store in front, then this)
            Denial denial = denialCacheSize == 0 || denials.estimatedSize() == 0 ? null : denials.getIfPresent(key);
            return denial != null && tokens >= denial.tokens() && now < denial.heldUntil() ? denial : null;
        }

        @Override
        public void refund(String key, long tokens) {
            if (tokens < 1) {
                throw new IllegalArgumentException("tokens must be positive, was " + tokens);
            }
            run(key, tokens, refundArgs);
            forgetRefusal(key);
        }

        private List<Long> run(String key, long tokens, byte[][] template) {
            // Connected first, so that the time of the decision is not the time before a slow first connect:
            // a bucket made then would count the connect as refill time.
            awaitConnection();
            byte[][] args = template.clone();
            args[0] = bytes(Long.toString(nowMicros()));
            args[1] = bytes(Long.toString(tokens));
            return script(
                    tokenBucket, ScriptOutputType.MULTI, new byte[][] {concat(prefix, bytes(keyDigest.of(key)))}, args);
        }

        @Override
        public long trackedKeys() {
            return countKeys(keyPrefix + namespace + ":tb:");
        }
    }

    /**
     * A refusal remembered until {@code heldUntil}: the refill, or sooner for a key another client may name. Its
     * times are the store's {@link TimeSource#nanoTime()}.
     */
    private record Denial(long tokens, long remaining, long refilledAt, long fullAt, long heldUntil) {}

    /**
     * How long a refusal of a key whose bucket other clients spend (a mailbox, a user name, a site-wide cap, a
     * network) is remembered: a refund on another instance (a request the application refused) may fill its bucket
     * again at any time, and a refusal remembered until the refill locked the key's owner out of this instance for
     * hours (probe45b F3: 8 h of a 3-a-day sign-up limit, from 20 requests; probe75b F1: a site-wide cap of 3 an
     * hour refused every honest sign-up on one instance for 59 minutes while Redis held all 3). A flood of such a key
     * still costs one round trip a second.
     */
    static final long SHARED_KEY_DENIAL_HOLD_NANOS = 1_000_000_000L;

    @Override
    public Counters counters(String namespace, Duration window) {
        requirePositive(window, "window");
        return new RedisCounters(namespace, Long.toString(Math.max(1, window.toMillis())));
    }

    /** The counters of one namespace: one script call per operation. */
    private final class RedisCounters implements Counters {
        private final String namespace;
        private final String windowMillis;

        RedisCounters(String namespace, String windowMillis) {
            this.namespace = namespace;
            this.windowMillis = windowMillis;
        }

        /** Whether these counters live in {@code store}, so that one script can reach their keys. */
        boolean belongsTo(RedisStateStore store) {
            return store == RedisStateStore.this;
        }

        @Override
        public long add(String key, long delta) {
            Long added = script(
                    count,
                    ScriptOutputType.INTEGER,
                    new byte[][] {key(namespace, "ct:", key)},
                    bytes(Long.toString(delta)),
                    bytes(Long.toString(nowMillis())),
                    bytes(windowMillis));
            return added;
        }

        /** One script, one round trip, whatever the number of keys. */
        @Override
        public long[] addAll(List<String> keys, long delta) {
            return addAll(keys, delta, false);
        }

        /** {@link #addAll}'s script, each count below 0 taken as 0 in it. */
        @Override
        public long[] addAllFromZero(List<String> keys, long delta) {
            return addAll(keys, delta, true);
        }

        private long[] addAll(List<String> keys, long delta, boolean fromZero) {
            if (keys.isEmpty()) {
                return new long[0];
            }
            byte[][] counted = new byte[keys.size()][];
            for (int i = 0; i < counted.length; i++) {
                counted[i] = key(namespace, "ct:", keys.get(i));
            }
            List<Long> counts = script(
                    countAll,
                    ScriptOutputType.MULTI,
                    counted,
                    bytes(Long.toString(delta)),
                    bytes(Long.toString(nowMillis())),
                    bytes(windowMillis),
                    bytes(fromZero ? "1" : "0"));
            long[] answer = new long[counts.size()];
            for (int i = 0; i < answer.length; i++) {
                answer[i] = counts.get(i);
            }
            return answer;
        }

        @Override
        public long get(String key) {
            Long read = script(
                    readCount,
                    ScriptOutputType.INTEGER,
                    new byte[][] {key(namespace, "ct:", key)},
                    bytes(Long.toString(nowMillis())),
                    bytes(windowMillis));
            return read == null ? 0 : read;
        }

        /** The count kept under the digest the listing shows: one {@code DEL}. */
        @Override
        public void removeListed(String listing) {
            String digest = KeyDigest.fromListing(listing);
            if (digest != null) {
                commands().del(bytes(keyPrefix + namespace + ":ct:" + digest));
            }
        }

        @Override
        public long[] addAndGet(String key, long delta, String other) {
            List<Long> counts = script(
                    countAndRead,
                    ScriptOutputType.MULTI,
                    new byte[][] {key(namespace, "ct:", key), key(namespace, "ct:", other)},
                    bytes(Long.toString(delta)),
                    bytes(Long.toString(nowMillis())),
                    bytes(windowMillis));
            return new long[] {counts.get(0), counts.get(1)};
        }

        @Override
        public long[] get(String key, String other) {
            List<Long> counts = script(
                    readCounts,
                    ScriptOutputType.MULTI,
                    new byte[][] {key(namespace, "ct:", key), key(namespace, "ct:", other)},
                    bytes(Long.toString(nowMillis())),
                    bytes(windowMillis));
            return new long[] {counts.get(0), counts.get(1)};
        }

        @Override
        public boolean reserve(
                String reserved,
                String reservedBefore,
                String current,
                String previous,
                long previousPart,
                long whole,
                long limit) {
            Long taken = script(
                    reserve,
                    ScriptOutputType.INTEGER,
                    new byte[][] {
                        key(namespace, "ct:", reserved),
                        key(namespace, "ct:", current),
                        key(namespace, "ct:", previous),
                        key(namespace, "ct:", reservedBefore)
                    },
                    bytes(Long.toString(nowMillis())),
                    bytes(windowMillis),
                    bytes(Long.toString(previousPart)),
                    bytes(Long.toString(Math.max(1, whole))),
                    bytes(Long.toString(limit)));
            return taken != null && taken == 1;
        }

        @Override
        public void release(String reserved) {
            script(
                    release,
                    ScriptOutputType.INTEGER,
                    new byte[][] {key(namespace, "ct:", reserved)},
                    bytes(Long.toString(nowMillis())),
                    bytes(windowMillis));
        }

        @Override
        public long[] addAndRelease(String key, long delta, String other, String reserved) {
            List<Long> counts = script(
                    countReadAndRelease,
                    ScriptOutputType.MULTI,
                    new byte[][] {
                        key(namespace, "ct:", key), key(namespace, "ct:", other), key(namespace, "ct:", reserved)
                    },
                    bytes(Long.toString(delta)),
                    bytes(Long.toString(nowMillis())),
                    bytes(windowMillis));
            return new long[] {counts.get(0), counts.get(1)};
        }
    }

    @Override
    public Bans bans(String namespace) {
        byte[] index = bytes(keyPrefix + namespace + ":bans");
        java.util.concurrent.atomic.AtomicLong lifts =
                liftsSeen.computeIfAbsent(namespace, heard -> new java.util.concurrent.atomic.AtomicLong());
        return new Bans() {
            @Override
            public void ban(String key, Duration ttl) {
                requirePositive(ttl, "ttl");
                long now = nowMillis();
                long ttlMillis = Math.max(1, ttl.toMillis());
                script(
                        ban,
                        ScriptOutputType.INTEGER,
                        new byte[][] {key(namespace, "ban:", key), index},
                        bytes(keyDigest.listed(key)),
                        bytes(Long.toString(now + ttlMillis)),
                        bytes(Long.toString(ttlMillis)),
                        bytes(Long.toString(now)),
                        bytes(Integer.toString(MAX_INDEXED_BANS)));
            }

            /** One script, one round trip, whatever the number of keys. */
            @Override
            public void banAll(Map<String, Duration> ttls) {
                for (Duration ttl : ttls.values()) {
                    requirePositive(ttl, "ttl");
                }
                if (ttls.isEmpty()) {
                    return;
                }
                long now = nowMillis();
                byte[][] keys = new byte[ttls.size() + 1][];
                byte[][] args = new byte[2 + 3 * ttls.size()][];
                args[0] = bytes(Long.toString(now));
                args[1] = bytes(Integer.toString(MAX_INDEXED_BANS));
                int i = 0;
                for (Map.Entry<String, Duration> entry : ttls.entrySet()) {
                    long ttlMillis = Math.max(1, entry.getValue().toMillis());
                    keys[i] = key(namespace, "ban:", entry.getKey());
                    args[2 + 3 * i] = bytes(keyDigest.listed(entry.getKey()));
                    args[3 + 3 * i] = bytes(Long.toString(now + ttlMillis));
                    args[4 + 3 * i] = bytes(Long.toString(ttlMillis));
                    i++;
                }
                keys[i] = index;
                script(banAll, ScriptOutputType.INTEGER, keys, args);
            }

            /** One {@code MGET}, one round trip, whatever the number of keys. */
            @Override
            public List<Duration> remainingAll(List<String> keys) {
                if (keys.isEmpty()) {
                    return new ArrayList<>();
                }
                byte[][] banKeys = new byte[keys.size()][];
                for (int i = 0; i < banKeys.length; i++) {
                    banKeys[i] = key(namespace, "ban:", keys.get(i));
                }
                List<byte[]> untils = getAll(banKeys);
                long now = nowMillis();
                List<Duration> remaining = new ArrayList<>(untils.size());
                for (byte[] until : untils) {
                    remaining.add(
                            until == null
                                    ? Duration.ZERO
                                    : Duration.ofMillis(Math.max(0, Long.parseLong(text(until)) - now)));
                }
                return remaining;
            }

            @Override
            public long liftsSeen() {
                return lifts.get();
            }

            @Override
            public boolean isBanned(String key) {
                byte[] until = get(key(namespace, "ban:", key));
                return until != null && Long.parseLong(text(until)) > nowMillis();
            }

            @Override
            public Duration remaining(String key) {
                byte[] until = get(key(namespace, "ban:", key));
                return until == null
                        ? Duration.ZERO
                        : Duration.ofMillis(Math.max(0, Long.parseLong(text(until)) - nowMillis()));
            }

            @Override
            public long getUnlessBanned(String key, Counters counters, String countKey) {
                if (!(counters instanceof RedisCounters redis) || !redis.belongsTo(RedisStateStore.this)) {
                    return Bans.super.getUnlessBanned(key, counters, countKey);
                }
                Long answer = script(
                        readCountUnlessBanned,
                        ScriptOutputType.INTEGER,
                        new byte[][] {key(namespace, "ban:", key), key(redis.namespace, "ct:", countKey)},
                        bytes(Long.toString(nowMillis())),
                        bytes(redis.windowMillis));
                return answer == null ? 0 : answer;
            }

            @Override
            public long[] addAndGetUnlessBanned(
                    String key, Counters counters, String countKey, long delta, String otherKey) {
                if (!(counters instanceof RedisCounters redis) || !redis.belongsTo(RedisStateStore.this)) {
                    return Bans.super.addAndGetUnlessBanned(key, counters, countKey, delta, otherKey);
                }
                List<Long> answer = script(
                        countUnlessBanned,
                        ScriptOutputType.MULTI,
                        new byte[][] {
                            key(namespace, "ban:", key),
                            key(redis.namespace, "ct:", countKey),
                            key(redis.namespace, "ct:", otherKey)
                        },
                        bytes(Long.toString(delta)),
                        bytes(Long.toString(nowMillis())),
                        bytes(redis.windowMillis));
                return answer.get(0) == 1 ? null : new long[] {answer.get(1), answer.get(2)};
            }

            @Override
            public io.github.abuseguard.store.SlidingWindows.Reservation reserveUnlessBanned(
                    String key,
                    Counters counters,
                    String reserved,
                    String reservedBefore,
                    String current,
                    String previous,
                    long previousPart,
                    long whole,
                    long limit) {
                if (!(counters instanceof RedisCounters redis) || !redis.belongsTo(RedisStateStore.this)) {
                    return Bans.super.reserveUnlessBanned(
                            key, counters, reserved, reservedBefore, current, previous, previousPart, whole, limit);
                }
                Long answer = script(
                        reserveUnlessBanned,
                        ScriptOutputType.INTEGER,
                        new byte[][] {
                            key(namespace, "ban:", key),
                            key(redis.namespace, "ct:", reserved),
                            key(redis.namespace, "ct:", current),
                            key(redis.namespace, "ct:", previous),
                            key(redis.namespace, "ct:", reservedBefore)
                        },
                        bytes(Long.toString(nowMillis())),
                        bytes(redis.windowMillis),
                        bytes(Long.toString(previousPart)),
                        bytes(Long.toString(Math.max(1, whole))),
                        bytes(Long.toString(limit)));
                if (answer != null && answer == -1) {
                    return io.github.abuseguard.store.SlidingWindows.Reservation.BANNED;
                }
                return answer != null && answer == 1
                        ? io.github.abuseguard.store.SlidingWindows.Reservation.TAKEN
                        : io.github.abuseguard.store.SlidingWindows.Reservation.FULL;
            }

            /**
             * Lifts the ban of {@code key}, or of the key a listing shows as {@code key} ({@code #} and its
             * digest, as {@link #active} lists a key that is not an address): an operator lifts what the
             * Actuator showed. A raw key that happens to read as a listing is lifted too.
             */
            @Override
            public void lift(String key) {
                script(
                        lift,
                        ScriptOutputType.INTEGER,
                        new byte[][] {key(namespace, "ban:", key), index},
                        bytes(keyDigest.listed(key)));
                String digest = KeyDigest.fromListing(key);
                if (digest != null) {
                    script(
                            lift,
                            ScriptOutputType.INTEGER,
                            new byte[][] {bytes(keyPrefix + namespace + ":ban:" + digest), index},
                            bytes(key));
                }
            }

            /**
             * Lifts the ban as {@link #lift} does, then tells every instance ({@code PUBLISH} on {@code
             * <key-prefix>lifts}: the namespace and the key as a listing shows it, a digest unless an address), so
             * that each drops its copy: one more round trip. A lift nobody heard is still a lift here.
             */
            @Override
            public void liftEverywhere(String key) {
                lifts.incrementAndGet();
                lift(key);
                String listed = KeyDigest.fromListing(key) != null ? key : keyDigest.listed(key);
                try {
                    String lift = namespace + '\n' + listed + '\n' + timeSource.epochMillis();
                    // signed with the key secret: another client of the Redis cannot make the instances drop copies,
                    // and dated, so that one heard cannot be replayed later (review55 F11)
                    commands().publish(bytes(keyPrefix + LIFTS_CHANNEL), bytes(lift + '\n' + liftSignature(lift)));
                } catch (RedisException e) {
                    log.warn(
                            "Redis at {}: the ban of {} in {} is lifted, but the other instances were not told and"
                                    + " keep their copies until they look it up: {}",
                            description,
                            listed,
                            namespace,
                            e.toString());
                }
            }

            @Override
            public List<BannedKey> active(int limit) {
                return active(limit, Duration.ZERO);
            }

            /** One {@code ZRANGEBYSCORE} from the end asked for: the bans ending sooner are not read. */
            @Override
            public List<BannedKey> active(int limit, Duration endingAfter) {
                return listed(limit, endingAfter, false);
            }

            /** One {@code ZREVRANGEBYSCORE} from the latest end down to the one asked for. */
            @Override
            public List<BannedKey> latest(int limit, Duration endingAfter) {
                return listed(limit, endingAfter, true);
            }

            /** The bans ending more than {@code endingAfter} from now, soonest or latest to end first. */
            private List<BannedKey> listed(int limit, Duration endingAfter, boolean latestFirst) {
                Bans.requireListLimit(limit);
                long now = nowMillis();
                long after = now + Math.max(0, endingAfter.toMillis());
                Range<Long> ending = Range.from(Range.Boundary.excluding(after), Range.Boundary.unbounded());
                io.lettuce.core.Limit first = io.lettuce.core.Limit.create(0, limit);
                List<ScoredValue<byte[]>> entries = latestFirst
                        ? commands().zrevrangebyscoreWithScores(index, ending, first)
                        : commands().zrangebyscoreWithScores(index, ending, first);
                List<BannedKey> listed = new ArrayList<>(entries.size());
                for (ScoredValue<byte[]> entry : entries) {
                    listed.add(new BannedKey(text(entry.getValue()), Duration.ofMillis((long) entry.getScore() - now)));
                }
                return listed;
            }
        };
    }

    @Override
    public Tallies tallies(String namespace, int bits, int slots, Duration ttl) {
        Tallies.requireSpec(bits, slots, ttl);
        byte[] ttlMillis = bytes(Long.toString(Math.max(1, ttl.toMillis())));
        byte[] slotCount = bytes(Integer.toString(slots));
        return new Tallies() {
            @Override
            public long record(String key, int bit, long bitWindow, int slot, long countWindow) {
                Tallies.requireInRange(bit, bits, slot, slots);
                List<Long> answer = script(
                        tally,
                        ScriptOutputType.MULTI,
                        new byte[][] {
                            key(namespace, "ta:", key), key(namespace, "tab:", key), key(namespace, "tap:", key)
                        },
                        bytes(Integer.toString(bit)),
                        bytes(Long.toString(bitWindow)),
                        bytes(Integer.toString(slot)),
                        bytes(Long.toString(countWindow)),
                        bytes(Long.toString(nowMillis())),
                        ttlMillis,
                        slotCount);
                return Tallies.tally(
                        answer.get(0).intValue(),
                        answer.get(1).intValue(),
                        (answer.get(2) == 1 ? Tallies.NEW_BIT : Tallies.NO_FLAGS)
                                | (answer.get(3) == 1 ? Tallies.MARKED : Tallies.NO_FLAGS),
                        answer.get(4));
            }

            @Override
            public void mark(String key, int slot, long untilWindow) {
                Tallies.requireInRange(0, bits, slot, slots);
                if (slot < 0) {
                    return;
                }
                script(
                        tallyMark,
                        ScriptOutputType.INTEGER,
                        new byte[][] {key(namespace, "ta:", key), key(namespace, "tab:", key)},
                        bytes(Integer.toString(slot)),
                        bytes(Long.toString(untilWindow)),
                        bytes(Long.toString(nowMillis())),
                        ttlMillis,
                        slotCount);
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
                List<byte[]> trail = script(
                        append,
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
                List<byte[]> trail = script(
                        readTrail,
                        ScriptOutputType.MULTI,
                        new byte[][] {key(namespace, "tr:", key), key(namespace, "trt:", key)},
                        bytes(Long.toString(nowMillis())),
                        bytes(ttlMillis));
                return texts(trail);
            }

            @Override
            public String reservation(String operation, long millis) {
                // unique: a withdrawal must remove this request's reservation, never another's of the same millisecond
                return Trails.uniqueReservation(operation, millis);
            }

            @Override
            public int appendUnless(String key, String entry, List<TrailBlock> blocks) {
                byte[][] args = new byte[5 + 3 * blocks.size()][];
                args[0] = bytes(entry);
                args[1] = bytes(Long.toString(nowMillis()));
                args[2] = bytes(Integer.toString(maxLength));
                args[3] = bytes(ttlMillis);
                args[4] = bytes(Trails.tokenOf(entry));
                for (int b = 0; b < blocks.size(); b++) {
                    TrailBlock block = blocks.get(b);
                    args[5 + 3 * b] = bytes(block.operation());
                    args[6 + 3 * b] = bytes(Integer.toString(block.statusClass()));
                    args[7 + 3 * b] = bytes(Long.toString(block.sinceMillis()));
                }
                Long blocked = script(
                        appendUnless,
                        ScriptOutputType.INTEGER,
                        new byte[][] {
                            key(namespace, "tr:", key), key(namespace, "trt:", key), key(namespace, "trw:", key)
                        },
                        args);
                if (blocked == WITHDRAWN) {
                    // withdrawn before it ran: only an append its caller gave up on can be, so none waits for this
                    throw StoreUnavailableException.failingClosed(
                            "Redis at " + description + " ran a reservation after its withdrawal", null);
                }
                return blocked.intValue();
            }

            @Override
            public void withdraw(String key, String entry) {
                // EVAL with the body, not EVALSHA: sent after a reservation that timed out, it must run when the
                // stalled server catches up, whether or not the server knows the script (a NOSCRIPT answer would
                // come when no one waits for it any more, and the reservation would stand).
                wholeScript(
                        withdraw,
                        ScriptOutputType.INTEGER,
                        new byte[][] {
                            key(namespace, "tr:", key), key(namespace, "trt:", key), key(namespace, "trw:", key)
                        },
                        bytes(entry),
                        bytes(Trails.tokenOf(entry)),
                        bytes(ttlMillis),
                        bytes(Integer.toString(WITHDRAWALS_KEPT)));
            }

            @Override
            public void settle(String key, String operation, String outcome) {
                settle(key, operation, null, outcome);
            }

            /** Runs {@link #SETTLE}: the reservation exactly, or without one the oldest pending entry of the operation. */
            @Override
            public void settle(String key, String operation, @Nullable String reservation, @Nullable String outcome) {
                script(
                        settle,
                        ScriptOutputType.INTEGER,
                        new byte[][] {key(namespace, "tr:", key), key(namespace, "trt:", key)},
                        bytes(operation),
                        bytes(Long.toString(nowMillis())),
                        bytes(Integer.toString(maxLength)),
                        bytes(ttlMillis),
                        bytes(outcome == null ? "" : outcome),
                        bytes(outcome == null ? "0" : "1"),
                        bytes(reservation == null ? "" : reservation));
            }
        };
    }

    /** Closes the connection and the client's threads. */
    @Override
    public void close() {
        closed = true;
        StatefulRedisConnection<byte[], byte[]> current = connection;
        if (current != null) {
            current.close();
        }
        var subscribed = lifts;
        if (subscribed != null) {
            subscribed.close();
        }
        liftWorker.shutdownNow();
        if (ownsClient) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        // awaited: a container that stops the application warns of its threads still running (user68 F5), and the
        // event loops ended a moment after close() returned now and then
        resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    private RedisCommands<byte[], byte[]> commands() {
        return connection().sync();
    }

    /**
     * Connects if no connection is up, other callers waiting rather than failing at once: racing
     * first decisions of a rate limit must all be decided by Redis, not by the outage policy. When the
     * attempt they waited for fails, they fail with it instead of each trying again in turn: 200 request
     * threads behind an unreachable Redis would otherwise wait 200 connect timeouts, one after another.
     */
    private void awaitConnection() {
        awaitConnection(true);
    }

    /** {@link #awaitConnection()}; {@code inspectLater}: a connection made now starts an inspection if none completed. */
    private void awaitConnection(boolean inspectLater) {
        if (connection == null) {
            long failuresBefore = failedConnects.get();
            synchronized (connectingBuckets) {
                if (connection == null && failedConnects.get() != failuresBefore) {
                    throw new RedisConnectionException(
                            "the connection to " + description + " failed while this request waited for it");
                }
                try {
                    connect(inspectLater);
                } catch (RuntimeException failed) {
                    failedConnects.incrementAndGet();
                    throw failed;
                }
            }
        }
    }

    /**
     * Connects now, as the first request would, so that the first burst after a start finds a connection
     * (racing requests that find none fail at once and count toward the outage circuit).
     *
     * @return {@code null} when the store is connected, else why not (the first requests connect as before)
     */
    @Nullable
    String connectNow() {
        inspects = true;
        for (int attempt = 1; ; attempt++) {
            try {
                awaitConnection(false); // inspected here, on the starting thread, so its warnings come with the start
                break;
            } catch (RuntimeException unreachable) {
                String reason = innermost(unreachable); // for the start-up warning: WRONGPASS, NOAUTH, refused
                // Lettuce closes a connection whose handshake the server refused, and the close can win the race
                // with the server's reply: the reason is then lost. One more handshake names it.
                if (attempt == 2 || !reason.contains("closed prematurely")) {
                    return reason;
                }
            }
        }
        StatefulRedisConnection<byte[], byte[]> current = connection();
        try {
            inspect(current.sync());
        } catch (RedisException e) {
            log.warn(
                    "Redis at {}: could not inspect the server at start-up ({}); trying again in the background",
                    description,
                    innermost(e));
            inspectLater(current);
        }
        return null;
    }

    private StatefulRedisConnection<byte[], byte[]> connection() {
        StatefulRedisConnection<byte[], byte[]> current = connection;
        if (current == null) {
            return connect(true);
        }
        if (!current.isOpen()) {
            awaitReconnect(current);
            StatefulRedisConnection<byte[], byte[]> now = connection; // replaced meanwhile: the fresh one
            current = now == null ? current : now;
        }
        if (current.isOpen() && downSince.get() != 0) { // read first: the healthy path writes nothing shared
            downSince.set(0); // by the waiter too: the next drop gets its own grace (review146 F2)
        }
        return current;
    }

    /**
     * Waits, at most {@link #commandTimeout} after a call first found {@code current} down, for Lettuce to make it
     * again. A dropped connection (a Redis {@code CLIENT KILL} or {@code timeout}, a managed Redis's maintenance, an
     * idle reaper, a proxy's reset) is made again within about a hundred milliseconds, but meanwhile it rejects every
     * command at once: each was answered by the outage policy and counted toward the circuit, so one drop refused
     * everyone under {@code fail-closed} and opened the circuit for {@code retry-interval} (probe81b F1: 169 of 169
     * requests refused in the 245 ms of a reconnect, then 5 s more). A call that waits has sent nothing, so nothing
     * runs twice; once the grace is over, calls fail at once as before (a Redis that stays down opens the circuit
     * after one command timeout, as a stalled one does).
     */
    private void awaitReconnect(StatefulRedisConnection<byte[], byte[]> current) {
        long now = System.nanoTime();
        long since = downSince.get();
        if (since == 0) {
            since = downSince.compareAndSet(0, now) ? now : downSince.get();
            if (since == 0) {
                since = now; // made again and down again meanwhile
            }
        }
        long deadline = since + commandTimeout.toNanos();
        while (!current.isOpen()
                && !closed
                && connection == current
                && !Thread.currentThread().isInterrupted()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            LockSupport.parkNanos(Math.min(left, RECONNECT_POLL_NANOS));
        }
    }

    /** How often a call waiting for a reconnect looks at the connection. */
    private static final long RECONNECT_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** When a call first found the connection down ({@link System#nanoTime()}), 0 while it is up. */
    private final AtomicLong downSince = new AtomicLong();

    /**
     * Makes the connection if there is none. The first connection of a store that has not inspected its server yet
     * (Redis unreachable at start-up) starts an inspection on a thread of its own when {@code inspectLater}: the
     * request that connected does not wait for it.
     */
    private StatefulRedisConnection<byte[], byte[]> connect(boolean inspectLater) {
        StatefulRedisConnection<byte[], byte[]> current;
        boolean made = false;
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
                watch(current);
                connection = current;
                made = true;
            }
        } finally {
            connecting.unlock();
        }
        if (made && inspectLater && inspects && !inspected) {
            inspectLater(current);
        }
        return current;
    }

    /**
     * Runs a script by its SHA-1 digest, the script itself travelling only the first time this
     * connection's server lacks it ({@code NOSCRIPT}, after a restart or {@code SCRIPT FLUSH}).
     */
    private <T> T script(Script script, ScriptOutputType type, byte[][] keys, byte[]... args) {
        StatefulRedisConnection<byte[], byte[]> current = connection();
        RedisCommands<byte[], byte[]> commands = current.sync();
        T answer;
        try {
            try {
                answer = commands.evalsha(script.sha(), type, keys, args);
            } catch (RedisNoScriptException e) {
                commands.scriptLoad(script.body());
                answer = commands.evalsha(script.sha(), type, keys, args);
            }
        } catch (RedisCommandTimeoutException e) {
            timedOut(current);
            // sent, unanswered: Redis may still run it (a command refused while disconnected never ran)
            throw new StoreTimeoutException(String.valueOf(e.getMessage()), e);
        } catch (RedisReadOnlyException e) {
            replace(
                    current,
                    "it answered READONLY (" + e.getMessage()
                            + "): a replica, such as a primary demoted by a failover");
            throw e;
        }
        answered();
        return answer;
    }

    /** {@link #script}, sent as {@code EVAL} with the script's body: it runs whether or not the server has it. */
    private <T> T wholeScript(Script script, ScriptOutputType type, byte[][] keys, byte[]... args) {
        StatefulRedisConnection<byte[], byte[]> current = connection();
        T answer;
        try {
            answer = current.sync().eval(script.body(), type, keys, args);
        } catch (RedisCommandTimeoutException e) {
            timedOut(current);
            throw new StoreTimeoutException(String.valueOf(e.getMessage()), e);
        }
        answered();
        return answer;
    }

    /** GET, watched as {@link #script} is. */
    private byte[] get(byte[] key) {
        StatefulRedisConnection<byte[], byte[]> current = connection();
        byte[] value;
        try {
            value = current.sync().get(key);
        } catch (RedisCommandTimeoutException e) {
            timedOut(current);
            throw new StoreTimeoutException(String.valueOf(e.getMessage()), e);
        }
        answered();
        return value;
    }

    /** MGET, watched as {@link #script} is: each key's value, {@code null} for a key without one. */
    private List<byte[]> getAll(byte[][] keys) {
        StatefulRedisConnection<byte[], byte[]> current = connection();
        List<byte[]> values = new ArrayList<>(keys.length);
        try {
            for (var value : current.sync().mget(keys)) {
                values.add(value.hasValue() ? value.getValue() : null);
            }
        } catch (RedisCommandTimeoutException e) {
            timedOut(current);
            throw new StoreTimeoutException(String.valueOf(e.getMessage()), e);
        }
        answered();
        return values;
    }

    private void answered() {
        if (timeoutsInARow.get() != 0) { // read first: the healthy path writes nothing shared
            timeoutsInARow.set(0);
        }
    }

    private void timedOut(StatefulRedisConnection<byte[], byte[]> on) {
        int inARow = timeoutsInARow.incrementAndGet();
        if (inARow >= TIMEOUTS_BEFORE_RECONNECT) {
            replace(on, inARow + " commands in a row timed out");
        }
    }

    /**
     * Replaces {@code stale} by a new connection, made on a thread of its own, unless one was made less than
     * {@link Builder#reconnectInterval} ago. Lettuce re-makes a connection only when it sees it close: a peer that
     * swallows every byte and never resets it (a failover behind a proxy or a virtual address, a host lost without
     * a reset, a stale middlebox) would keep the store on it for good, every trial call of the circuit timing out
     * on the same socket (probe19: 33 trials in 3 minutes, one connection). A new connection resolves the host
     * name again. The old one is kept until the new one is up, so the requests meanwhile pay no connect.
     */
    private void replace(StatefulRedisConnection<byte[], byte[]> stale, String reason) {
        long now = timeSource.nanoTime();
        long last = replacedAt.get();
        if (closed
                || connection != stale
                || (last != NEVER && now - last < reconnectInterval.toNanos())
                || !replacedAt.compareAndSet(last, now)) {
            return;
        }
        Thread reconnect = new Thread(() -> reconnect(stale, reason), "abuse-guard-redis-reconnect");
        reconnect.setDaemon(true);
        reconnect.start();
    }

    /** The warnings of failed replacements: one per five minutes. */
    private final io.github.abuseguard.internal.RateLimitedLog failedReplacementLog =
            new io.github.abuseguard.internal.RateLimitedLog(Duration.ofMinutes(5), TimeSource.system());

    private void reconnect(StatefulRedisConnection<byte[], byte[]> stale, String reason) {
        StatefulRedisConnection<byte[], byte[]> fresh;
        try {
            fresh = client.connect(ByteArrayCodec.INSTANCE, uri);
        } catch (RedisException e) {
            if (closed) {
                return; // the store closed its client meanwhile
            }
            // once per five minutes, saying how many were held back (probe52d F7: every 5 s while Redis hung)
            long heldBack = failedReplacementLog.permit();
            if (heldBack >= 0) {
                log.warn(
                        "Redis at {}: the connection is replaced because {}, but a new one failed ({}); trying again"
                                + " at the next failure after {} ms ({} such failures not logged since the last)",
                        description,
                        reason,
                        innermost(e),
                        reconnectInterval.toMillis(),
                        heldBack);
            }
            return;
        }
        fresh.setTimeout(commandTimeout);
        watch(fresh);
        connecting.lock();
        try {
            if (closed || connection != stale) {
                fresh.closeAsync();
                return;
            }
            connection = fresh;
        } finally {
            connecting.unlock();
        }
        timeoutsInARow.set(0);
        log.warn("Redis at {}: replaced the connection because {}", description, reason);
        try {
            inspect(fresh.sync());
        } catch (RedisException e) {
            log.warn("Redis at {}: could not inspect the server ({})", description, innermost(e));
        }
        // What was sent on the old connection before the swap is answered or times out within the command timeout;
        // closed only then, so that a Redis that was slow, not gone, does not fail a trial call in flight on it.
        LockSupport.parkNanos(commandTimeout.toNanos() + TimeUnit.MILLISECONDS.toNanos(100));
        stale.closeAsync();
    }

    /**
     * Ends the drop a call waited for ({@link #awaitReconnect}), and inspects the server again, each time Lettuce
     * re-makes {@code watched} after a drop (a Redis restarted, most
     * often empty, or one that was not reachable when the store first tried); on a thread of its own, as the event
     * loop that reports the reconnect must not wait for a command. The listener is added once {@code watched} is
     * made, so the connect that made it is not reported here: its maker inspects.
     */
    private void watch(StatefulRedisConnection<byte[], byte[]> watched) {
        watched.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
                if (connection == watched) {
                    // made again while no call came (a quiet application, a circuit open for its retry interval):
                    // the next drop gets its own grace, not one that ran out during this one (review149 F1)
                    downSince.set(0);
                }
                if (!inspects || closed || connection != watched) {
                    return; // a store that does not inspect, or a connection no longer used
                }
                inspectLater(watched);
            }
        });
    }

    /** Attempts of {@link #inspectWhenActive} before it gives up until the next connection event. */
    static final int INSPECTION_ATTEMPTS = 30;

    /**
     * Inspects {@code on} on a thread of its own, unless an inspection thread runs already (it inspects the connection
     * in use when it gets an answer): one inspection per connection event, however often Redis flaps.
     */
    private void inspectLater(StatefulRedisConnection<byte[], byte[]> on) {
        if (closed || !inspecting.compareAndSet(false, true)) {
            return;
        }
        Thread inspection = new Thread(
                () -> {
                    try {
                        inspectWhenActive(on);
                    } finally {
                        inspecting.set(false);
                    }
                },
                "abuse-guard-redis-inspect");
        inspection.setDaemon(true);
        inspection.start();
    }

    /**
     * Inspects once {@code watched} takes commands (Lettuce reports a reconnect just before it does), trying again
     * every {@code 100 ms} to {@code 1 s} while it fails (a loaded host, a Redis still loading), for as long as the
     * store uses {@code watched}.
     */
    private void inspectWhenActive(StatefulRedisConnection<byte[], byte[]> watched) {
        RedisException last = null;
        for (int attempt = 0; attempt < INSPECTION_ATTEMPTS && !closed && connection == watched; attempt++) {
            if (attempt > 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(1_000, 100L * attempt)));
            }
            try {
                watched.sync().ping();
                inspect(watched.sync());
                return;
            } catch (RedisException notYet) {
                last = notYet;
            }
        }
        if (last != null && !closed && connection == watched) {
            log.warn(
                    "Redis at {}: could not inspect the server ({}); trying again when the connection is re-made",
                    description,
                    innermost(last));
        }
    }

    /**
     * What an operator should know about the Redis behind {@code commands}, logged at WARN: an eviction policy that
     * may drop bans, a store key secret that differs from the one of the instance before, keys lost since this store
     * last looked. Run at start-up, or at the first connection when Redis was not reachable then, and whenever the
     * connection is re-made; never on a request.
     *
     * @throws RedisException when Redis did not answer; diagnostics only, the store works without them
     */
    private void inspect(RedisCommands<byte[], byte[]> commands) {
        String eviction = RedisMemory.parse(commands.info("memory")).warning();
        if (eviction != null) {
            log.warn("Redis at {}: {}", description, eviction);
        }
        byte[] mine = bytes(keyDigest.of(KEY_CHECK_INPUT));
        byte[] checkKey = bytes(keyPrefix + KEY_CHECK);
        // Read, judged, then written: a write that times out after it ran is not read back as this store's own
        // value by the next attempt, which would hide another secret.
        byte[] found = commands.get(checkKey);
        byte[] epoch = commands.get(bytes(keyPrefix + KEY_EPOCH));
        String server = runId(commands.info("server"));
        boolean lost = lostSinceLastLook(found, epoch);
        boolean anotherServer =
                !lost && keyCheckWritten && server != null && serverSeen != null && !server.equals(serverSeen);
        if (lost) {
            dataLosses.incrementAndGet();
            warnLost();
        } else if (anotherServer) {
            // probe57b F4: a restart from an older snapshot, or a failover to a lagging replica, keeps the key check
            // and the epoch (they are old) but not the bans taken since: they went without a word, and their clients
            // with them. Another server process is treated as a loss: this instance's bans are written back.
            dataLosses.incrementAndGet();
            log.warn(
                    "Redis at {} is another server process than when this store last looked (run_id {} was {}):"
                            + " restarted or failed over, so it may hold older data than this store wrote (an older"
                            + " snapshot, a lagging replica); the bans this instance holds are written back",
                    description,
                    server,
                    serverSeen);
        } else if (found != null && !Arrays.equals(found, mine)) {
            keySecretMismatches.incrementAndGet();
            log.warn(
                    "Redis at {}: the instance that last started or reconnected under the key prefix '{}' used another"
                            + " abuse-guard.store.redis.key-secret (or none): instances with different secrets keep"
                            + " apart every count, bucket and ban of a client, so each shared limit is granted once"
                            + " per secret. Expected once while the secret is rotated; otherwise give every instance"
                            + " the same secret",
                    description,
                    keyPrefix);
        }
        // written after the warning: whoever waits for Redis to hold keys again reads the warning first
        if (lost || anotherServer) {
            restoreSeeds(commands);
        }
        if (server != null) {
            serverSeen = server;
        }
        if (!Arrays.equals(found, mine)) {
            commands.set(checkKey, mine);
        }
        epochSeen = epoch == null ? newEpoch(commands) : epoch;
        keyCheckWritten = true;
        warnAboutClockSkew(commands);
        inspected = true;
    }

    @Override
    public long dataLosses() {
        return dataLosses.get();
    }

    /** The longest lift message heard: a namespace, a key's listing and a signature are far shorter. */
    private static final int MAX_LIFT_MESSAGE = 1024;

    /**
     * How far a lift message's date may be from this instance's clock: further, it is taken for a replay of an old
     * one. Wide, since the instances' clocks may differ.
     */
    static final Duration MAX_LIFT_AGE = Duration.ofMinutes(10);

    /**
     * Whether a signed lift message, sent at {@code sentMillis}, is neither old nor among those {@code seen} (the
     * signatures one listener heard within twice {@link #MAX_LIFT_AGE}, at most 10,000: one heard again is a replay).
     */
    private boolean freshLift(String sentMillis, String signature, Cache<String, Boolean> seen) {
        long sent;
        try {
            sent = Long.parseLong(sentMillis);
        } catch (NumberFormatException notADate) {
            return false;
        }
        long age = timeSource.epochMillis() - sent;
        if (Math.abs(age) > MAX_LIFT_AGE.toMillis()) {
            // signed with this deployment's secret: an instance whose clock is off, or a replay of an old one; either
            // way an operator wants to know an unban went unheard (review57 F7: it was dropped without a word)
            if (staleLiftLog.permit() >= 0) {
                log.warn(
                        "Redis at {}: ignored a lift message (an unban) dated {} s {} this instance's clock, more than"
                                + " {} min: if the instances' clocks differ that much, unbans made on one are not heard"
                                + " on the others; synchronise the clocks (NTP)",
                        description,
                        Math.abs(age) / 1000,
                        age > 0 ? "before" : "after",
                        MAX_LIFT_AGE.toMinutes());
            }
            return false;
        }
        return seen.asMap().putIfAbsent(signature, Boolean.TRUE) == null;
    }

    /** One line per ten minutes about lift messages too old or too new to be heard. */
    private final io.github.abuseguard.internal.RateLimitedLog staleLiftLog =
            new io.github.abuseguard.internal.RateLimitedLog(Duration.ofMinutes(10), TimeSource.system());

    /** The signature of a lift's message: its digest under the key secret (a plain digest without one). */
    private String liftSignature(String lift) {
        return keyDigest.of("lift\n" + lift);
    }

    /** A failed subscription, tried again: warned once per five minutes, with how many were not. */
    private void warnSubscriptionFailed(RuntimeException failure) {
        long heldBack = subscriptionFailureLog.permit();
        if (heldBack >= 0) {
            log.warn(
                    "Redis at {}: subscribing to {}{} failed ({}); trying again every {} ms, lifts by hand through other"
                            + " instances are not heard meanwhile ({} such failures not logged since the last)",
                    description,
                    keyPrefix,
                    LIFTS_CHANNEL,
                    innermost(failure),
                    Math.max(reconnectInterval.toMillis(), 1_000),
                    heldBack);
        }
    }

    private final io.github.abuseguard.internal.RateLimitedLog subscriptionFailureLog =
            new io.github.abuseguard.internal.RateLimitedLog(Duration.ofMinutes(5), TimeSource.system());

    /** The lift messages handled, and those ignored (too long, or not signed with the key secret). */
    private final java.util.concurrent.atomic.AtomicLong liftsHeard = new java.util.concurrent.atomic.AtomicLong();

    private final java.util.concurrent.atomic.AtomicLong liftsIgnored = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Per namespace of bans asked for, the lifts by hand ({@link Bans#liftEverywhere}) made here or heard from the
     * other instances, and one more at each (re)subscription, after which lifts may have gone unheard: see {@link
     * Bans#liftsSeen}. A guard's own lifts ({@link Bans#lift}: a failure forgiven) change no ban another instance
     * remembers, and are not counted (review113 F1: each counted, every new address's first failure made each banned
     * client's refusal one more Redis command).
     */
    private final Map<String, java.util.concurrent.atomic.AtomicLong> liftsSeen =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** How many lift messages this store handled: each after its listener ran. */
    long liftsHeard() {
        return liftsHeard.get();
    }

    /** How many messages on the lifts channel this store ignored. */
    long liftsIgnored() {
        return liftsIgnored.get();
    }

    /** Whether this store hears lifts now: its subscription is made. */
    boolean listensForLifts() {
        return lifts != null;
    }

    /** The channel, under the key prefix, on which {@link Bans#liftEverywhere} tells the instances. */
    static final String LIFTS_CHANNEL = "lifts";

    /** The subscription to {@link #LIFTS_CHANNEL}, once made; see {@link #listenForLifts}. */
    private volatile io.lettuce.core.pubsub.@Nullable StatefulRedisPubSubConnection<byte[], byte[]> lifts;

    /**
     * Subscribes to {@code <key-prefix>lifts} on a connection of its own, made on a thread of its own (tried again
     * every {@code reconnect-interval} while Redis cannot be reached, and re-subscribed by Lettuce after a reconnect).
     * Each message names a namespace and a key as a listing shows it; {@code listener} is given a test matching the
     * keys whose listing that is.
     */
    @Override
    public void listenForLifts(io.github.abuseguard.store.LiftListener listener) {
        byte[] channel = bytes(keyPrefix + LIFTS_CHANNEL);
        Cache<String, Boolean> seen = Caffeine.newBuilder()
                .maximumSize(10_000)
                .expireAfterWrite(MAX_LIFT_AGE.multipliedBy(2))
                .build();
        io.lettuce.core.pubsub.RedisPubSubAdapter<byte[], byte[]> adapter =
                new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
                    /** Subscribed again after a lost connection: lifts may have been sent meanwhile (review113 F3). */
                    @Override
                    public void subscribed(byte[] channel, long count) {
                        liftsSeen.values().forEach(java.util.concurrent.atomic.AtomicLong::incrementAndGet);
                    }

                    @Override
                    public void message(byte[] from, byte[] message) {
                        if (message.length > MAX_LIFT_MESSAGE) {
                            liftsIgnored.incrementAndGet();
                            return; // ours are a namespace, a listing and a digest
                        }
                        String text = new String(message, StandardCharsets.UTF_8);
                        int signed = text.lastIndexOf('\n');
                        int dated = signed <= 0 ? -1 : text.lastIndexOf('\n', signed - 1);
                        int newline = text.indexOf('\n');
                        if (newline <= 0
                                || dated <= newline
                                || !text.substring(signed + 1).equals(liftSignature(text.substring(0, signed)))) {
                            liftsIgnored.incrementAndGet();
                            return; // not one of ours, or not signed with this deployment's key secret (review54 F4)
                        }
                        if (!freshLift(text.substring(dated + 1, signed), text.substring(signed + 1), seen)) {
                            liftsIgnored.incrementAndGet();
                            return; // a replay, or one sent long ago (review55 F11)
                        }
                        String listed = text.substring(newline + 1, dated);
                        String namespace = text.substring(0, newline);
                        var heardIn = liftsSeen.get(namespace);
                        if (heardIn != null) {
                            heardIn.incrementAndGet(); // before the listener: a ban set again after is read afresh
                        }
                        // off Lettuce's event loop, which the commands' connection shares: the listener walks copies
                        hear(() -> listener.lifted(
                                namespace,
                                KeyDigest.fromListing(listed) == null ? listed : null, // an address, as it is
                                key -> key.equals(listed)
                                        || keyDigest.listed(key).equals(listed)));
                    }
                };
        if (connection != null && subscribe(adapter, channel)) {
            return; // Redis is up: subscribed at start-up, before any request
        }
        Thread subscriber = new Thread(
                () -> {
                    while (!closed && !subscribe(adapter, channel)) {
                        java.util.concurrent.locks.LockSupport.parkNanos(Math.max(
                                reconnectInterval.toNanos(),
                                Duration.ofSeconds(1).toNanos()));
                    }
                },
                "abuse-guard-redis-lifts");
        subscriber.setDaemon(true);
        subscriber.start();
    }

    /** The most lift messages waiting for {@link #liftWorker}; further ones are ignored, with a warning. */
    static final int MAX_QUEUED_LIFTS = 10_000;

    /**
     * The one thread lift messages are handled on, in the order they came (review55 F4: each ran on the common pool,
     * a thread per message on a machine of two cores, 197 threads for 300 lifts, and a listener's failure vanished);
     * it ends when idle and is shut down on {@link #close()}.
     */
    private final java.util.concurrent.ThreadPoolExecutor liftWorker = liftWorker();

    private static java.util.concurrent.ThreadPoolExecutor liftWorker() {
        var worker = new java.util.concurrent.ThreadPoolExecutor(
                1, 1, 30, TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(MAX_QUEUED_LIFTS), task -> {
                    Thread thread = new Thread(task, "abuse-guard-redis-lift");
                    thread.setDaemon(true);
                    return thread;
                });
        worker.allowCoreThreadTimeOut(true);
        return worker;
    }

    private final io.github.abuseguard.internal.RateLimitedLog liftFailureLog =
            new io.github.abuseguard.internal.RateLimitedLog(Duration.ofMinutes(1), TimeSource.system());

    /** Runs a heard lift's listener on {@link #liftWorker}, counting it once it ran and logging its failure. */
    private void hear(Runnable lift) {
        try {
            liftWorker.execute(() -> {
                try {
                    lift.run();
                    liftsHeard.incrementAndGet();
                } catch (RuntimeException failed) {
                    liftsIgnored.incrementAndGet();
                    liftFailureLog.warn(
                            log,
                            "A ban lifted through another instance could not be dropped from this instance's copy;"
                                    + " it may refuse the client during a Redis outage",
                            failed);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException full) {
            liftsIgnored.incrementAndGet();
            liftFailureLog.warn(
                    log,
                    "More than " + MAX_QUEUED_LIFTS + " lifts heard wait to be handled (or the store is closed); this"
                            + " one is not, and its ban may refuse the client during a Redis outage",
                    full);
        }
    }

    /** Subscribes {@code adapter} to {@code channel} on a connection of its own; whether it could. */
    private boolean subscribe(io.lettuce.core.pubsub.RedisPubSubAdapter<byte[], byte[]> adapter, byte[] channel) {
        io.lettuce.core.pubsub.StatefulRedisPubSubConnection<byte[], byte[]> subscribed;
        try {
            subscribed = client.connectPubSub(ByteArrayCodec.INSTANCE, uri);
        } catch (RuntimeException unreachable) {
            warnSubscriptionFailed(unreachable);
            return false;
        }
        try {
            subscribed.addListener(adapter);
            subscribed.sync().subscribe(channel);
        } catch (RuntimeException refused) {
            // closed, or each retry would leave a connection open (review54 F1: 720 an hour under an ACL user
            // without channel rights, until Redis refused every client)
            subscribed.close();
            if (String.valueOf(refused.getMessage()).startsWith("NOPERM")) {
                log.warn(
                        "Redis at {}: this user may not SUBSCRIBE to {}{} ({}): a ban lifted by hand through another"
                                + " instance stays in this instance's copy, and may come back after Redis loses its"
                                + " data; grant the user the channel (ACL &{}{})",
                        description,
                        keyPrefix,
                        LIFTS_CHANNEL,
                        refused.getMessage(),
                        keyPrefix,
                        LIFTS_CHANNEL);
                return true; // no retry: the answer will not change
            }
            warnSubscriptionFailed(refused);
            return false;
        }
        lifts = subscribed;
        if (closed) {
            subscribed.close();
        }
        return true;
    }

    /**
     * The key naming the data's epoch: a random value written when no instance finds one (the first start, or after a
     * loss), so that every instance, not only the first to find the key check gone, knows of a loss.
     */
    static final String KEY_EPOCH = "key-epoch";

    /** The epoch this store last read; see {@link #KEY_EPOCH}. */
    private volatile byte @Nullable [] epochSeen;

    /** The {@code run_id} of the Redis server process this store last inspected; {@code null} before, or unknown. */
    private volatile @Nullable String serverSeen;

    /** The {@code run_id} line of an {@code INFO server} answer, or {@code null} when it has none (a proxy). */
    static @Nullable String runId(@Nullable String info) {
        if (info == null) {
            return null;
        }
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("run_id:")) {
                String id = line.substring("run_id:".length()).strip();
                return id.isEmpty() ? null : id;
            }
        }
        return null;
    }

    /** Writes a new random epoch unless another instance wrote one first: the epoch Redis then holds. */
    private byte[] newEpoch(RedisCommands<byte[], byte[]> commands) {
        byte[] key = bytes(keyPrefix + KEY_EPOCH);
        byte[] fresh = new byte[16];
        new java.security.SecureRandom().nextBytes(fresh);
        commands.set(key, fresh, SetArgs.Builder.nx());
        byte[] epoch = commands.get(key);
        return epoch == null ? fresh : epoch;
    }

    /**
     * Whether the data was lost since this store last looked, from the key check {@code found} and the epoch read:
     * the key check gone, or the epoch one another instance wrote after it found it gone first (probe51 F1: this
     * instance then took its own missing bans for lifted by hand). Never before this store wrote its key check.
     */
    private boolean lostSinceLastLook(byte @Nullable [] found, byte @Nullable [] epoch) {
        return keyCheckWritten && (found == null || !Arrays.equals(epoch, epochSeen));
    }

    private void warnLost() {
        log.warn(
                "Redis at {} no longer holds the key {}{} this store wrote: Redis restarted without persistence, was"
                        + " flushed or evicted keys, so the bans, counts and histories kept before are lost",
                description,
                keyPrefix,
                KEY_CHECK);
    }

    /**
     * Reads the key check this store wrote and the data's epoch (two {@code GET}s): a loss found there (a flush on a
     * live connection, which re-makes nothing, or a restart the reconnect's inspection has not looked at yet) is
     * counted and warned about, the seeds in use written back, and the key check and the epoch written again where
     * gone, once however many callers look at the same time. Nothing for a store that does not inspect its server.
     */
    @Override
    public void lookForDataLoss() {
        if (!inspects) {
            return;
        }
        byte[] checkKey = bytes(keyPrefix + KEY_CHECK);
        byte[] epochKey = bytes(keyPrefix + KEY_EPOCH);
        if (!lostSinceLastLook(get(checkKey), get(epochKey))) {
            return;
        }
        synchronized (dataLosses) {
            RedisCommands<byte[], byte[]> commands = commands();
            byte[] found = commands.get(checkKey);
            byte[] epoch = commands.get(epochKey);
            if (!lostSinceLastLook(found, epoch)) {
                return; // another caller of this store found the loss and counted it
            }
            dataLosses.incrementAndGet();
            warnLost();
            restoreSeeds(commands);
            if (found == null) {
                commands.set(checkKey, bytes(keyDigest.of(KEY_CHECK_INPUT)));
            }
            epochSeen = epoch == null ? newEpoch(commands) : epoch;
        }
    }

    /**
     * How many inspections of the server found that the instance before under the key prefix used another
     * {@code abuse-guard.store.redis.key-secret} (or none), each also logged at WARN: once per instance while the
     * secret is rotated, otherwise a sign that instances keep every limit apart. Read by the metrics of the Spring
     * Boot starter; costs no Redis call.
     */
    public long keySecretMismatches() {
        return keySecretMismatches.get();
    }

    /** Beyond this difference between the store's clock and the Redis server's, start-up warns. */
    static final long CLOCK_SKEW_WARNING_MILLIS = 1_000;

    /**
     * Warns when the store's wall clock and the Redis server's differ by more than a second (probe24 O2): the
     * scripts compare times that each instance writes with its own clock (sequence trails, windows, histories), so
     * two instances whose clocks differ by more than a rule's window disagree about it, and one far ahead empties
     * the trails it touches. The server's clock stands for the others' (each instance compares itself with it). The
     * round trip's half is added to the tolerance, since the answer was read somewhere within it.
     */
    private void warnAboutClockSkew(RedisCommands<byte[], byte[]> commands) {
        long before = timeSource.epochMillis();
        List<byte[]> time = commands.time();
        long after = timeSource.epochMillis();
        if (time == null || time.size() < 2) {
            return;
        }
        long server = Long.parseLong(new String(time.get(0), StandardCharsets.US_ASCII)) * 1_000
                + Long.parseLong(new String(time.get(1), StandardCharsets.US_ASCII)) / 1_000;
        long skew = before + (after - before) / 2 - server;
        if (Math.abs(skew) > CLOCK_SKEW_WARNING_MILLIS + (after - before) / 2) {
            log.warn(
                    "Redis at {}: this instance's clock is {} ms {} the Redis server's. Instances sharing Redis compare"
                            + " the times each of them writes (sequence trails, failure windows, histories), so"
                            + " instances whose clocks differ by more than a rule's window disagree about it (a"
                            + " once-only step recorded by one falls outside another's window): keep the hosts' clocks"
                            + " synchronised (NTP), and restart an instance started before its clock was",
                    description,
                    Math.abs(skew),
                    skew > 0 ? "ahead of" : "behind");
        }
    }

    /**
     * The failure and each of its causes (and what they suppressed), so that a warning names the innermost reason
     * (WRONGPASS, NOAUTH), which Lettuce wraps in "Unable to connect".
     */
    static String innermost(Throwable failure) {
        StringBuilder text = new StringBuilder(failure.toString());
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        seen.add(failure);
        Throwable at = failure;
        for (int depth = 0; at != null && depth < 16; depth++) {
            for (Throwable suppressed : at.getSuppressed()) {
                if (seen.add(suppressed)) {
                    text.append(", with ").append(suppressed);
                }
            }
            at = at.getCause();
            if (at != null && seen.add(at)) {
                text.append(", caused by ").append(at);
            }
        }
        return text.toString();
    }

    /** A Lua script and its SHA-1 digest, as Redis names it. */
    private record Script(byte[] body, String sha) {
        Script(String source) {
            this(bytes(source), sha1(source));
        }

        static String sha1(String source) {
            try {
                return HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-1").digest(bytes(source)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-1 is required of every Java platform", e);
            }
        }
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

    /**
     * The seed named {@code name} in Redis ({@code <key-prefix>seed:<name>}, eight bytes, kept without expiry
     * so that an instance started months later reads what the running ones hash with): set at random by
     * the first instance to ask ({@code SET NX}), read by the others.
     */
    @Override
    public long sharedSeed(String name) {
        byte[] key = bytes(keyPrefix + "seed:" + name);
        byte[] chosen = new byte[Long.BYTES];
        new SecureRandom().nextBytes(chosen);
        RedisCommands<byte[], byte[]> commands = commands();
        commands.set(key, chosen, SetArgs.Builder.nx());
        byte[] seed = commands.get(key);
        if (seed == null || seed.length != Long.BYTES) {
            throw new IllegalStateException("Redis key " + keyPrefix + "seed:" + name
                    + " does not hold an 8-byte seed; delete it and restart every instance");
        }
        seedsInUse.put(keyPrefix + "seed:" + name, seed);
        return ByteBuffer.wrap(seed).getLong();
    }

    /**
     * The seeds this store handed out, by key: written back when Redis lost them, so that an instance started after
     * the loss reads the seed the running ones hash with instead of drawing another (probe48a F1: readers of 28
     * games were refused at the 16th across two instances with different seeds). Bounded by the guards asking.
     */
    private final Map<String, byte[]> seedsInUse = new java.util.concurrent.ConcurrentHashMap<>();

    /** Writes back the seeds in use that Redis no longer holds (each only if absent: the first instance's wins). */
    private void restoreSeeds(RedisCommands<byte[], byte[]> commands) {
        for (Map.Entry<String, byte[]> seed : seedsInUse.entrySet()) {
            commands.set(bytes(seed.getKey()), seed.getValue(), SetArgs.Builder.nx());
        }
    }

    private byte[] key(String namespace, String kind, String key) {
        return bytes(keyPrefix + namespace + ":" + kind + keyDigest.of(key));
    }

    private long nowMillis() {
        return timeSource.epochMillis();
    }

    private long nowMicros() {
        Instant now = timeSource.instant();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
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
            throw new IllegalArgumentException(
                    name + " must be positive, was " + (duration == null ? "not set" : Durations.written(duration)));
        }
    }

    /** Builds a {@link RedisStateStore}. */
    public static final class Builder {
        // the defaults are the settings' (RedisSettings), written once there
        private RedisURI uri = RedisURI.create(RedisSettings.DEFAULT_URI);
        private String keyPrefix = RedisSettings.DEFAULT_KEY_PREFIX;
        private Duration commandTimeout =
                SettingsBinder.duration("abuse-guard.store.redis.timeout", RedisSettings.DEFAULT_TIMEOUT);
        private Duration connectTimeout = SettingsBinder.duration(
                "abuse-guard.store.redis.connect-timeout", RedisSettings.DEFAULT_CONNECT_TIMEOUT);
        private TimeSource timeSource = TimeSource.system();
        private RedisClient client;
        private int denialCacheSize = DEFAULT_DENIAL_CACHE_SIZE;
        private byte[] keySecret;
        private Duration reconnectInterval = ResilientStateStore.DEFAULT_RETRY_INTERVAL;

        private Builder() {}

        /**
         * The least time between two replacements of a connection that stopped answering; the provider passes the
         * circuit's retry interval, so that each trial after an outage may find a new connection, and a Redis that
         * stays unreachable costs one connect attempt per interval. Default {@link
         * ResilientStateStore#DEFAULT_RETRY_INTERVAL}.
         */
        Builder reconnectInterval(Duration reconnectInterval) {
            requirePositive(reconnectInterval, "reconnectInterval");
            this.reconnectInterval = reconnectInterval;
            return this;
        }

        /**
         * A secret shared by every instance of the deployment: client keys are then stored under their
         * HMAC-SHA256 under it rather than their plain SHA-256, so that nobody who can read the Redis can
         * find out whose user name a key is by hashing a list of names. Changing it starts every count,
         * ban and trail afresh. Default none.
         *
         * @throws IllegalArgumentException if it has fewer than 16 bytes
         */
        public Builder keySecret(byte[] keySecret) {
            KeyDigest.keyed(keySecret); // validates
            this.keySecret = keySecret.clone();
            return this;
        }

        /**
         * How many refused keys each token-bucket namespace remembers on this instance, so that a key
         * asked for again before its retry-after is refused without a round trip to Redis. Default
         * {@value RedisStateStore#DEFAULT_DENIAL_CACHE_SIZE}; 0 sends every decision to Redis.
         *
         * @throws IllegalArgumentException if negative or above 10,000,000
         */
        public Builder denialCacheSize(int denialCacheSize) {
            if (denialCacheSize < 0 || denialCacheSize > 10_000_000) {
                throw new IllegalArgumentException("denialCacheSize must be 0 to 10000000, was " + denialCacheSize);
            }
            this.denialCacheSize = denialCacheSize;
            return this;
        }

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

        /** The prefix of every key written. Default {@value RedisSettings#DEFAULT_KEY_PREFIX}. */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
            return this;
        }

        /**
         * How long one command may take. Default {@link RedisSettings#DEFAULT_TIMEOUT}, 200 ms.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder commandTimeout(Duration commandTimeout) {
            requirePositive(commandTimeout, "commandTimeout");
            this.commandTimeout = commandTimeout;
            return this;
        }

        /**
         * How long connecting may take: TCP, TLS and the handshake (authentication, protocol, database).
         * Default {@link RedisSettings#DEFAULT_CONNECT_TIMEOUT}, 1 s. A connection is made when the store is built from settings (at start-up), else when
         * it is first used, and after an outage, and often takes longer than a command on a loaded machine;
         * one request waits for a reconnect while concurrent ones fail at once, so the outage policy
         * answers them.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder connectTimeout(Duration connectTimeout) {
            requirePositive(connectTimeout, "connectTimeout");
            this.connectTimeout = connectTimeout;
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
