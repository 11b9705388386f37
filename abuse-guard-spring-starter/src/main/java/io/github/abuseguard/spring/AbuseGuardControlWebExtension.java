package io.github.abuseguard.spring;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The control endpoint over HTTP: a refused change answers {@code 400} with the reason in its body ({@code detail}),
 * where Actuator's own answer to a refused operation is Spring's error page, which drops the reason unless the
 * application includes messages in every error (user65 F1: "abuse-guard.mode is monitor, which wins over any
 * switch", an unknown rule and a misspelt guard all answered a bare {@code 400 Bad Request}).
 */
@EndpointWebExtension(endpoint = AbuseGuardControlEndpoint.class)
class AbuseGuardControlWebExtension {

    private final AbuseGuardControlEndpoint endpoint;

    AbuseGuardControlWebExtension(AbuseGuardControlEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** {@link AbuseGuardControlEndpoint#change}, its refusals answered with their reason. */
    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> change(
            SecurityContext security,
            @Selector String action,
            @Nullable String guard,
            @Nullable String rule,
            @Nullable String mode,
            @Nullable String key,
            @Nullable String duration) {
        try {
            return new WebEndpointResponse<>(endpoint.change(security, action, guard, rule, mode, key, duration));
        } catch (InvalidEndpointRequestException refused) {
            Map<String, Object> problem = new LinkedHashMap<>();
            problem.put("title", "Bad Request");
            problem.put("status", WebEndpointResponse.STATUS_BAD_REQUEST);
            problem.put("detail", refused.getReason());
            return new WebEndpointResponse<>(problem, WebEndpointResponse.STATUS_BAD_REQUEST);
        }
    }
}
