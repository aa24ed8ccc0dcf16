package dev.tally.gateway.usage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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

    /**
     * Reads a Chat Completions or Completions answer in one pass, without building its tree:
     * only {@code model}, each choice's {@code finish_reason} and tool names, and the
     * {@code usage} object are looked at; message texts are skipped, not copied. Returns null
     * whenever that does not suffice and the caller must {@link #read(Endpoint, JsonNode) read
     * the tree}: the body is not a JSON object or not valid, {@code choices} or a choice's
     * {@code tool_calls} has an unexpected shape, or the usage is missing, incomplete or
     * inconsistent (the text is then needed to count tokens). When it returns an answer, it is the
     * one {@code read} gives, except that its text is empty (nothing needs it: the usage is known).
     */
    public static Answer readChatReported(ObjectMapper mapper, byte[] body) {
        try (JsonParser p = mapper.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String model = null;
            String finish = null;
            List<String> tools = new ArrayList<>();
            JsonNode usage = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "model" -> model = stringOrSkip(p, value);
                    case "usage" -> {
                        usage = value == JsonToken.START_OBJECT ? p.readValueAsTree() : null;
                        p.skipChildren(); // a no-op after the tree was read; skips a non-object
                    }
                    case "choices" -> {
                        if (value != JsonToken.START_ARRAY) {
                            return null;
                        }
                        // a repeated key replaces the earlier one, as in the tree
                        finish = null;
                        tools.clear();
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            if (p.currentToken() != JsonToken.START_OBJECT) {
                                return null;
                            }
                            ChoiceFacts facts = choice(p, finish, tools);
                            if (facts == null) {
                                return null;
                            }
                            finish = facts.finish();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (usage == null) {
                return null;
            }
            TokenUsage reported = UsageFields.openAiChat(usage);
            return reported.totalsKnown() ? new Answer(reported, model, finish, tools, "") : null;
        } catch (IOException | IllegalArgumentException notSimple) {
            return null;
        }
    }

    private record ChoiceFacts(String finish) {
    }

    /** One choice object (the parser on its START_OBJECT), or null when its shape needs the tree. */
    private static ChoiceFacts choice(JsonParser p, String finish, List<String> tools) throws IOException {
        String own = null; // the choice's last finish_reason when textual, as the tree's get() sees it
        List<String> names = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("finish_reason")) {
                own = value == JsonToken.VALUE_STRING ? p.getText() : null;
                p.skipChildren();
            } else if (field.equals("message") && value == JsonToken.START_OBJECT) {
                names = new ArrayList<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String messageField = p.currentName();
                    JsonToken messageValue = p.nextToken();
                    if (messageField.equals("tool_calls")) {
                        names.clear(); // a repeated key replaces the earlier one
                        if (messageValue == JsonToken.START_ARRAY) {
                            if (!toolNames(p, names)) {
                                return null;
                            }
                        } else if (messageValue != JsonToken.VALUE_NULL) {
                            return null;
                        }
                    } else {
                        p.skipChildren();
                    }
                }
            } else if (field.equals("message")) {
                return null; // a repeated or non-object message: leave it to the tree
            } else {
                p.skipChildren();
            }
        }
        if (names != null) {
            tools.addAll(names);
        }
        return new ChoiceFacts(own != null ? own : finish);
    }

    /** The function names of a {@code tool_calls} array (the parser on its START_ARRAY); false when its shape needs the tree. */
    private static boolean toolNames(JsonParser p, List<String> names) throws IOException {
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                return false;
            }
            String name = null;
            boolean seenFunction = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("function") && value == JsonToken.START_OBJECT && !seenFunction) {
                    seenFunction = true;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String functionField = p.currentName();
                        JsonToken functionValue = p.nextToken();
                        if (functionField.equals("name")) {
                            name = functionValue == JsonToken.VALUE_STRING ? p.getText() : null;
                        } else {
                            p.skipChildren();
                        }
                    }
                } else if (field.equals("function")) {
                    return false;
                } else {
                    p.skipChildren();
                }
            }
            if (name != null && !name.isEmpty()) {
                names.add(name);
            }
        }
        return true;
    }

    /** The value's text when it is a string, else null (a container is skipped). */
    private static String stringOrSkip(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        return null;
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
