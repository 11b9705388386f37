package io.github.abuseguard.spring.validation;

import io.github.abuseguard.email.DisposableDomains;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Validates {@link NotDisposableEmail}; Spring injects the application's {@link DisposableDomains} when it
 * has one. Like the guard, it refuses an address whose domain cannot be read as a domain name (no list can
 * be asked about it), with {@link NotDisposableEmail#unreadableDomainMessage()}.
 */
public class NotDisposableEmailValidator implements ConstraintValidator<NotDisposableEmail, CharSequence> {

    @Autowired(required = false)
    private DisposableDomains domains;

    private String unreadableDomainMessage = NotDisposableEmail.UNREADABLE_DOMAIN_MESSAGE;

    @Override
    public void initialize(NotDisposableEmail constraint) {
        unreadableDomainMessage = constraint.unreadableDomainMessage();
    }

    @Override
    public boolean isValid(CharSequence value, ConstraintValidatorContext context) {
        if (value == null) {
            return true;
        }
        String address = value.toString();
        DisposableDomains lists = domains != null ? domains : DisposableDomains.bundled();
        if (lists.isDisposable(address)) {
            return false;
        }
        if (DisposableDomains.hasUnreadableDomain(address)) {
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(unreadableDomainMessage)
                    .addConstraintViolation();
            return false;
        }
        return true;
    }
}
