package io.github.abuseguard.spring;

import io.github.abuseguard.email.EmailSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code abuse-guard.email.*} properties: disposable e-mail address rejection. Spring binds them into this bean (an unknown key fails start-up naming it), and the guard is built
 * from it; the properties, their descriptions and their defaults are those of {@link EmailSettings}.
 */
@ConfigurationProperties(prefix = "abuse-guard.email", ignoreUnknownFields = false)
public class EmailProperties extends EmailSettings {}
