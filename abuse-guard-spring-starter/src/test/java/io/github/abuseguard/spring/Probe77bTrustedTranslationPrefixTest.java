package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.servlet.AbuseGuardFilter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * probe77b F1: {@code trusted-proxies: 0.0.0.0/0} fails start-up (any client could forge its address), but the same
 * public space written as a whole translation prefix ({@code 64:ff9b::/96}, {@code ::ffff:0:0:0/96}, or a
 * configured {@code nat64-prefixes} entry) starts, and then every IPv4 client the translator writes (its peer
 * address lies in the listed block as written) chooses its own address in {@code X-Forwarded-For}: a fresh
 * rate-limit bucket per request.
 */
class Probe77bTrustedTranslationPrefixTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(AbuseGuardMetricsAutoConfiguration.class, AbuseGuardAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL))
            .withPropertyValues(
                    "abuse-guard.rate-limit.rules.per-ip.limits[0].capacity=2",
                    "abuse-guard.rate-limit.rules.per-ip.limits[0].period=1m");

    @SuppressWarnings("unchecked")
    private static AbuseGuardFilter filter(AssertableWebApplicationContext context) {
        return ((FilterRegistrationBean<AbuseGuardFilter>) context.getBean("abuseGuardFilterRegistration")).getFilter();
    }

    @ParameterizedTest
    @ValueSource(strings = {"64:ff9b::/96", "::ffff:0:0:0/96"})
    void aWholeTranslationPrefixAsATrustedProxyFailsStartUpAsZeroSlashZeroDoes(String block) {
        runner.withPropertyValues("abuse-guard.client.trusted-proxies=0.0.0.0/0")
                .run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("abuse-guard.client.trusted-proxies=" + block).run(context -> {
            if (context.getStartupFailure() != null) {
                assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("spans public address space");
                return;
            }
            // it started: one translated Internet client, a fresh X-Forwarded-For per request
            String peer = block.startsWith("64") ? "64:ff9b::cb00:7107" : "::ffff:0:cb00:7107"; // 203.0.113.7
            List<Integer> statuses = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/items");
                request.setServletPath("/api/items");
                request.setRemoteAddr(peer);
                request.addHeader("User-Agent", "Mozilla/5.0 (X11; Linux x86_64)");
                request.addHeader("X-Forwarded-For", "192.0.2." + i);
                MockHttpServletResponse response = new MockHttpServletResponse();
                filter(context).doFilter(request, response, new MockFilterChain());
                statuses.add(response.getStatus());
            }
            assertThat(statuses.stream().filter(status -> status == 200).count())
                    .as("203.0.113.7 through the translator, limited to 2 a minute, chose its key 10 times: "
                            + statuses)
                    .isEqualTo(2);
        });
    }
}
