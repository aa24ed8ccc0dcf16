package dev.tally.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.audit.entry.Protocol;
import dev.tally.gateway.config.GatewayConfig.Provider;
import dev.tally.gateway.json.GatewayJson;
import java.io.IOException;

/**
 * Turns a provider's error answer into the record's error code and message: OpenAI
 * {@code error.code} (else {@code error.type}), Anthropic {@code error.type}; the message is
 * clipped and scrubbed of the provider's own key, should the provider echo it. Stateless.
 */
final class ProviderError {

    private static final ObjectMapper MAPPER = GatewayJson.newMapper();
    private static final int MAX_MESSAGE = 500;

    private ProviderError() {
    }

    static CallEnd.Failed of(Protocol protocol, int status, byte[] body, Provider provider) {
        String code = "upstream_http_" + status;
        String message = "provider " + provider.name() + " answered HTTP " + status;
        try {
            JsonNode error = MAPPER.readTree(body).path("error");
            JsonNode codeNode = switch (protocol) {
                case OPENAI -> error.hasNonNull("code") && error.get("code").isTextual() ? error.get("code") : error.get("type");
                case ANTHROPIC -> error.get("type");
            };
            if (codeNode != null && codeNode.isTextual() && !codeNode.asText().isBlank()) {
                code = codeNode.asText();
            }
            if (error.path("message").isTextual()) {
                message = error.get("message").asText();
            }
        } catch (IOException notJson) {
            // keep the generic code and message
        }
        return new CallEnd.Failed(status, code, scrub(message, provider));
    }

    static String scrub(String message, Provider provider) {
        String secret = provider.apiKey().reveal();
        String out = secret.length() >= 8 ? message.replace(secret, "****") : message;
        return out.length() > MAX_MESSAGE ? out.substring(0, MAX_MESSAGE) + "..." : out;
    }
}
