package io.github.abuseguard.spring.validation;

import io.github.abuseguard.email.DisposableDomains;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import org.springframework.beans.factory.annotation.Autowired;

/** Validates {@link NotDisposableEmail}; Spring injects the application's {@link DisposableDomains} when it has one. */
public class NotDisposableEmailValidator implements ConstraintValidator<NotDisposableEmail, CharSequence> {

    @Autowired(required = false)
    private DisposableDomains domains;

    @Override
    public boolean isValid(CharSequence value, ConstraintValidatorContext context) {
        if (value == null) {
            return true;
        }
        DisposableDomains lists = domains != null ? domains : DisposableDomains.bundled();
        return !lists.isDisposable(value.toString());
    }
}
