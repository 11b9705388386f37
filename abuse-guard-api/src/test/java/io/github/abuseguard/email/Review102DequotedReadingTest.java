package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** review102: the dequoted reading of 4cc2bfb7..b7cc4ecd. */
class Review102DequotedReadingTest {
    private final DisposableDomains bundled = DisposableDomains.bundled();

    /**
     * F1: the dequoted reading is Postfix's internal form; its resolver (resolve_dequoted_address) tokenises that form
     * as an address again, so the quotes, escapes and comments it holds are read as README's own plain hops are. Each
     * value below is one of README's refused examples quoted once more as Postfix itself externalises such a local part
     * (quote_822_local: the whole local part in quotes, its '"' and '\' escaped): the internal form is the example.
     */
    @ParameterizedTest(name = "{0} is {1} to Postfix''s resolver")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '\'',
            value = {
                "\"bot%\\\"mailinator.com\\\"\"@gmail.com | bot%\"mailinator.com\"@gmail.com",
                "\"\\\"mailinator.com\\\"!bot\"@gmail.com | \"mailinator.com\"!bot@gmail.com",
                "\"bot%mailinator\\\\.com\"@gmail.com | bot%mailinator\\.com@gmail.com",
                "\"bot%mail\\\\inator.com\"@gmail.com | bot%mail\\inator.com@gmail.com",
                "\"bot%mail(x)inator.com\"@gmail.com | bot%mail(x)inator.com@gmail.com",
                "\"mail(x)inator.com!bot\"@gmail.com | mail(x)inator.com!bot@gmail.com",
                "\"bot@\\\"mailinator.com\\\"\"@gmail.com | bot@\"mailinator.com\"@gmail.com",
                "\"bot@mail(x)inator.com\"@gmail.com | bot@mail(x)inator.com@gmail.com",
                "\"bot%\\\"yopmail.com\\\"\"@gmail.com | bot%\"yopmail.com\"@gmail.com",
                "\"bot%yopmail\\\\.com\"@gmail.com | bot%yopmail\\.com@gmail.com",
            })
    void aHopQuotedOnceMoreIsJudgedAsPostfixResolvesIt(String value, String internalForm) {
        assertThat(EmailDomain.dequotedReading(value))
                .as("Postfix's internal form")
                .isEqualTo(internalForm);
        assertThat(bundled.isDisposable(internalForm))
                .as("control: " + internalForm)
                .isTrue();
        assertThat(bundled.isDisposable(value)).as(value).isTrue();
    }
}
