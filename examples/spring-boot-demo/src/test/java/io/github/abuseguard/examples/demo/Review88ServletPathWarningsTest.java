package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * review88: under {@code spring.mvc.servlet.path=/v1} the starter's UnservedRulePaths warns once per rule path, with
 * the property and the fix ("write '/v1/api/accounts'"); the servlet filter's init, which now runs
 * UnmappedRulePaths in the starter's application too, warns about the same paths a second time, by rule name,
 * without the fix, and flatly as "never applies" ("Rule paths are relative to the context path").
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.application.name=review88-servlet-path", "spring.mvc.servlet.path=/v1"})
class Review88ServletPathWarningsTest {

    @Test
    void eachUnservedRulePathIsWarnedAboutOnce(CapturedOutput output) {
        assertThat(output.getAll())
                .as("the starter's own warning names the property and the /v1 fix")
                .contains("abuse-guard.rate-limit.rules.sign-up-site.paths[0]: '/api/accounts'");
        assertThat(output.getAll())
                .as("the same path is not warned about a second time by the servlet filter's start-up check")
                .doesNotContain("path '/api/accounts' matches no servlet mapping of this context");
    }
}
