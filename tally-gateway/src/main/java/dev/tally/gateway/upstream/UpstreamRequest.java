package dev.tally.gateway.upstream;

import dev.tally.gateway.config.GatewayConfig.Provider;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request to a provider, ready to send: the body already names the upstream model.
 *
 * @param provider where to send it (base URL, secret, timeouts)
 * @param path appended to the provider's base URL, e.g. {@code /chat/completions}
 * @param body the JSON body
 * @param headers extra headers (e.g. {@code anthropic-version}); never the client's credentials
 * @param stream whether the response is an event stream
 */
public record UpstreamRequest(Provider provider, String path, byte[] body, Map<String, String> headers, boolean stream) {

    public UpstreamRequest {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(body, "body");
        headers = Map.copyOf(headers);
    }
}
