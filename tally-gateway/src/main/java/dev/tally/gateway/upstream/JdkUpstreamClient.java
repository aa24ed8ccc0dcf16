package dev.tally.gateway.upstream;

import dev.tally.gateway.config.GatewayConfig.Provider;
import dev.tally.gateway.upstream.UpstreamTimeoutException.Which;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@link UpstreamClient} on the JDK's {@link HttpClient}: one pooled client per provider (the
 * connect timeout is a client setting), HTTP/2 over TLS when the provider offers it and HTTP/1.1
 * on plain http (no h2c upgrade dance), bodies streamed through {@link DeadlineBody}. The JDK
 * client turns Nagle off (TCP_NODELAY) on its sockets. Uses the provider's own secret:
 * {@code Authorization: Bearer} for OpenAI, {@code x-api-key} for Anthropic. Thread-safe.
 */
public final class JdkUpstreamClient implements UpstreamClient {

    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    @Override
    public UpstreamResponse send(UpstreamRequest request) throws IOException, InterruptedException {
        Provider provider = request.provider();
        URI uri = URI.create(provider.baseUrl() + request.path());
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(provider.timeouts().firstByte())
                .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()))
                .header("content-type", "application/json")
                .header("accept", request.stream() ? "text/event-stream" : "application/json");
        if ("http".equals(uri.getScheme())) {
            builder.version(HttpClient.Version.HTTP_1_1);
        }
        switch (provider.kind()) {
            case OPENAI -> builder.header("authorization", "Bearer " + provider.apiKey().reveal());
            case ANTHROPIC -> builder.header("x-api-key", provider.apiKey().reveal());
        }
        request.headers().forEach(builder::header);
        long deadline = System.nanoTime() + provider.timeouts().total().toNanos();
        HttpResponse<InputStream> response;
        try {
            response = client(provider).send(builder.build(),
                    info -> new DeadlineBody(provider.timeouts().idle(), deadline));
        } catch (HttpConnectTimeoutException e) {
            throw new UpstreamTimeoutException(Which.CONNECT, "could not connect to provider " + provider.name()
                    + " within " + provider.timeouts().connect().toMillis() + " ms (connect timeout)");
        } catch (HttpTimeoutException e) {
            throw new UpstreamTimeoutException(Which.FIRST_BYTE, "provider " + provider.name() + " sent no answer within "
                    + provider.timeouts().firstByte().toMillis() + " ms (first_byte timeout)");
        }
        return new JdkResponse(response);
    }

    private HttpClient client(Provider provider) {
        return clients.computeIfAbsent(provider.name(), name -> HttpClient.newBuilder()
                .connectTimeout(provider.timeouts().connect())
                .version(HttpClient.Version.HTTP_2)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build());
    }

    @Override
    public void close() {
        clients.values().forEach(HttpClient::close);
        executor.close();
    }

    private record JdkResponse(HttpResponse<InputStream> response, Map<String, List<String>> headers)
            implements UpstreamResponse {

        JdkResponse(HttpResponse<InputStream> response) {
            this(response, lowerCase(response.headers().map()));
        }

        private static Map<String, List<String>> lowerCase(Map<String, List<String>> raw) {
            Map<String, List<String>> out = new TreeMap<>();
            raw.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
            return out;
        }

        @Override
        public int status() {
            return response.statusCode();
        }

        @Override
        public InputStream body() {
            return response.body();
        }

        @Override
        public void close() {
            try {
                response.body().close();
            } catch (IOException ignored) {
                // DeadlineBody.close never throws; nothing more to stop
            }
        }
    }
}
