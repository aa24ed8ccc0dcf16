package dev.tally.gateway.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The SSE reader keeps each event's exact bytes and parses fields per the SSE rules. */
class SseReaderTest {

    @Test
    void events_keep_their_exact_bytes_and_fields_across_line_endings() throws IOException {
        String lf = "event: message_start\ndata: {\"a\":1}\n\n";
        String crlf = "data: first\r\ndata: second\r\n\r\n";
        String cr = ": comment\rdata:no-space\r\r";
        SseReader reader = reader(lf + crlf + cr);

        SseEvent one = reader.next();
        SseEvent two = reader.next();
        SseEvent three = reader.next();

        assertThat(one.event()).isEqualTo("message_start");
        assertThat(one.data()).isEqualTo("{\"a\":1}");
        assertThat(new String(one.raw(), StandardCharsets.UTF_8)).isEqualTo(lf);
        assertThat(two.data()).isEqualTo("first\nsecond");
        assertThat(new String(two.raw(), StandardCharsets.UTF_8)).isEqualTo(crlf);
        assertThat(three.data()).isEqualTo("no-space");
        assertThat(new String(three.raw(), StandardCharsets.UTF_8)).isEqualTo(cr);
        assertThat(reader.next()).isNull();
        assertThat(reader.truncated()).isFalse();
    }

    @Test
    void events_split_across_reads_are_reassembled() throws IOException {
        byte[] bytes = "data: {\"choices\":[]}\n\ndata: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);
        InputStream trickle = new InputStream() {
            private int i;

            @Override
            public int read() {
                return i < bytes.length ? bytes[i++] & 0xFF : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (i >= bytes.length) {
                    return -1;
                }
                b[off] = bytes[i++];
                return 1;
            }
        };
        SseReader reader = new SseReader(trickle);

        assertThat(reader.next().data()).isEqualTo("{\"choices\":[]}");
        assertThat(reader.next().data()).isEqualTo("[DONE]");
        assertThat(reader.next()).isNull();
        assertThat(reader.bytesRead()).isEqualTo(bytes.length);
    }

    @Test
    void a_body_that_ends_inside_an_event_is_truncated() throws IOException {
        SseReader reader = reader("data: complete\n\ndata: {\"partial\":");

        assertThat(reader.next().data()).isEqualTo("complete");
        assertThat(reader.next()).isNull();
        assertThat(reader.truncated()).isTrue();
    }

    @Test
    void utf8_split_over_chunks_stays_intact() throws IOException {
        SseReader reader = reader("data: {\"content\":\"héllo 世界 🎉\"}\n\n");

        assertThat(reader.next().data()).isEqualTo("{\"content\":\"héllo 世界 🎉\"}");
    }

    private static SseReader reader(String text) {
        return new SseReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }
}
