package dev.tally.gateway.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.entry.Protocol;
import dev.tally.gateway.json.GatewayJson;
import java.nio.charset.StandardCharsets;

/**
 * Error bodies in each protocol's own shape (WIRE.md), so SDKs raise their usual exceptions:
 * OpenAI {@code {"error":{"message","type","param","code"}}}, Anthropic
 * {@code {"type":"error","error":{"type","message"}}}; and the mid-stream error events that end
 * a broken stream. Stateless.
 */
public final class ErrorBody {

    private static final ObjectMapper MAPPER = GatewayJson.newMapper();

    private ErrorBody() {
    }

    /** The error JSON for {@code protocol} and a catalogued {@code code}. */
    public static byte[] json(Protocol protocol, ErrorCode code, String message, String param) {
        return json(protocol, code.httpStatus(), code.code(), message, param);
    }

    /** The error JSON for {@code protocol}; {@code code} is a catalogued code string. */
    static byte[] json(Protocol protocol, int httpStatus, String code, String message, String param) {
        ObjectNode root = MAPPER.createObjectNode();
        switch (protocol) {
            case OPENAI -> {
                ObjectNode error = root.putObject("error");
                error.put("message", message);
                error.put("type", openAiType(httpStatus));
                if (param == null) {
                    error.putNull("param");
                } else {
                    error.put("param", param);
                }
                error.put("code", code);
            }
            case ANTHROPIC -> {
                root.put("type", "error");
                ObjectNode error = root.putObject("error");
                error.put("type", anthropicType(httpStatus));
                error.put("message", message);
            }
        }
        return bytes(root);
    }

    /**
     * The SSE event that ends a stream which broke off: OpenAI chat and completions get a
     * {@code data:} error object, Responses an {@code error} event, Anthropic an {@code error} event.
     */
    public static byte[] streamEvent(Endpoint endpoint, String code, String message) {
        ObjectNode root = MAPPER.createObjectNode();
        String text = switch (endpoint) {
            case RESPONSE -> {
                root.put("type", "error");
                root.put("code", code);
                root.put("message", message);
                root.putNull("param");
                yield "event: error\ndata: " + new String(bytes(root), StandardCharsets.UTF_8) + "\n\n";
            }
            case MESSAGE -> {
                root.put("type", "error");
                ObjectNode error = root.putObject("error");
                error.put("type", "api_error");
                error.put("message", message);
                yield "event: error\ndata: " + new String(bytes(root), StandardCharsets.UTF_8) + "\n\n";
            }
            case CHAT, COMPLETION, EMBEDDING -> {
                ObjectNode error = root.putObject("error");
                error.put("message", message);
                error.put("type", "server_error");
                error.putNull("param");
                error.put("code", code);
                yield "data: " + new String(bytes(root), StandardCharsets.UTF_8) + "\n\n";
            }
        };
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String openAiType(int status) {
        return ErrorCode.openAiType(status);
    }

    static String anthropicType(int status) {
        return ErrorCode.anthropicType(status);
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot happen: writing a tree of strings", e);
        }
    }
}
