package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.spring.validation.NotDisposableEmail;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** review80 F1, F2, F4: @NotDisposableEmail asks DisposableDomains.match, so what the guard lets through it finds valid. */
class NotDisposableEmailCarelessReview80Test {
    record SignUp(@NotDisposableEmail String email) {}

    @ParameterizedTest(name = "invalid: {0}")
    @ValueSource(
            strings = {
                "bot@(maildrop.cc)\u00A0gmail.com(%)",
                "bot@(maildrop.cc)\u001Fgmail.com",
                "bot@yopmai\u0142.com",
            })
    void aListedDomainToACarelessApplicationIsInvalid(String address) {
        try (ValidatorFactory factory = Validation.buildDefaultValidatorFactory()) {
            assertThat(factory.getValidator().validate(new SignUp(address)))
                    .as(address)
                    .isNotEmpty();
        }
    }
}
