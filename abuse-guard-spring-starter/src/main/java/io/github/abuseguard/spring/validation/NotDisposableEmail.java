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
 * bundled list. Like the guard, it refuses an address that names no public mail domain (an address
 * literal such as {@code a@[192.0.2.1]}, a numeric name, a name of one label such as {@code a@localhost})
 * unless {@link #requirePublicDomain()} is {@code false}.
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

    /** The default of {@link #nonPublicDomainMessage()}. */
    String NON_PUBLIC_DOMAIN_MESSAGE = "must have a public mail domain";

    /** The message when the address's domain cannot be read as a domain name. */
    String unreadableDomainMessage() default UNREADABLE_DOMAIN_MESSAGE;

    /**
     * Whether the address must name a public mail domain: an address literal ({@code a@[192.0.2.1]},
     * delivered to whatever host the sender names), a numeric name or a name of one label ({@code
     * a@localhost}) is invalid, with {@link #nonPublicDomainMessage()}. In a Spring application the property
     * {@code abuse-guard.email.require-public-domain: false} turns the check off as well, for every field.
     */
    boolean requirePublicDomain() default true;

    /** The message when the address names no public mail domain. */
    String nonPublicDomainMessage() default NON_PUBLIC_DOMAIN_MESSAGE;

    /** The default of {@link #uncheckedDomainMessage()}. */
    String UNCHECKED_DOMAIN_MESSAGE = "has mail domains that cannot be checked now; please try again in a moment";

    /**
     * The message, with the MX check on, when the address's domains' mail servers could not be looked up now (more
     * fresh domains than one address may look up, or look-ups for the domain in flight): not known to be clean, as the
     * guard refuses such a field; sent again a moment later it is usually judged.
     */
    String uncheckedDomainMessage() default UNCHECKED_DOMAIN_MESSAGE;

    /** The default of {@link #noMailDomainMessage()}. */
    String NO_MAIL_DOMAIN_MESSAGE = "is at a domain that accepts no mail; please check the address";

    /**
     * The message, with the MX check on, when the address's domain publishes RFC 7505's null MX or does not exist: it
     * accepts no mail, a typing error as often as a trick (review91 F5).
     */
    String noMailDomainMessage() default NO_MAIL_DOMAIN_MESSAGE;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
