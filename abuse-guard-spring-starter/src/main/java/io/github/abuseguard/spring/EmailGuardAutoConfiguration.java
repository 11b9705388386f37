package io.github.abuseguard.spring;

import io.github.abuseguard.email.EmailGuardFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;

/**
 * The e-mail guard (disposable and bouncing domains): the {@link io.github.abuseguard.Guard} bean {@code abuse-guard.email} built from
 * the {@link io.github.abuseguard.email.EmailSettings} of {@link AbuseGuardProperties} (see {@link BundledGuard}).
 */
@AutoConfiguration(after = AbuseGuardAutoConfiguration.class)
@BundledGuard(factory = EmailGuardFactory.class)
public final class EmailGuardAutoConfiguration {}
