package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** IDEs complete {@code abuse-guard.*} properties from the metadata the starter jar carries. */
class SpringConfigurationMetadataTest {

    @Test
    @SuppressWarnings("unchecked")
    void everyAbuseGuardPropertyHasADescription() throws Exception {
        Map<String, Object> metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            metadata = JsonMapper.builder().build().readValue(in, Map.class);
        }
        List<Map<String, Object>> properties = (List<Map<String, Object>>) metadata.get("properties");
        List<String> names = new ArrayList<>();
        for (Map<String, Object> property : properties) {
            String name = (String) property.get("name");
            if (name.startsWith("abuse-guard.")) {
                names.add(name);
                assertThat((String) property.get("description")).as(name).isNotBlank();
            }
        }
        assertThat(names)
                .contains(
                        "abuse-guard.enabled",
                        "abuse-guard.mode",
                        "abuse-guard.client.trusted-proxies",
                        "abuse-guard.rate-limit.rules",
                        "abuse-guard.filter.order",
                        "abuse-guard.report.window")
                .hasSizeGreaterThanOrEqualTo(24);
    }
}
