package dev.tally.gateway.usage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
                    usage = UsageFields.openAiChat(u, UsageFields.tier(body.get("service_tier")));
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
                    usage = UsageFields.openAiResponses(u, UsageFields.tier(body.get("service_tier")));
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
            String tier = null;
            String finish = null;
            List<String> tools = new ArrayList<>();
            TokenUsage usage = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "model" -> model = stringOrSkip(p, value);
                    case "service_tier" -> tier = UsageFields.tier(stringOrSkip(p, value));
                    case "usage" -> {
                        if (value == JsonToken.START_OBJECT) {
                            usage = chatUsage(p);
                            if (usage == null) {
                                return null;
                            }
                        } else {
                            usage = null;
                            p.skipChildren();
                        }
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
            return usage != null && usage.totalsKnown() ? new Answer(usage.withServiceTier(tier), model, finish, tools, "") : null;
        } catch (IOException | IllegalArgumentException notSimple) {
            return null;
        }
    }

    /**
     * A chat {@code usage} object (the parser on its START_OBJECT) read as
     * {@link UsageFields#openAiChat} reads its tree (a repeated key: the last one; a value that is
     * not a non-negative integer: unknown), or null when a number is too large for that to be sure.
     */
    private static TokenUsage chatUsage(JsonParser p) throws IOException {
        Long prompt = null;
        Long completion = null;
        Long[] in = new Long[3]; // cached, audio, image
        Long[] out = new Long[2]; // reasoning, audio
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "prompt_tokens" -> prompt = count(p, value);
                case "completion_tokens" -> completion = count(p, value);
                case "prompt_tokens_details" -> details(p, value, in, "cached_tokens", "audio_tokens", "image_tokens");
                case "completion_tokens_details" -> details(p, value, out, "reasoning_tokens", "audio_tokens");
                default -> p.skipChildren();
            }
        }
        for (Long n : new Long[] {prompt, completion, in[0], in[1], in[2], out[0], out[1]}) {
            if (n == TOO_LARGE) {
                return null;
            }
        }
        // The tree reader's rules for the parts, so both paths give one usage.
        ObjectNode usage = JsonNodeFactory.instance.objectNode();
        put(usage, "prompt_tokens", prompt);
        put(usage, "completion_tokens", completion);
        ObjectNode inDetails = usage.putObject("prompt_tokens_details");
        put(inDetails, "cached_tokens", in[0]);
        put(inDetails, "audio_tokens", in[1]);
        put(inDetails, "image_tokens", in[2]);
        ObjectNode outDetails = usage.putObject("completion_tokens_details");
        put(outDetails, "reasoning_tokens", out[0]);
        put(outDetails, "audio_tokens", out[1]);
        return UsageFields.openAiChat(usage, null);
    }

    /** Reads the wanted counts of a details object into {@code into} (a details value that is not an object: all unknown). */
    private static void details(JsonParser p, JsonToken value, Long[] into, String... wanted) throws IOException {
        java.util.Arrays.fill(into, null); // a repeated key replaces the earlier one
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            Long n = count(p, p.nextToken());
            for (int i = 0; i < wanted.length; i++) {
                if (wanted[i].equals(name)) {
                    into[i] = n;
                }
            }
        }
    }

    private static void put(ObjectNode node, String name, Long value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    /** Marks a number {@link #count} leaves to the tree. */
    private static final Long TOO_LARGE = Long.valueOf(Long.MIN_VALUE);

    /** A non-negative integer's value, null for anything else (a container is skipped), {@link #TOO_LARGE} past a long. */
    private static Long count(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NUMBER_INT) {
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                return TOO_LARGE;
            }
            long n = p.getLongValue();
            return n >= 0 ? n : null;
        }
        p.skipChildren();
        return null;
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
