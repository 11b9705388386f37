package io.github.abuseguard.spring;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Warns at start-up when the servlet container itself takes the client's address from a forwarded header
 * for peers abuse-guard cannot vouch for. Spring Boot's {@code native} forward-headers strategy (its
 * default on Kubernetes, Cloud Foundry and Heroku) turns on Tomcat's {@code RemoteIpValve}, which believes
 * {@code X-Forwarded-For} from any peer matching {@code server.tomcat.remoteip.internal-proxies}: by
 * default every private and loopback range, so any pod or host of the private network chooses its own
 * address. No filter can see the original peer, so abuse-guard's own {@code trusted-proxies} cannot help;
 * the {@code framework} strategy is harmless to it (the filter reads the container's request). On Jetty (no Tomcat on
 * the class path, so Spring Boot starts Jetty), the strategy's {@code ForwardedRequestCustomizer} believes any peer,
 * but the filter reads the connection's own end point under it (probe59c F2), so there is nothing to warn of, and a
 * WARN naming a Tomcat property there would mislead (review77 F9).
 */
final class ForwardHeadersCheck {

    private static final Logger log = LoggerFactory.getLogger(ForwardHeadersCheck.class);

    private ForwardHeadersCheck() {}

    /** Whether the container rewrites client addresses for the default (private) peers: then one WARN. */
    static boolean warnIfTheContainerBelievesPrivatePeers(Environment environment) {
        return warnIfTheContainerBelievesPrivatePeers(
                environment, ClassUtils.isPresent(TOMCAT, ForwardHeadersCheck.class.getClassLoader()));
    }

    /** The class whose presence makes Spring Boot start Tomcat rather than Jetty. */
    static final String TOMCAT = "org.apache.catalina.startup.Tomcat";

    /** As {@link #warnIfTheContainerBelievesPrivatePeers(Environment)}, on Tomcat ({@code tomcat}) or Jetty. */
    static boolean warnIfTheContainerBelievesPrivatePeers(Environment environment, boolean tomcat) {
        if (!tomcat) {
            return false;
        }
        String strategy = environment.getProperty("server.forward-headers-strategy");
        boolean containerRewrites;
        if (strategy == null) {
            CloudPlatform platform = CloudPlatform.getActive(environment);
            containerRewrites = platform != null && platform.isUsingForwardHeaders();
        } else {
            containerRewrites = "native".equalsIgnoreCase(strategy.trim());
        }
        if (!containerRewrites || environment.getProperty("server.tomcat.remoteip.internal-proxies") != null) {
            return false;
        }
        log.warn("server.forward-headers-strategy=native (or a cloud platform's default) makes the container take "
                + "the client address from X-Forwarded-For for any peer in a private or loopback range "
                + "(server.tomcat.remoteip.internal-proxies, unset): any host of the private network can then "
                + "choose the address abuse-guard keys its limits on. Set server.tomcat.remoteip.internal-proxies "
                + "to your proxies only, or set the strategy to none and list them in "
                + "abuse-guard.client.trusted-proxies.");
        return true;
    }
}
