package dev.tally.gateway.fake;

import java.util.ArrayList;
import java.util.List;

/**
 * Provider answers exactly as WIRE.md describes them, for the fake provider's scripts.
 * OpenAI chat (JSON and chunks), embeddings, Responses (JSON and typed events), Anthropic
 * Messages (JSON and events). Stateless.
 */
public final class Wire {

    private Wire() {
    }

    // ---- OpenAI chat ----

    public static String chatCompletion(String model, String content, long prompt, long completion, long cached, long reasoning) {
        return """
                {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"%s",\
                "choices":[{"index":0,"message":{"role":"assistant","content":"%s"},"logprobs":null,"finish_reason":"stop"}],\
                "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d,\
                "prompt_tokens_details":{"cached_tokens":%d},"completion_tokens_details":{"reasoning_tokens":%d}}}"""
                .formatted(model, content, prompt, completion, prompt + completion, cached, reasoning);
    }

    public static String chatCompletionWithoutUsage(String model, String content) {
        return """
                {"id":"chatcmpl-2","object":"chat.completion","created":1700000000,"model":"%s",\
                "choices":[{"index":0,"message":{"role":"assistant","content":"%s"},"finish_reason":"stop"}]}"""
                .formatted(model, content);
    }

    public static String chatToolCall(String model, String tool, String arguments, long prompt, long completion) {
        return """
                {"id":"chatcmpl-3","object":"chat.completion","created":1700000000,"model":"%s",\
                "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",\
                "function":{"name":"%s","arguments":%s}}]},"finish_reason":"tool_calls"}],\
                "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}"""
                .formatted(model, tool, quote(arguments), prompt, completion, prompt + completion);
    }

    public static String openAiError(String message, String type, String code) {
        return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type + "\",\"param\":null,\"code\":"
                + (code == null ? "null" : "\"" + code + "\"") + "}}";
    }

    /** A streamed chat: role chunk, one chunk per piece, finish chunk, optional usage chunk, optional [DONE]. */
    public static List<String> chatStream(String model, List<String> pieces, Long prompt, Long completion, boolean done) {
        List<String> events = new ArrayList<>();
        events.add(chunk(model, "{\"role\":\"assistant\",\"content\":\"\"}", null, prompt != null));
        for (String piece : pieces) {
            events.add(chunk(model, "{\"content\":\"" + piece + "\"}", null, prompt != null));
        }
        if (done) {
            events.add(chunk(model, "{}", "stop", prompt != null));
            if (prompt != null) {
                events.add("data: {\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\""
                        + model + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion
                        + ",\"total_tokens\":" + (prompt + completion) + ",\"prompt_tokens_details\":{\"cached_tokens\":0},"
                        + "\"completion_tokens_details\":{\"reasoning_tokens\":0}}}\n\n");
            }
            events.add("data: [DONE]\n\n");
        }
        return events;
    }

