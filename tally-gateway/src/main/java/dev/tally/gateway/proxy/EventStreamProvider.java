package dev.tally.gateway.proxy;

import io.helidon.common.GenericType;
import io.helidon.common.media.type.MediaType;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http.spi.Sink;
import io.helidon.webserver.http.spi.SinkProvider;
import io.helidon.webserver.http.spi.SinkProviderContext;
import java.util.function.BiConsumer;

/**
 * Opens an {@link EventStream}: takes the response's body stream, then sends the status line
 * and headers at once. Found by Helidon through {@code META-INF/services}; stateless.
 */
public final class EventStreamProvider implements SinkProvider<byte[]> {

    @Override
    public boolean supports(GenericType<? extends Sink<?>> type, ServerRequest request) {
        return type.rawType() == EventStream.class;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <X extends Sink<byte[]>> X create(SinkProviderContext context) {
        EventStream stream = new EventStream(context.serverResponse().outputStream());
        context.flushHeaders(); // needs the body stream taken first: it flushes that stream's headers
        return (X) stream;
    }

    /**
     * Only called by a server without {@link #create(SinkProviderContext)}: the stream then
     * works all the same, its headers going out with the first event.
     */
    @Override
    @Deprecated(since = "4.1.2", forRemoval = true)
    @SuppressWarnings({"unchecked", "removal"})
    public <X extends Sink<byte[]>> X create(ServerResponse response, BiConsumer<Object, MediaType> eventConsumer,
            Runnable closeRunnable) {
        return (X) new EventStream(response.outputStream());
    }
}
