package dev.tally.gateway.upstream;

import java.io.IOException;

/**
 * Sends one request to a provider. Kept behind this small interface so a faster client can
 * replace the JDK one if the benchmark asks for it. Implementations are thread-safe.
 */
public interface UpstreamClient extends AutoCloseable {

    /**
     * Sends {@code request} and returns once the response headers have arrived (the body is then
     * read from the returned response). Blocking; call it on a virtual thread.
     *
     * @throws java.net.ConnectException when the provider cannot be reached
     * @throws UpstreamTimeoutException when the connect or first-byte timeout passes
     * @throws IOException on any other transport failure
     */
    UpstreamResponse send(UpstreamRequest request) throws IOException, InterruptedException;

    @Override
    void close();
}
