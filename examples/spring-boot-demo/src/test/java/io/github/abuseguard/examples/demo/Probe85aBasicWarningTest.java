package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * probe85a F2: the demo's only HTTP Basic chain is {@code securityMatcher("/actuator", "/actuator/**")}, and its
 * {@code actuator-login} rule counts every 401 there that carried a password (paths {@code /actuator},
 * {@code /actuator/**}, every method, key ip, credential header:Authorization). Yet each start of the demo as it ships
 * WARNs that "no failure rule counts such a request on every path, so its passwords can be guessed without limit",
 * because the check asks for a rule on the literal {@code /**} and never looks at the chain's matcher (which the
 * sign-in filters' check does, review128 F6). A WARN every start prints for a correctly guarded application teaches
 * operators to ignore the one that matters.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.application.name=probe85a-basic-warning")
class Probe85aBasicWarningTest {

    @Test
    void theDemosCountedBasicChainIsNotWarnedAbout(CapturedOutput output) {
        assertThat(output.getAll())
                .as("the Actuator chain's Basic passwords are counted by actuator-login")
                .doesNotContain("HTTP Basic is on in a SecurityFilterChain");
    }
}
