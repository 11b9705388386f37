package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;

/** The tag header as the servlet API reads headers: an absent one is -1 to {@code getIntHeader}. */
class TaggedRequestTest {

    @Test
    void anUntaggedRequestHasNoTagHeaderAsANumberEvenIfTheClientSentOne() {
        HttpServletRequest sent = mock(HttpServletRequest.class);
        when(sent.getIntHeader("X-Risk")).thenReturn(0);
        when(sent.getIntHeader("Max-Forwards")).thenReturn(3);
        TaggedRequest request = new TaggedRequest(sent, "X-Risk", null);

        assertThat(request.getIntHeader("x-risk")).isEqualTo(-1);
        assertThat(request.getDateHeader("X-Risk")).isEqualTo(-1);
        assertThat(request.getIntHeader("Max-Forwards")).isEqualTo(3);
    }

    @Test
    void aTaggedRequestsTagIsNoNumber() {
        TaggedRequest request =
                new TaggedRequest(mock(HttpServletRequest.class), "X-Risk", "40; reasons=\"cdn-forwarded\"");

        assertThatExceptionOfType(NumberFormatException.class).isThrownBy(() -> request.getIntHeader("X-Risk"));
    }
}
