package io.github.abuseguard.spring;

import io.github.abuseguard.ratelimit.RateLimitSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code abuse-guard.rate-limit.*} properties: token-bucket rate limiting. Spring binds them into this bean (an unknown key fails start-up naming it), and the guard is built
 * from it; the properties, their descriptions and their defaults are those of {@link RateLimitSettings}.
 */
@ConfigurationProperties(prefix = "abuse-guard.rate-limit", ignoreUnknownFields = false)
public class RateLimitProperties extends RateLimitSettings {}
