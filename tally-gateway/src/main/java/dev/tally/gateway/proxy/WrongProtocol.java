package dev.tally.gateway.proxy;

import dev.tally.audit.entry.Protocol;
import dev.tally.gateway.config.GatewayConfig;
import java.util.Locale;

/**
 * The message for a call whose model is served by a provider of the other protocol (an OpenAI
 * model on {@code /v1/messages}, an Anthropic one on {@code /v1/chat/completions}). It names the
 * provider and, when no provider speaks the endpoint's protocol at all (the usual cause: only
 * {@code OPENAI_API_KEY} was set), says so and how to add one, rather than only pointing at the
 * other endpoint. Stateless.
 */
final class WrongProtocol {

    private WrongProtocol() {
    }

    /**
     * @param endpointServed whether any configured provider speaks {@code endpoint}'s protocol
     */
    static String message(String model, GatewayConfig.Provider provider, Endpoint endpoint, boolean endpointServed) {
        String wanted = name(endpoint.protocol());
        String other = provider.kind() == Protocol.ANTHROPIC ? "/v1/messages" : "/v1/chat/completions";
        String served = "model: '" + model + "' is served by provider '" + provider.name() + "' (kind "
                + name(provider.kind()) + ")";
        if (endpointServed) {
            return served + ", which " + endpoint.path() + " cannot call (expected: a model of an " + wanted
                    + " provider, or call " + other + " for this model)";
        }
        String variable = endpoint.protocol() == Protocol.ANTHROPIC ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY";
        return served + ", and no " + wanted + " provider is configured for " + endpoint.path()
                + " (expected: call " + other + " for this model, or add an " + wanted + " provider: set " + variable
                + " when the config file has no providers, or add {name: " + wanted + ", kind: " + wanted
                + ", api_key: ${" + variable + "}} under providers and route a model to it)";
    }

    private static String name(Protocol protocol) {
        return protocol.name().toLowerCase(Locale.ROOT);
    }
}
