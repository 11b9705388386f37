package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.spring.validation.NotDisposableEmail;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import org.junit.jupiter.api.Test;

class NotDisposableEmailTest {

    record SignUp(@NotDisposableEmail String email) {}

    @Test
    void disposableAddressesAreInvalidAndRealOnesValid() {
        try (ValidatorFactory factory = Validation.buildDefaultValidatorFactory()) {
            Validator validator = factory.getValidator();
            assertThat(validator.validate(new SignUp("bot@post-shift.ru")))
                    .singleElement()
                    .satisfies(violation ->
                            assertThat(violation.getMessage()).isEqualTo("must not be a disposable e-mail address"));
            assertThat(validator.validate(new SignUp("ann@gmail.com"))).isEmpty();
            assertThat(validator.validate(new SignUp(null))).isEmpty();
        }
    }
}
