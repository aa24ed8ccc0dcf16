package dev.tally.gateway.proxy;

import static dev.tally.gateway.fake.FakeProvider.sse;
import static dev.tally.gateway.fake.Wire.typed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.entry.PayloadMode;
import dev.tally.audit.store.StoredPayload;
import dev.tally.gateway.fake.FakeProvider;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Payloads of streamed Responses and Anthropic Messages: the assembled text, tool calls and finish
 * reason are kept under {@code full} and {@code redacted}, while each event still reaches the
 * client before the provider sends the next (the stream is never buffered to keep it).
 */
class PayloadStreamTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RESPONSES_REQUEST = "{\"model\":\"gpt-4o\",\"stream\":true,\"input\":\"Weather in Paris?\"}";
    private static final String MESSAGES_REQUEST = "{\"model\":\"claude-sonnet\",\"stream\":true,\"max_tokens\":50,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]}";

    @TempDir
    Path dir;

    private GatewayFixture gw;

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** A Responses stream: text, then a function call with its arguments in two pieces, then response.completed. */
    private static List<String> responsesWithToolCall(String text) {
        String created = "{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"in_progress\",\"model\":\"gpt-4o-2024-08-06\","
                + "\"output\":[]}";
        String done = "{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\",\"model\":\"gpt-4o-2024-08-06\","
                + "\"output\":[],\"usage\":{\"input_tokens\":12,\"input_tokens_details\":{\"cached_tokens\":0},"
                + "\"output_tokens\":9,\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":21}}";
        return List.of(
                typed("response.created", "{\"type\":\"response.created\",\"sequence_number\":0,\"response\":" + created + "}"),
                typed("response.output_text.delta", "{\"type\":\"response.output_text.delta\",\"sequence_number\":1,"
                        + "\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"" + text + "\"}"),
                typed("response.output_item.added", "{\"type\":\"response.output_item.added\",\"sequence_number\":2,"
                        + "\"output_index\":1,\"item\":{\"type\":\"function_call\",\"id\":\"fc_1\",\"call_id\":\"call_1\","
                        + "\"name\":\"get_weather\",\"arguments\":\"\"}}"),
                typed("response.function_call_arguments.delta", "{\"type\":\"response.function_call_arguments.delta\","
                        + "\"sequence_number\":3,\"item_id\":\"fc_1\",\"output_index\":1,\"delta\":\"{\\\"city\\\":\"}"),
                typed("response.function_call_arguments.delta", "{\"type\":\"response.function_call_arguments.delta\","
                        + "\"sequence_number\":4,\"item_id\":\"fc_1\",\"output_index\":1,\"delta\":\"\\\"Paris\\\"}\"}"),
                typed("response.completed", "{\"type\":\"response.completed\",\"sequence_number\":5,\"response\":" + done + "}"));
    }

    /** An Anthropic Messages stream: a text block, then a tool_use block with its input in two pieces, stop_reason tool_use. */
    private static List<String> messagesWithToolUse(String text) {
        return List.of(
                typed("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
                        + "\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,"
                        + "\"usage\":{\"input_tokens\":15,\"output_tokens\":1}}}"),
                typed("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
                        + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"),
                typed("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                        + "\"delta\":{\"type\":\"text_delta\",\"text\":\"" + text + "\"}}"),
                typed("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
                typed("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":"
                        + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{}}}"),
                typed("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,"
                        + "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\":\"}}"),
                typed("ping", "{\"type\":\"ping\"}"),
                typed("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,"
                        + "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"Paris\\\"}\"}}"),
                typed("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}"),
                typed("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\","
                        + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":30}}"),
                typed("message_stop", "{\"type\":\"message_stop\"}"));
    }

    /**
     * Posts a streamed call whose provider sends the first {@code firstCount} events, then waits
     * until the client has read a data line before sending the rest; returns the lines the client
     * read. {@code buffered} is set when the provider waited in vain (the gateway held events back).
     */
    private List<String> streamInLockstep(String path, String body, List<String> events, int firstCount,
            AtomicBoolean buffered, String... headers) throws Exception {
        CountDownLatch clientGotFirst = new CountDownLatch(1);
        gw.provider.then(FakeProvider.lockstep(String.join("", events.subList(0, firstCount)), clientGotFirst, buffered,
                events.subList(firstCount, events.size())));
        HttpRequest.Builder request = HttpRequest.newBuilder(gw.uri(path)).header("content-type", "application/json")
                .header("authorization", "Bearer " + gw.clientKey).POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.setHeader(headers[i], headers[i + 1]);
        }
        HttpResponse<java.util.stream.Stream<String>> res = gw.http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(res.statusCode()).isEqualTo(200);
        List<String> lines = new ArrayList<>();
        res.body().forEach(line -> {
            lines.add(line);
            if (line.startsWith("data: ")) {
                clientGotFirst.countDown();
            }
        });
        return lines;
    }

    private static List<String> linesOf(List<String> events) {
        return events.stream().flatMap(String::lines).toList();
    }

    @Test
    void full_keeps_a_streamed_response_as_text_tool_calls_and_status_without_holding_an_event_back() throws Exception {
        gw = GatewayFixture.startWithAudit(dir, "  payload: full\n");
        List<String> events = responsesWithToolCall("Let me check. ");
        AtomicBoolean buffered = new AtomicBoolean();

        List<String> lines = streamInLockstep("/v1/responses", RESPONSES_REQUEST, events, 2, buffered);

        assertThat(buffered).as("the first events were held back by the gateway").isFalse();
        assertThat(TallyComment.stripLines(lines)).as("the client got the stream itself, event by event").isEqualTo(linesOf(events));
        CallRecord r = gw.onlyCall();
        assertThat(r.status()).isEqualTo(CallStatus.SUCCESS);
        assertThat(r.payload()).isEqualTo(PayloadMode.FULL);
        StoredPayload p = gw.store.payload(r.id()).orElseThrow();
        JsonNode kept = JSON.readTree(p.response());
        assertThat(kept.path("stream").asBoolean()).isTrue();
        assertThat(kept.path("text").asText()).isEqualTo("Let me check. {\"city\":\"Paris\"}");
        assertThat(kept.path("tool_calls")).extracting(JsonNode::asText).containsExactly("get_weather");
        assertThat(kept.path("finish_reason").asText()).isEqualTo("completed");
        assertThat(p.request()).isEqualTo(RESPONSES_REQUEST);
        assertThat(p.responseSha256()).isEqualTo(sha256(p.response()));
        assertThat(p.truncated()).isFalse();
    }

    @Test
    void full_keeps_a_streamed_anthropic_message_as_text_tool_use_and_stop_reason_without_holding_an_event_back()
            throws Exception {
        gw = GatewayFixture.startWithAudit(dir, "  payload: full\n");
        List<String> events = messagesWithToolUse("Checking. ");
        AtomicBoolean buffered = new AtomicBoolean();

        List<String> lines = streamInLockstep("/v1/messages", MESSAGES_REQUEST, events, 3, buffered,
                "authorization", "", "x-api-key", gw.clientKey, "anthropic-version", "2023-06-01");

        assertThat(buffered).as("the first events were held back by the gateway").isFalse();
        assertThat(TallyComment.stripLines(lines)).isEqualTo(linesOf(events));
        CallRecord r = gw.onlyCall();
        assertThat(r.status()).isEqualTo(CallStatus.SUCCESS);
        assertThat(r.toolCalls()).containsExactly("get_weather");
        StoredPayload p = gw.store.payload(r.id()).orElseThrow();
        JsonNode kept = JSON.readTree(p.response());
        assertThat(kept.path("text").asText()).isEqualTo("Checking. {\"city\":\"Paris\"}");
        assertThat(kept.path("tool_calls")).extracting(JsonNode::asText).containsExactly("get_weather");
        assertThat(kept.path("finish_reason").asText()).isEqualTo("tool_use");
        assertThat(p.request()).isEqualTo(MESSAGES_REQUEST);
        assertThat(p.responseSha256()).isEqualTo(sha256(p.response()));
    }

    @Test
    void redacted_applies_to_the_assembled_text_of_responses_and_messages_streams_while_the_digest_proves_the_original()
            throws Exception {
        gw = GatewayFixture.startWithAudit(dir, "  payload: redacted\n");
        gw.provider.then(sse(responsesWithToolCall("Mail eve@example.net. ")),
                sse(messagesWithToolUse("Call +1 415 555 0134. ")));

        gw.post("/v1/responses", RESPONSES_REQUEST);
        gw.post("/v1/messages", MESSAGES_REQUEST, "authorization", "", "x-api-key", gw.clientKey);

        List<CallRecord> calls = gw.calls();
        assertThat(calls).extracting(CallRecord::payload).containsExactly(PayloadMode.REDACTED, PayloadMode.REDACTED);
        StoredPayload responses = gw.store.payload(calls.get(0).id()).orElseThrow();
        JsonNode kept = JSON.readTree(responses.response());
        assertThat(kept.path("text").asText()).isEqualTo("Mail [REDACTED:email]. {\"city\":\"Paris\"}");
        assertThat(kept.path("tool_calls")).extracting(JsonNode::asText).containsExactly("get_weather");
        assertThat(responses.responseSha256()).isEqualTo(sha256("{\"stream\":true,\"text\":\"Mail eve@example.net. "
                + "{\\\"city\\\":\\\"Paris\\\"}\",\"tool_calls\":[\"get_weather\"],\"finish_reason\":\"completed\"}"));
        StoredPayload messages = gw.store.payload(calls.get(1).id()).orElseThrow();
        JsonNode keptMessage = JSON.readTree(messages.response());
        assertThat(keptMessage.path("text").asText()).isEqualTo("Call [REDACTED:phone]. {\"city\":\"Paris\"}");
        assertThat(keptMessage.path("finish_reason").asText()).isEqualTo("tool_use");
    }

    @Test
    void a_stream_longer_than_the_configured_cap_is_cut_and_says_so() throws Exception {
        gw = GatewayFixture.startWithAudit(dir, "  payload: full\n  payload_max_bytes: 1024\n");
        String longText = "x".repeat(3_000);
        gw.provider.then(sse(responsesWithToolCall(longText)));

        HttpResponse<String> res = gw.post("/v1/responses", RESPONSES_REQUEST);

        assertThat(res.body()).contains(longText); // the client always gets everything
        StoredPayload p = gw.store.payload(gw.onlyCall().id()).orElseThrow();
        assertThat(p.truncated()).isTrue();
        assertThat(p.response().getBytes(StandardCharsets.UTF_8)).hasSize(1024);
        assertThat(p.response()).startsWith("{\"stream\":true,\"text\":\"xxx");
        assertThat(p.request()).isEqualTo(RESPONSES_REQUEST);
        assertThat(p.responseSha256()).isEqualTo(sha256("{\"stream\":true,\"text\":\"" + longText
                + "{\\\"city\\\":\\\"Paris\\\"}\",\"tool_calls\":[\"get_weather\"],\"finish_reason\":\"completed\"}"));
    }
}
