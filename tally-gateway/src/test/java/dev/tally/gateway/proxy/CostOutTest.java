package dev.tally.gateway.proxy;

import static dev.tally.gateway.fake.FakeProvider.json;
import static dev.tally.gateway.fake.FakeProvider.sse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.gateway.fake.Wire;
import dev.tally.gateway.keys.KeySettings;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cost back to the client over a real socket, read with a plain HTTP client (bytes as sent):
 * {@code x-tally-cost-usd} and {@code x-tally-record-id} on complete answers, the
 * {@code : tally {…}} comment right before each protocol's final event, {@code usage.cost} only
 * on request, nothing of it for a key with {@code return_cost} off, and always exactly the
 * record's cost.
 */
class CostOutTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]%s}";
    private static final String MESSAGES = "{\"model\":\"claude-sonnet\",\"max_tokens\":64,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]%s}";

    @TempDir
    Path dir;

    private GatewayFixture gw;

    @BeforeEach
    void start() throws Exception {
        gw = GatewayFixture.start(dir);
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    @Test
    void chat_answer_carries_the_records_cost_and_id_and_an_untouched_body() throws Exception {
        String answer = Wire.chatCompletion("gpt-4o-2024-08-06", "Hello", 1000, 1620, 0, 0);
        gw.provider.then(json(200, answer));

        HttpResponse<String> res = gw.post("/v1/chat/completions", CHAT.formatted("gpt-4o", ""));

        assertThat(res.statusCode()).isEqualTo(200);
        CallRecord r = gw.onlyCall();
        assertThat(r.costMicros()).isEqualTo(18_700L); // 1000 x 2.50 + 1620 x 10.00 micro-USD
        assertThat(res.headers().firstValue("x-tally-cost-usd")).hasValue("0.0187");
        assertThat(res.headers().firstValue("x-tally-record-id")).hasValue(r.id());
        assertThat(res.headers().firstValue("x-request-id")).hasValue(r.id());
        assertThat(res.body()).isEqualTo(answer);
    }

    @Test
    void unpriced_answer_has_a_record_id_but_no_cost() throws Exception {
        gw.provider.then(json(200, Wire.chatCompletion("free-model", "Hello", 10, 5, 0, 0)));

        HttpResponse<String> res = gw.post("/v1/chat/completions", CHAT.formatted("free-model", ""),
                "x-tally-include-cost", "body");

        CallRecord r = gw.onlyCall();
        assertThat(r.costMicros()).isNull();
        assertThat(res.headers().firstValue("x-tally-cost-usd")).isEmpty();
        assertThat(res.headers().firstValue("x-tally-record-id")).hasValue(r.id());
        assertThat(JSON.readTree(res.body()).path("usage").has("cost")).isFalse();
    }

    @Test
    void include_cost_body_adds_usage_cost_as_a_number_and_nothing_else() throws Exception {
        String answer = Wire.chatCompletion("gpt-4o-2024-08-06", "Hello", 1000, 1620, 0, 0);
        gw.provider.then(json(200, answer));

        HttpResponse<String> res = gw.post("/v1/chat/completions", CHAT.formatted("gpt-4o", ""),
                "x-tally-include-cost", "body");

        JsonNode usage = JSON.readTree(res.body()).path("usage");
        assertThat(usage.path("cost").isNumber()).isTrue();
        assertThat(usage.path("cost").decimalValue()).isEqualByComparingTo(new BigDecimal("0.0187"));
        assertThat(res.body()).isEqualTo(answer.replace("\"reasoning_tokens\":0}}}", "\"reasoning_tokens\":0},\"cost\":0.0187}}"));
        assertThat(res.headers().firstValue("x-tally-cost-usd")).hasValue("0.0187");
        assertThat(gw.onlyCall().responseBytes()).isEqualTo((long) res.body().length());
    }

    @Test
    void anthropic_answer_carries_the_cost_header_and_on_request_usage_cost() throws Exception {
        gw.provider.then(json(200, Wire.message("claude-sonnet-4-5", "Bonjour", 1000, 200, 0, 0)));

        HttpResponse<String> res = gw.post("/v1/messages", MESSAGES.formatted(""), "x-tally-include-cost", "body");

        CallRecord r = gw.onlyCall();
        assertThat(r.costMicros()).isEqualTo(6_000L); // 1000 x 3 + 200 x 15
        assertThat(res.headers().firstValue("x-tally-cost-usd")).hasValue("0.006");
        assertThat(res.headers().firstValue("x-tally-record-id")).hasValue(r.id());
        assertThat(JSON.readTree(res.body()).path("usage").path("cost").decimalValue())
                .isEqualByComparingTo(new BigDecimal("0.006"));
    }

    @Test
    void chat_stream_ends_with_the_tally_comment_right_before_done() throws Exception {
        gw.provider.then(sse(Wire.chatStream("gpt-4o-2024-08-06", List.of("Hel", "lo"), 1000L, 1620L, true)));

        HttpResponse<String> res = gw.post("/v1/chat/completions", CHAT.formatted("gpt-4o", ",\"stream\":true"));

        CallRecord r = gw.onlyCall();
        JsonNode tally = comment(res.body(), "data: [DONE]");
        assertThat(tally.path("record_id").asText()).isEqualTo(r.id());
        assertThat(tally.path("cost_usd").asText()).isEqualTo("0.0187");
        assertThat(r.costMicros()).isEqualTo(18_700L);
        assertThat(tally.path("usage").path("input_tokens").asLong()).isEqualTo(1000);
        assertThat(tally.path("usage").path("output_tokens").asLong()).isEqualTo(1620);
        assertThat(res.headers().firstValue("x-tally-record-id")).hasValue(r.id());
        assertThat(res.headers().firstValue("x-tally-cost-usd")).isEmpty(); // a stream's headers precede its cost
        assertThat(res.body()).doesNotContain("\"cost\""); // the hidden usage chunk stays hidden
        assertThat(r.responseBytes()).isEqualTo((long) res.body().length());
    }

    @Test
    void chat_stream_with_include_cost_body_puts_the_cost_into_the_usage_chunk() throws Exception {
        gw.provider.then(sse(Wire.chatStream("gpt-4o-2024-08-06", List.of("Hi"), 1000L, 1620L, true)));

        HttpResponse<String> res = gw.post("/v1/chat/completions",
                CHAT.formatted("gpt-4o", ",\"stream\":true,\"stream_options\":{\"include_usage\":true}"),
                "x-tally-include-cost", "body");

        String usageChunk = res.body().lines().filter(l -> l.contains("\"choices\":[]")).findFirst().orElseThrow();
        JsonNode usage = JSON.readTree(usageChunk.substring("data: ".length())).path("usage");
        assertThat(usage.path("cost").decimalValue()).isEqualByComparingTo(new BigDecimal("0.0187"));
        assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(1000);
        assertThat(comment(res.body(), "data: [DONE]").path("cost_usd").asText()).isEqualTo("0.0187");
    }

    @Test
    void unpriced_stream_comment_has_a_null_cost() throws Exception {
        gw.provider.then(sse(Wire.chatStream("free-model", List.of("Hi"), 10L, 2L, true)));

        HttpResponse<String> res = gw.post("/v1/chat/completions", CHAT.formatted("free-model", ",\"stream\":true"));

        JsonNode tally = comment(res.body(), "data: [DONE]");
        assertThat(tally.get("cost_usd").isNull()).isTrue();
        assertThat(tally.path("record_id").asText()).isEqualTo(gw.onlyCall().id());
        assertThat(gw.onlyCall().costMicros()).isNull();
    }

    @Test
    void anthropic_stream_comment_comes_right_before_message_stop() throws Exception {
        gw.provider.then(sse(Wire.messageStream("claude-sonnet-4-5", List.of("Bon", "jour"), 1000, 200, 0, 0, true)));

        HttpResponse<String> res = gw.post("/v1/messages", MESSAGES.formatted(",\"stream\":true"), "x-tally-include-cost", "body");

        CallRecord r = gw.onlyCall();
        JsonNode tally = comment(res.body(), "event: message_stop");
        assertThat(tally.path("cost_usd").asText()).isEqualTo("0.006");
        assertThat(tally.path("record_id").asText()).isEqualTo(r.id());
        assertThat(r.costMicros()).isEqualTo(6_000L);
        String delta = res.body().lines().filter(l -> l.startsWith("data: {\"type\":\"message_delta\"")).findFirst().orElseThrow();
        assertThat(JSON.readTree(delta.substring("data: ".length())).path("usage").path("cost").decimalValue())
                .isEqualByComparingTo(new BigDecimal("0.006"));
    }

    @Test
    void responses_stream_comment_comes_right_before_response_completed() throws Exception {
        gw.provider.then(sse(Wire.responseStream("gpt-4o-2024-08-06", List.of("Hi"), 1000, 1620)));

        HttpResponse<String> res = gw.post("/v1/responses", "{\"model\":\"gpt-4o\",\"input\":\"hi\",\"stream\":true}",
                "x-tally-include-cost", "body");

        JsonNode tally = comment(res.body(), "event: response.completed");
        assertThat(tally.path("cost_usd").asText()).isEqualTo("0.0187");
        assertThat(gw.onlyCall().costMicros()).isEqualTo(18_700L);
        String completed = res.body().lines().filter(l -> l.startsWith("data: {\"type\":\"response.completed\"")).findFirst()
                .orElseThrow();
        assertThat(JSON.readTree(completed.substring("data: ".length())).path("response").path("usage").path("cost")
                .decimalValue()).isEqualByComparingTo(new BigDecimal("0.0187"));
    }

    @Test
    void stream_that_breaks_off_tells_its_cost_before_the_gateways_error_event() throws Exception {
        gw.provider.then(sse(Wire.messageStream("claude-sonnet-4-5", List.of("Bon", "jour"), 1000, 200, 0, 0, false)));

        HttpResponse<String> res = gw.post("/v1/messages", MESSAGES.formatted(",\"stream\":true"));

        CallRecord r = gw.onlyCall();
        assertThat(r.status()).isEqualTo(CallStatus.ERROR);
        JsonNode tally = comment(res.body(), "event: error");
        assertThat(new BigDecimal(tally.path("cost_usd").asText()).movePointRight(6).longValueExact()).isEqualTo(r.costMicros());
        assertThat(tally.path("usage").path("input_tokens").asLong()).isEqualTo(r.inputTokens());
        assertThat(tally.path("usage").path("output_tokens").asLong()).isEqualTo(r.outputTokens());
    }

    @Test
    void legacy_completions_stream_and_embeddings_answer_tell_their_cost_too() throws Exception {
        gw.provider.then(sse(Wire.chatStream("gpt-4o-2024-08-06", List.of("Hi"), 1000L, 1620L, true)),
                json(200, Wire.embeddings("text-embedding-3-small", 5000)));

        HttpResponse<String> completions = gw.post("/v1/completions", "{\"model\":\"gpt-4o\",\"prompt\":\"hi\",\"stream\":true}");
        HttpResponse<String> embeddings = gw.post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"hi\"}",
                "x-tally-include-cost", "body");

        List<CallRecord> calls = gw.calls();
        assertThat(comment(completions.body(), "data: [DONE]").path("cost_usd").asText()).isEqualTo("0.0187");
        assertThat(calls.get(0).costMicros()).isEqualTo(18_700L);
        assertThat(calls.get(1).costMicros()).isEqualTo(100L); // 5000 x 0.02
        assertThat(embeddings.headers().firstValue("x-tally-cost-usd")).hasValue("0.0001");
        assertThat(JSON.readTree(embeddings.body()).path("usage").path("cost").decimalValue())
                .isEqualByComparingTo(new BigDecimal("0.0001"));
    }

    @Test
    void key_with_return_cost_off_gets_none_of_it() throws Exception {
        String quiet = gw.gateway.keys().create(KeySettings.named("quiet").withReturnCost(false), "test").secret();
        String answer = Wire.chatCompletion("gpt-4o-2024-08-06", "Hello", 1000, 1620, 0, 0);
        gw.provider.then(json(200, answer), sse(Wire.chatStream("gpt-4o-2024-08-06", List.of("Hi"), 1000L, 1620L, true)));

        HttpResponse<String> plain = gw.post("/v1/chat/completions", CHAT.formatted("gpt-4o", ""),
                "authorization", "Bearer " + quiet, "x-tally-include-cost", "body");
        HttpResponse<String> stream = gw.post("/v1/chat/completions", CHAT.formatted("gpt-4o", ",\"stream\":true"),
                "authorization", "Bearer " + quiet);

        assertThat(plain.body()).isEqualTo(answer);
        for (HttpResponse<String> res : List.of(plain, stream)) {
            assertThat(res.headers().firstValue("x-tally-cost-usd")).isEmpty();
            assertThat(res.headers().firstValue("x-tally-record-id")).isEmpty();
            assertThat(res.headers().firstValue("x-request-id")).isPresent();
        }
        assertThat(stream.body()).doesNotContain(": tally").endsWith("data: [DONE]\n\n");
        assertThat(gw.calls()).allSatisfy(r -> assertThat(r.costMicros()).isEqualTo(18_700L));
    }

    @Test
    void error_answers_name_their_record_but_carry_no_cost() throws Exception {
        gw.provider.then(json(400, Wire.openAiError("bad things", "invalid_request_error", "bad")));

        HttpResponse<String> res = gw.post("/v1/chat/completions", CHAT.formatted("free-model", ""), "x-tally-include-cost", "body");

        CallRecord r = gw.onlyCall();
        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(r.costMicros()).isNull();
        assertThat(res.headers().firstValue("x-tally-record-id")).hasValue(r.id());
        assertThat(res.headers().firstValue("x-tally-cost-usd")).isEmpty();
        assertThat(res.body()).doesNotContain("cost");
    }

    @Test
    void refused_call_names_its_record() throws Exception {
        HttpResponse<String> res = gw.post("/v1/chat/completions", CHAT.formatted("no-such-model", ""));

        CallRecord r = gw.onlyCall();
        assertThat(res.statusCode()).isGreaterThanOrEqualTo(400);
        assertThat(res.headers().firstValue("x-tally-record-id")).hasValue(r.id());
        assertThat(res.headers().firstValue("x-tally-cost-usd")).isEmpty();
    }

    @Test
    void include_cost_with_another_value_is_a_bad_header() throws Exception {
        HttpResponse<String> res = gw.post("/v1/chat/completions", CHAT.formatted("gpt-4o", ""), "x-tally-include-cost", "header");

        assertThat(res.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(res.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("invalid_header");
        assertThat(error.path("message").asText()).contains("x-tally-include-cost", "'header'", "expected: body");
        assertThat(gw.provider.received()).isEmpty();
    }

    /** The {@code : tally} comment's JSON; asserts it is followed at once by {@code next}, the protocol's final event. */
    static JsonNode comment(String body, String next) throws Exception {
        List<String> lines = body.lines().toList();
        List<String> comments = lines.stream().filter(l -> l.startsWith(": tally ")).toList();
        assertThat(comments).hasSize(1);
        int at = lines.indexOf(comments.getFirst());
        assertThat(lines.get(at + 1)).isEmpty();
        assertThat(lines.get(at + 2)).startsWith(next);
        return JSON.readTree(comments.getFirst().substring(": tally ".length()));
    }
}
