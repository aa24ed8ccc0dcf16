package dev.tally.gateway.upstream;

import dev.tally.gateway.config.GatewayConfig.Provider;
import java.util.Objects;

/**
 * One place a call can be served: a public model on a provider under the provider's model name.
 *
 * @param publicModel the configured public name (what prices are keyed by)
 * @param provider the provider
 * @param upstreamModel the name the provider knows the model by
 */
public record Target(String publicModel, Provider provider, String upstreamModel) {

    public Target {
        Objects.requireNonNull(publicModel, "public_model");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(upstreamModel, "upstream_model");
    }
}
