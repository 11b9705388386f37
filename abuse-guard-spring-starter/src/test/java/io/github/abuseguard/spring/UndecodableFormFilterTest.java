package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class UndecodableFormFilterTest {

    @Test
    void aGetIsPassedOnWithoutItsContentTypeBeingLookedUp() throws Exception {
        CountingRequest request = new CountingRequest("GET", "/api/scores/chess");
        List<ServletRequest> passed = new ArrayList<>();

        new UndecodableFormFilter().doFilter(request, new MockHttpServletResponse(), (req, res) -> passed.add(req));

        assertThat(passed).containsExactly(request);
        assertThat(request.contentTypeReads).isZero();
    }

    @Test
    void aPutFormIsStillPassedOnBounded() throws Exception {
        CountingRequest request = new CountingRequest("PUT", "/api/profile");
        request.setContentType("application/x-www-form-urlencoded");
        request.setContent("name=ada".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        List<ServletRequest> passed = new ArrayList<>();

        new UndecodableFormFilter().doFilter(request, new MockHttpServletResponse(), (req, res) -> passed.add(req));

        assertThat(passed).hasSize(1);
        assertThat(passed.get(0)).isNotSameAs(request);
        assertThat(request.contentTypeReads).isPositive();
    }

    /** Counts the look-ups of {@code Content-Type}, each a pass over the header lines on Tomcat. */
    private static final class CountingRequest extends MockHttpServletRequest {
        int contentTypeReads;

        CountingRequest(String method, String path) {
            super(method, path);
        }

        @Override
        public String getContentType() {
            contentTypeReads++;
            return super.getContentType();
        }
    }
}
