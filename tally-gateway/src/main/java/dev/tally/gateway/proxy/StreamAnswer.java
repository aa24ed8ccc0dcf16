package dev.tally.gateway.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.gateway.json.GatewayJson;
import dev.tally.gateway.stream.StreamObserver;

/**
 * What a streamed answer's payload keeps: not the events (the stream is never buffered before the
 * client), but what the observer gathered as they passed, as one JSON object
 * {@code {"stream":true,"text":…,"tool_calls":[…],"finish_reason":…}}; {@code text} holds the
 * generated text and tool-call arguments in arrival order. Stateless.
 */
final class StreamAnswer {

    private static final ObjectMapper MAPPER = GatewayJson.newMapper();

    private StreamAnswer() {
    }

    static byte[] assemble(StreamObserver observer) {
        ObjectNode answer = MAPPER.createObjectNode();
        answer.put("stream", true);
        answer.put("text", observer.outputText().toString());
        observer.toolCalls().forEach(answer.putArray("tool_calls")::add);
        if (observer.finishReason() != null) {
            answer.put("finish_reason", observer.finishReason());
        }
        try {
            return MAPPER.writeValueAsBytes(answer);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serialises", e);
        }
    }
}
