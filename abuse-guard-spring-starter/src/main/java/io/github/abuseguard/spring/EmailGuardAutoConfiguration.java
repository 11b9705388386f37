package io.github.abuseguard.spring;

import io.github.abuseguard.email.EmailGuardFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The e-mail guard (disposable and bouncing domains): the {@link io.github.abuseguard.Guard} bean {@code abuse-guard.email} built from
 * {@link EmailProperties} (see {@link BundledGuard}).
 */
@AutoConfiguration(after = AbuseGuardAutoConfiguration.class)
@EnableConfigurationProperties(EmailProperties.class)
@BundledGuard(factory = EmailGuardFactory.class, properties = EmailProperties.class)
public final class EmailGuardAutoConfiguration {}