    /** A streamed tool call: name in the first fragment, arguments in pieces. */
    public static List<String> chatToolStream(String model, String tool, List<String> argumentPieces, long prompt, long completion) {
        List<String> events = new ArrayList<>();
        events.add(chunk(model, "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"" + tool + "\",\"arguments\":\"\"}}]}", null, true));
        for (String piece : argumentPieces) {
            events.add(chunk(model, "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":" + quote(piece) + "}}]}", null, true));
        }
        events.add(chunk(model, "{}", "tool_calls", true));
        events.add("data: {\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"" + model
                + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion
                + ",\"total_tokens\":" + (prompt + completion) + "}}\n\n");
        events.add("data: [DONE]\n\n");
        return events;
    }

    private static String chunk(String model, String delta, String finish, boolean usageNull) {
        return "data: {\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"" + model
                + "\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":"
                + (finish == null ? "null" : "\"" + finish + "\"") + "}]" + (usageNull ? ",\"usage\":null" : "") + "}\n\n";
    }

    // ---- OpenAI embeddings ----

    public static String embeddings(String model, long prompt) {
        return """
                {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,-0.2,0.3]}],"model":"%s",\
                "usage":{"prompt_tokens":%d,"total_tokens":%d}}""".formatted(model, prompt, prompt);
    }

    // ---- OpenAI Responses ----

    public static String response(String model, String text, long input, long cached, long output, long reasoning) {
        return """
                {"id":"resp_1","object":"response","created_at":1700000000,"status":"completed","model":"%s",\
                "output":[{"type":"message","id":"msg_1","status":"completed","role":"assistant",\
                "content":[{"type":"output_text","text":"%s","annotations":[]}]}],\
                "parallel_tool_calls":true,"tool_choice":"auto","tools":[],\
                "usage":{"input_tokens":%d,"input_tokens_details":{"cached_tokens":%d},"output_tokens":%d,\
                "output_tokens_details":{"reasoning_tokens":%d},"total_tokens":%d}}"""
                .formatted(model, text, input, cached, output, reasoning, input + output);
    }

    public static List<String> responseStream(String model, List<String> pieces, long input, long output) {
        List<String> events = new ArrayList<>();
        String created = "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1700000000,\"status\":\"in_progress\",\"model\":\""
                + model + "\",\"output\":[],\"parallel_tool_calls\":true,\"tool_choice\":\"auto\",\"tools\":[]}";
        events.add(typed("response.created", "{\"type\":\"response.created\",\"sequence_number\":0,\"response\":" + created + "}"));
        int seq = 1;
        for (String piece : pieces) {
            events.add(typed("response.output_text.delta", "{\"type\":\"response.output_text.delta\",\"sequence_number\":" + seq++
                    + ",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"" + piece + "\",\"logprobs\":[]}"));
        }
        String done = "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1700000000,\"status\":\"completed\",\"model\":\""
                + model + "\",\"output\":[{\"type\":\"message\",\"id\":\"msg_1\",\"status\":\"completed\",\"role\":\"assistant\","
                + "\"content\":[{\"type\":\"output_text\",\"text\":\"" + String.join("", pieces) + "\",\"annotations\":[]}]}],"
                + "\"parallel_tool_calls\":true,\"tool_choice\":\"auto\",\"tools\":[],"
                + "\"usage\":{\"input_tokens\":" + input + ",\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":" + output
                + ",\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":" + (input + output) + "}}";
        events.add(typed("response.completed", "{\"type\":\"response.completed\",\"sequence_number\":" + seq + ",\"response\":" + done + "}"));
        return events;
    }

    // ---- Anthropic ----

    public static String message(String model, String text, long input, long output, long cacheWrite, long cacheRead) {
        return """
                {"id":"msg_1","type":"message","role":"assistant","model":"%s",\
                "content":[{"type":"text","text":"%s"}],"stop_reason":"end_turn","stop_sequence":null,\
                "usage":{"input_tokens":%d,"output_tokens":%d,"cache_creation_input_tokens":%d,"cache_read_input_tokens":%d}}"""
                .formatted(model, text, input, output, cacheWrite, cacheRead);
    }

    public static String anthropicError(String type, String message) {
        return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"}}";
    }

    /** message_start … message_stop; {@code complete=false} stops after the text deltas (a break-off). */
    public static List<String> messageStream(String model, List<String> pieces, long input, long output, long cacheWrite,
            long cacheRead, boolean complete) {
        List<String> events = new ArrayList<>();
        events.add(typed("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"model\":\"" + model + "\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":" + input + ",\"output_tokens\":1,\"cache_creation_input_tokens\":" + cacheWrite
                + ",\"cache_read_input_tokens\":" + cacheRead + "}}}"));
        events.add(typed("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        events.add(typed("ping", "{\"type\":\"ping\"}"));
        for (String piece : pieces) {
            events.add(typed("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\""
                    + piece + "\"}}"));
        }
        if (complete) {
            events.add(typed("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
            events.add(typed("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
                    + "\"usage\":{\"output_tokens\":" + output + "}}"));
            events.add(typed("message_stop", "{\"type\":\"message_stop\"}"));
        }
        return events;
    }

    public static String typed(String event, String data) {
        return "event: " + event + "\ndata: " + data + "\n\n";
    }

    static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
