package io.github.abuseguard.email;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/** Finds the mail servers (MX hosts) of a domain. Tests supply a fake; {@link #dns} asks DNS. */
@FunctionalInterface
interface MxResolver {

    /** The domain's MX host names; an empty list when it has none. The future fails on a DNS error. */
    CompletableFuture<List<String>> mailHosts(String domain);

    /**
     * Asks the system's DNS servers through JNDI, with a timeout per query and at most 4 look-ups at once
     * (further ones queue, at most 1,000, and are refused beyond that).
     */
    static MxResolver dns(java.time.Duration timeout) {
        ThreadPoolExecutor executor =
                new ThreadPoolExecutor(1, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1000), runnable -> {
                    Thread thread = new Thread(runnable, "abuse-guard-mx");
                    thread.setDaemon(true);
                    return thread;
                });
        // An idle resolver holds no thread, so nothing outlives an undeployed application for long.
        executor.allowCoreThreadTimeOut(true);
        return domain -> CompletableFuture.supplyAsync(
                () -> {
                    Hashtable<String, String> env = new Hashtable<>();
                    env.put("java.naming.factory.initial", "com.sun.jndi.dns.DnsContextFactory");
                    env.put("com.sun.jndi.dns.timeout.initial", Long.toString(Math.max(100, timeout.toMillis())));
                    env.put("com.sun.jndi.dns.timeout.retries", "1");
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
                    } catch (NamingException e) {
                        throw new IllegalStateException("MX look-up of " + domain + " failed: " + e.getMessage(), e);
                    }
                },
                executor);
    }
}
