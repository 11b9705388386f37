package io.github.abuseguard.spring;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.core.env.Environment;

/**
 * Warns at start-up when the servlet container itself takes the client's address from a forwarded header
 * for peers abuse-guard cannot vouch for. Spring Boot's {@code native} forward-headers strategy (its
 * default on Kubernetes, Cloud Foundry and Heroku) turns on Tomcat's {@code RemoteIpValve}, which believes
 * {@code X-Forwarded-For} from any peer matching {@code server.tomcat.remoteip.internal-proxies}: by
 * default every private and loopback range, so any pod or host of the private network chooses its own
 * address. No filter can see the original peer, so abuse-guard's own {@code trusted-proxies} cannot help;
 * the {@code framework} strategy is harmless to it (the filter reads the container's request).
 */
final class ForwardHeadersCheck {

    private static final Logger log = LoggerFactory.getLogger(ForwardHeadersCheck.class);

    private ForwardHeadersCheck() {}

    /** Whether the container rewrites client addresses for the default (private) peers: then one WARN. */
    static boolean warnIfTheContainerBelievesPrivatePeers(Environment environment) {
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

    /**
     * Warns when the DispatcherServlet is not mapped at the root ({@code spring.mvc.servlet.path=/v1}): the
     * guard matches a request by the path the container sees ({@code /v1/api/scores/chess}), while Spring MVC's
     * route templates, and with them every controller annotation's rule ({@code @RateLimit}, {@code
     * @RejectDisposableEmail}, {@code @RequiresPrior}, ...), are written without the prefix and never apply
     * (review17 F5). Rules in {@code abuse-guard.*} properties apply when they name the prefixed paths.
     */
    static boolean warnIfTheDispatcherServletIsNotAtTheRoot(Environment environment) {
        String prefix = UnservedSequenceSteps.servletPrefix(environment.getProperty("spring.mvc.servlet.path"));
        if (prefix.isEmpty()) {
            return false;
        }
        log.warn(
                "spring.mvc.servlet.path={}: abuse-guard matches requests by the path the container sees ({}/...), "
                        + "while Spring MVC's route templates and every rule of a controller annotation (@RateLimit, "
                        + "@RejectDisposableEmail, @RequiresPrior, @FailureLimit, ...) are written without {}: those "
                        + "rules do not apply. Name the paths of abuse-guard.* rules with the prefix ({}/api/**), or map "
                        + "the DispatcherServlet at /.",
                prefix,
                prefix,
                prefix,
                prefix);
        return true;
    }
}
