package io.github.abuseguard.examples.demo;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The operator the demo's tests sign in as: every Actuator endpoint but the health status needs role OPS. */
final class Operator {
    static final String NAME = "spring.security.user.name=ops";
    static final String PASSWORD = "spring.security.user.password=demo-tests-operator";
    static final String ROLES = "spring.security.user.roles=OPS";
    /** The {@code Authorization} header value of the operator. */
    static final String AUTHORIZATION =
            "Basic " + Base64.getEncoder().encodeToString("ops:demo-tests-operator".getBytes(StandardCharsets.UTF_8));

    private Operator() {}
}
