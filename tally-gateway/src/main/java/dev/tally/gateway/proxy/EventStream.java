package dev.tally.gateway.proxy;

import io.helidon.common.GenericType;
import io.helidon.webserver.http.spi.Sink;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The client's side of a streamed answer, opened with {@code response.sink(EventStream.TYPE)}:
 * the status line and headers are sent the moment it opens, so the client has them while the
 * provider's first event is still on its way, and that event then goes out alone as the first
 * chunk. (A plain response stream sends the headers only with its first flushed bytes, in a
 * write of their own, which puts them on the path of the first token.) Helidon's sink SPI is
 * the public way to send a response's headers early; {@link EventStreamProvider} is the
 * provider. Not thread-safe: used by the call's thread.
 */
public final class EventStream implements Sink<byte[]> {

    /** The type to ask the response for. */
    public static final GenericType<EventStream> TYPE = GenericType.create(EventStream.class);

    private final OutputStream body;

    EventStream(OutputStream body) {
        this.body = body;
    }

    /** The response body; what is written to it reaches the client on each flush. */
    public OutputStream body() {
        return body;
    }

    /** Writes one whole event and flushes it to the client. */
    @Override
    public EventStream emit(byte[] event) {
        try {
            body.write(event);
            body.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Ends the response (its terminating chunk). */
    @Override
    public void close() throws IOException {
        body.close();
    }
}
