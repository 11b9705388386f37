package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;

/**
 * review124 F4: the start-up WARN for a requires rule beside HTTP Basic is given for {@code session=session} only;
 * the session cookie named outright ({@code cookie:JSESSIONID}), which the same requests also send none of, keys
 * them by the address just the same and gets no word.
 */
@ExtendWith(OutputCaptureExtension.class)
class Review124Test {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    WebMvcAutoConfiguration.class,
                    AbuseGuardAutoConfiguration.class,
                    AbuseGuardSwitchesAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL))
            .withUserConfiguration(
                    FormLoginStartUpWarningsTest.FormLoginShop.class, FormLoginStartUpWarningsTest.BasicToo.class);

    @ParameterizedTest(name = "session={0} beside HTTP Basic is a warning")
    @ValueSource(strings = {"cookie:JSESSIONID", "cookie:SESSION"})
    void theSessionCookieBesideHttpBasicIsAWarning(String session, CapturedOutput output) {
        runner.withPropertyValues("abuse-guard.sequence.session=" + session).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(output.getAll()).contains("the application also signs requests in by a header");
        });
    }
}
