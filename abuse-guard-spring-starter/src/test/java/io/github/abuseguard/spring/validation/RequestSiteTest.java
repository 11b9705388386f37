package io.github.abuseguard.spring.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.identity.ClientResolver;
import jakarta.servlet.http.HttpServletRequest;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.filter.ForwardedHeaderFilter;

/**
 * review77: 35f72b42 reads the peer of the container's own request (ConnectionPeer) but the forwarded headers of the
 * request as Spring's ForwardedHeaderFilter wrapped it, which hides X-Forwarded-For. Behind a trusted proxy with
 * server.forward-headers-strategy=framework every client is then the proxy, where the filter (which reads the
 * container's headers) keys the client the proxy forwarded.
 */
class RequestSiteTest {

    @Test
    void behindATrustedProxyAndSpringsForwardedHeaderFilterTheSiteIsTheForwardedClient() throws Exception {
        MockHttpServletRequest sent = new MockHttpServletRequest("POST", "/api/accounts");
        sent.setRemoteAddr("10.0.0.1"); // the site's own proxy
        sent.addHeader("X-Forwarded-For", "203.0.113.9");
        AtomicReference<HttpServletRequest> seen = new AtomicReference<>();
        new ForwardedHeaderFilter()
                .doFilter(
                        sent,
                        new MockHttpServletResponse(),
                        (request, response) -> seen.set((HttpServletRequest) request));
        ClientResolver clients =
                ClientResolver.builder().trustedProxies("10.0.0.0/8").build();
        RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(seen.get()));
        try {
            assertThat(clients.resolve("10.0.0.1", name -> java.util.Collections.list(sent.getHeaders(name)))
                            .key())
                    .as("the filter's key, from the container's request")
                    .isEqualTo("203.0.113.9");
            assertThat(RequestSite.of(clients)).as("the validator's site").isEqualTo("203.0.113.9");
        } finally {
            RequestContextHolder.resetRequestAttributes();
        }
    }
}
