package dev.tally.gateway.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A provider's answer whose headers have arrived; the body is read as it comes. Reads throw
 * {@link UpstreamTimeoutException} when the idle or total timeout passes. {@link #close()}
 * cancels the exchange at once (used when the client goes away). Not thread-safe: one reader,
 * though {@code close} may be called from any thread.
 */
public interface UpstreamResponse extends AutoCloseable {

    int status();

    /** Response headers, names in lower case. */
    Map<String, List<String>> headers();

    default Optional<String> header(String name) {
        List<String> values = headers().get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** The body, read as it arrives. */
    InputStream body();

    /** Reads the rest of the body (used for JSON answers and error bodies). */
    default byte[] readAll() throws IOException {
        return body().readAllBytes();
    }

    /** Stops the exchange; idempotent, never throws. */
    @Override
    void close();
}
