package io.github.abuseguard.email;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;
import org.jspecify.annotations.Nullable;

/** Finds the mail servers (MX hosts) of a domain. Tests supply a fake; {@link #dns} asks DNS. */
@FunctionalInterface
interface MxResolver {

    /**
     * The domain's MX host names; an empty list when it has none, {@link #NO_SUCH_DOMAIN} when DNS says the name does
     * not exist. The future fails on a DNS error.
     */
    CompletableFuture<List<String>> mailHosts(String domain);

    /**
     * The answer for a name DNS says does not exist (NXDOMAIN): nothing can be delivered there. No host name holds a
     * space or a parenthesis.
     */
    List<String> NO_SUCH_DOMAIN = List.of("(no such domain)");

    /**
     * The most look-ups that run at once: a look-up blocks its thread until DNS answers, and one client site's share
     * ({@code MxCheck.LOOK_UPS_PER_SITE}, 4) must leave most of them to the others (review57 F3: with 4 threads one
     * client's slow decoys held them all).
     */
    int THREADS = 16;

    /** The most look-ups that wait for a thread; further ones are refused (no answer, asked again later). */
    int QUEUED = 200;

    /**
     * Asks the system's DNS servers through JNDI, with a timeout per query (and one retry, at twice it) and at most
     * {@value #THREADS} look-ups at once: further ones queue, at most {@value #QUEUED}, and are refused beyond that.
     * (probe52b F3: a pool of one core thread grows only once its queue is full, so look-ups ran one at a time, each
     * up to 6 s against a slow domain, and 32 subdomains of one kept every other look-up waiting for a minute.)
     */
    static MxResolver dns(java.time.Duration timeout) {
        return dns(timeout, null);
    }

    /** @param server the DNS server to ask ({@code dns://host:port}), or {@code null} for the system's */
    static MxResolver dns(java.time.Duration timeout, @Nullable String server) {
        ThreadPoolExecutor executor = lookUpPool();
        return domain -> CompletableFuture.supplyAsync(
                () -> {
                    Hashtable<String, String> env = new Hashtable<>();
                    env.put("java.naming.factory.initial", "com.sun.jndi.dns.DnsContextFactory");
                    env.put("com.sun.jndi.dns.timeout.initial", Long.toString(Math.max(100, timeout.toMillis())));
                    env.put("com.sun.jndi.dns.timeout.retries", "1");
                    if (server != null) {
                        env.put("java.naming.provider.url", server);
                    }
                    try {
                        DirContext context = new InitialDirContext(env);
                        try {
                            Attributes attributes = context.getAttributes(domain, new String[] {"MX"});
                            Attribute mx = attributes.get("MX");
                            List<String> hosts = new ArrayList<>();
                            if (mx != null) {
                                NamingEnumeration<?> values = mx.getAll();
                                while (values.hasMore()) {
                                    String[] parts = values.next().toString().split("\\s+");
                                    hosts.add(parts[parts.length - 1]);
                                }
                            }
                            return hosts;
                        } finally {
                            context.close();
                        }
                    } catch (NameNotFoundException e) {
                        return NO_SUCH_DOMAIN; // an authoritative NXDOMAIN, not a failure to ask
                    } catch (NamingException e) {
                        throw new IllegalStateException("MX look-up of " + domain + " failed: " + e.getMessage(), e);
                    }
                },
                executor);
    }

    /**
     * The threads look-ups run on: {@value #THREADS} at once (a pool grows past its core threads only once its queue
     * is full, so they are all core threads), {@value #QUEUED} waiting, none while idle.
     */
    static ThreadPoolExecutor lookUpPool() {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(
                THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(QUEUED), runnable -> {
                    Thread thread = new Thread(runnable, "abuse-guard-mx");
                    thread.setDaemon(true);
                    return thread;
                });
        // An idle resolver holds no thread, so nothing outlives an undeployed application for long.
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }
}
