package io.github.abuseguard.spring.validation;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A Jakarta Bean Validation constraint: the annotated string is not an address at a disposable mail
 * service. {@code null} is valid (combine with {@code @NotNull}); whether it is an address at all is
 * {@code @Email}'s business. In a Spring Boot application it consults the application's
 * {@code DisposableDomains} (with its extra sources, allowlist and bounce feedback); elsewhere the
 * bundled list.
 */
@Documented
@Constraint(validatedBy = NotDisposableEmailValidator.class)
@Target({
    ElementType.FIELD,
    ElementType.METHOD,
    ElementType.PARAMETER,
    ElementType.RECORD_COMPONENT,
    ElementType.TYPE_USE
})
@Retention(RetentionPolicy.RUNTIME)
public @interface NotDisposableEmail {
    /** The default of {@link #unreadableDomainMessage()}. */
    String UNREADABLE_DOMAIN_MESSAGE = "must have a domain that is a valid domain name";

    String message() default "must not be a disposable e-mail address";

    /** The message when the address's domain cannot be read as a domain name. */
    String unreadableDomainMessage() default UNREADABLE_DOMAIN_MESSAGE;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
