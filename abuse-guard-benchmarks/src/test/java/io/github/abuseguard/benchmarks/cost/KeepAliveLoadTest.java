package io.github.abuseguard.benchmarks.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeepAliveLoadTest {

    private static KeepAliveLoad.ResponseReader reader(String responses) {
        return new KeepAliveLoad.ResponseReader(
                new ByteArrayInputStream(responses.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void readsConsecutiveResponsesFramedByLengthAndByChunks() throws IOException {
        KeepAliveLoad.ResponseReader reader = reader("HTTP/1.1 200 \r\nContent-Type: application/json\r\n"
                + "Content-Length: 5\r\n\r\nhello"
                + "HTTP/1.1 429 Too Many Requests\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\nconnection: Close\r\n\r\n");

        assertThat(reader.read()).isEqualTo(200);
        assertThat(reader.closing).isFalse();
        assertThat(reader.read()).isEqualTo(429);
        assertThat(reader.read()).isEqualTo(204);
        assertThat(reader.closing).isTrue();
    }

    @Test
    void headerNamesMatchWhateverTheirCase() throws IOException {
        KeepAliveLoad.ResponseReader reader =
                reader("HTTP/1.1 200 OK\r\nCONTENT-LENGTH: 2\r\n\r\nok" + "HTTP/1.1 201 \r\ncontent-length: 0\r\n\r\n");

        assertThat(reader.read()).isEqualTo(200);
        assertThat(reader.read()).isEqualTo(201);
    }

    @Test
    void aBodyBeyondTheBoundIsRefusedBeforeItIsRead() {
        KeepAliveLoad.ResponseReader reader = reader("HTTP/1.1 200 \r\nContent-Length: 99999999999\r\n\r\n");

        assertThatThrownBy(reader::read).isInstanceOf(IOException.class).hasMessageContaining("out of bounds");
    }

    @Test
    void aResponseCutShortIsAnError() {
        KeepAliveLoad.ResponseReader reader = reader("HTTP/1.1 200 \r\nContent-Length: 10\r\n\r\nabc");

        assertThatThrownBy(reader::read).isInstanceOf(IOException.class).hasMessageContaining("closed");
    }

    @Test
    void aResponseWithoutFramingIsAnError() {
        KeepAliveLoad.ResponseReader reader = reader("HTTP/1.1 200 \r\nContent-Type: text/plain\r\n\r\nabc");

        assertThatThrownBy(reader::read).isInstanceOf(IOException.class).hasMessageContaining("Content-Length");
    }

    @Test
    void anEndlessHeaderLineIsCutAtTheBound() {
        KeepAliveLoad.ResponseReader reader =
                reader("HTTP/1.1 200 \r\nX-Long: " + "a".repeat(KeepAliveLoad.MAX_HEAD_BYTES) + "\r\n\r\n");

        assertThatThrownBy(reader::read).isInstanceOf(IOException.class).hasMessageContaining("longer than");
    }
}
