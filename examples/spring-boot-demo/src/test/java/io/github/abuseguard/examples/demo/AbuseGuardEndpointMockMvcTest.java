package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/**
 * review16 F1: an application's own MockMvc tests reach the {@code abuseguard} endpoint as a real server does.
 * MockMvc's dispatcher sorts its handler mappings while the context is still being refreshed; the starter's
 * endpoint mapping must already have its place before the Actuator's then (it answered 404 "No static resource"
 * behind the resource handler's catch-all while {@code /actuator} still linked to it).
 */
@SpringBootTest(properties = {Operator.NAME, Operator.PASSWORD, Operator.ROLES})
@AutoConfigureMockMvc
class AbuseGuardEndpointMockMvcTest {
    @Autowired
    MockMvc mvc;

    @Test
    void theEndpointAnswersThroughMockMvc() throws Exception {
        MvcResult endpoint = mvc.perform(get("/actuator/abuseguard")
                        .header("Authorization", Operator.AUTHORIZATION)
                        .with(request -> {
                            request.setRemoteAddr("10.9.8.7");
                            return request;
                        }))
                .andReturn();

        assertThat(endpoint.getResponse().getStatus()).isEqualTo(200);
        assertThat(endpoint.getResponse().getContentAsString()).contains("\"mode\"");
    }
}
