package dev.tally.gateway.upstream;

import java.io.IOException;

/**
 * Sends each request with the client its provider's {@code http_client} names:
 * {@link SocketUpstreamClient} ({@code socket}, the default) or {@link JdkUpstreamClient}
 * ({@code jdk}, for HTTP/2). The JDK client is only created when a provider asks for it.
 * Thread-safe.
 */
public final class ProviderUpstreamClient implements UpstreamClient {

    private final SocketUpstreamClient socket;
    private volatile JdkUpstreamClient jdk;
    private boolean closed; // guarded by this

    public ProviderUpstreamClient(SocketUpstreamClient socket) {
        this.socket = socket;
    }

    @Override
    public UpstreamResponse send(UpstreamRequest request) throws IOException, InterruptedException {
        return switch (request.provider().httpClient()) {
            case SOCKET -> socket.send(request);
            case JDK -> jdk().send(request);
        };
    }

    private JdkUpstreamClient jdk() throws IOException {
        JdkUpstreamClient client = jdk;
        if (client != null) {
            return client;
        }
        synchronized (this) {
            if (closed) {
                throw new IOException("the upstream client is closed");
            }
            if (jdk == null) {
                jdk = new JdkUpstreamClient();
            }
            return jdk;
        }
    }

    @Override
    public void close() {
        socket.close();
        synchronized (this) {
            closed = true;
            if (jdk != null) {
                jdk.close();
            }
        }
    }
}
