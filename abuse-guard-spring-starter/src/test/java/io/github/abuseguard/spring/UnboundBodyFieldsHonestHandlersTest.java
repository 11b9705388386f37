package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.github.abuseguard.spring.annotation.RejectDisposableEmail;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * review78: handlers whose @RequestBody type Jackson does give the pointer's field, each bound as Jackson documents it;
 * UnboundBodyFields WARNs at every start-up that each rule "will check nothing".
 */
@ExtendWith(OutputCaptureExtension.class)
class UnboundBodyFieldsHonestHandlersTest {
    private static final String WARNING = "the rule will find no such field and check nothing";

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class, AbuseGuardAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL))
            .withUserConfiguration(Controllers.class);

    /** snake_case JSON by the class's own naming strategy: {@code email_address}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record SnakeSignUp(String emailAddress, String name) {}

    /** Polymorphic body: {@code email} is a property of the subtype Jackson picks by {@code type}. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({@JsonSubTypes.Type(value = PersonSignUp.class, name = "person")})
    abstract static class AnySignUp {}

    static class PersonSignUp extends AnySignUp {
        public String email;
    }

    record Contact(String email, String phone) {}

    /** {@code email} at the top level of the JSON, unwrapped from {@code contact}. */
    static class Lead {
        @JsonUnwrapped
        public Contact contact;
    }

    /** Any other name lands in {@code extra}: a field-level any-setter (Jackson 2.14+). */
    static class Invite {
        public String name;

        @JsonAnySetter
        public Map<String, Object> extra = new HashMap<>();
    }

    @RestController
    static class HonestController {
        @RejectDisposableEmail(field = "/email_address")
        @PostMapping("/api/snake")
        String snake(@RequestBody SnakeSignUp body) {
            return "";
        }

        @RejectDisposableEmail(field = "/email")
        @PostMapping("/api/polymorphic")
        String polymorphic(@RequestBody AnySignUp body) {
            return "";
        }

        @RejectDisposableEmail(field = "/email")
        @PostMapping("/api/unwrapped")
        String unwrapped(@RequestBody Lead body) {
            return "";
        }

        @RejectDisposableEmail(field = "/email")
        @PostMapping("/api/any-setter")
        String anySetter(@RequestBody Invite body) {
            return "";
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Controllers {
        @Bean
        HonestController honestController() {
            return new HonestController();
        }
    }

    @Test
    void handlersJacksonGivesTheFieldAreNoWarning(CapturedOutput output) {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(output.getAll().lines().filter(line -> line.contains(WARNING)))
                    .as("start-up WARNs for honest handlers")
                    .isEmpty();
        });
    }
}
