package dev.tally.gateway.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.gateway.proxy.Endpoint;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The tee forwards each event as it is, hides only the usage chunk the gateway asked for, and observes all. */
class SseTeeTest {

    private static final String HELLO = "data: {\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"content\":\"Hello\"},\"finish_reason\":null}]}\n\n";
    private static final String WORLD = "data: {\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"content\":\" world\"},\"finish_reason\":\"stop\"}]}\n\n";
    private static final String USAGE = "data: {\"id\":\"c1\",\"model\":\"m\",\"choices\":[],"
            + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}\n\n";
    private static final String DONE = "data: [DONE]\n\n";

    @Test
    void every_event_is_forwarded_byte_for_byte_and_observed() {
        ByteArrayOutputStream client = new ByteArrayOutputStream();
        StreamObserver observer = StreamObserver.of(Endpoint.CHAT, false);
        SseTee tee = tee(HELLO + WORLD + USAGE + DONE, client, observer);

        assertThat(tee.run()).isInstanceOf(TeeEnd.Completed.class);

        assertThat(client.toString(StandardCharsets.UTF_8)).isEqualTo(HELLO + WORLD + USAGE + DONE);
        assertThat(tee.forwardedBytes()).isEqualTo(client.size());
        assertThat(tee.firstContentNanos()).isPositive();
        assertThat(observer.outputText().toString()).isEqualTo("Hello world");
        assertThat(observer.usage().output()).isEqualTo(2L);
    }

    @Test
    void the_usage_chunk_the_gateway_added_is_read_and_not_forwarded() {
        ByteArrayOutputStream client = new ByteArrayOutputStream();
        StreamObserver observer = StreamObserver.of(Endpoint.CHAT, true);
        SseTee tee = tee(HELLO + WORLD + USAGE + DONE, client, observer);

        assertThat(tee.run()).isInstanceOf(TeeEnd.Completed.class);

        assertThat(client.toString(StandardCharsets.UTF_8)).isEqualTo(HELLO + WORLD + DONE);
        assertThat(observer.usage().input()).isEqualTo(3L);
    }

    @Test
    void an_event_the_client_did_not_take_is_still_counted_as_generated() {
        // the first event goes through, the second write fails: the client has gone
        OutputStream client = new OutputStream() {
            private int writes;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (++writes > 1) {
                    throw new IOException("broken pipe");
                }
            }
        };
        StreamObserver observer = StreamObserver.of(Endpoint.CHAT, false);
        SseTee tee = tee(HELLO + WORLD + USAGE + DONE, client, observer);

        assertThat(tee.run()).isInstanceOf(TeeEnd.ClientGone.class);

        assertThat(tee.forwardedBytes()).isEqualTo(HELLO.getBytes(StandardCharsets.UTF_8).length);
        assertThat(observer.outputText().toString()).isEqualTo("Hello world");
    }

    private static SseTee tee(String stream, OutputStream client, StreamObserver observer) {
        return new SseTee(new SseReader(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8))), client,
                observer);
    }
}
