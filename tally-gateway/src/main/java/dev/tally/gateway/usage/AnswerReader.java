package dev.tally.gateway.usage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.pricing.TokenUsage;
import dev.tally.gateway.proxy.Endpoint;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads usage, served model, finish reason and tool calls from a non-streamed answer, per the
 * wire formats in WIRE.md, normalising tokens through {@link TokenUsage}'s factories (Anthropic
 * cache tokens are added into the input total there). Stateless, thread-safe.
 */
public final class AnswerReader {

    private AnswerReader() {
    }

    /** Reads a parsed JSON answer of {@code endpoint}. */
    public static Answer read(Endpoint endpoint, JsonNode body) {
        JsonNode u = body.get("usage");
        List<String> tools = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        String finish = null;
        TokenUsage usage = null;
        switch (endpoint) {
            case CHAT, COMPLETION -> {
                for (JsonNode choice : body.path("choices")) {
                    finish = textOr(choice.get("finish_reason"), finish);
                    JsonNode message = choice.path("message");
                    appendText(message.get("content"), text);
                    appendText(choice.get("text"), text);
                    for (JsonNode call : message.path("tool_calls")) {
                        addName(call.path("function").get("name"), tools);
                        appendText(call.path("function").get("arguments"), text);
                    }
                }
                if (hasUsage(u)) {
                    usage = UsageFields.openAiChat(u);
                }
            }
            case EMBEDDING -> {
                if (hasUsage(u)) {
                    usage = TokenUsage.fromOpenAiEmbeddings(UsageFields.number(u.get("prompt_tokens")));
                }
            }
            case RESPONSE -> {
                finish = textOr(body.get("status"), null);
                for (JsonNode item : body.path("output")) {
                    if ("function_call".equals(item.path("type").asText())) {
                        addName(item.get("name"), tools);
                        appendText(item.get("arguments"), text);
                    }
                    for (JsonNode part : item.path("content")) {
                        appendText(part.get("text"), text);
                    }
                }
                if (hasUsage(u)) {
                    usage = UsageFields.openAiResponses(u);
                }
            }
            case MESSAGE -> {
                finish = textOr(body.get("stop_reason"), null);
                for (JsonNode block : body.path("content")) {
                    if ("tool_use".equals(block.path("type").asText())) {
                        addName(block.get("name"), tools);
                        appendText(block.get("input"), text);
                    }
                    appendText(block.get("text"), text);
                }
                if (hasUsage(u)) {
                    usage = UsageFields.anthropic(u, null);
                }
            }
        }
        return new Answer(usage, textOr(body.get("model"), null), finish, tools, text.toString());
    }

    private static boolean hasUsage(JsonNode usage) {
        return usage != null && usage.isObject();
    }

    static String textOr(JsonNode node, String fallback) {
        return node != null && node.isTextual() ? node.asText() : fallback;
    }

    static void addName(JsonNode name, List<String> tools) {
        if (name != null && name.isTextual() && !name.asText().isEmpty()) {
            tools.add(name.asText());
        }
    }

    static void appendText(JsonNode node, StringBuilder out) {
        if (node == null || node.isNull()) {
            return;
        }
        out.append(node.isTextual() ? node.asText() : node.toString());
    }
}
