package dev.tally.gateway.proxy;

import static dev.tally.gateway.fake.FakeProvider.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.entry.Operation;
import dev.tally.audit.entry.Protocol;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.entry.UsageSource;
import dev.tally.gateway.fake.FakeProvider;
import dev.tally.gateway.fake.Wire;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Non-streamed calls through the gateway over real sockets, each checked against its one record. */
class JsonProxyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private GatewayFixture gw;

    /** The gateway under test; {@link JdkClientProxyTest} runs these tests again on the JDK client. */
    GatewayFixture fixture(Path dir) throws Exception {
        return GatewayFixture.startWithHttpClient(dir, "socket");
    }

    @BeforeEach
    void start() throws Exception {
        gw = fixture(dir);
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    @Test
    void chat_is_forwarded_with_the_provider_key_and_upstream_model_and_recorded_with_usage_and_cost() throws Exception {
        gw.provider.then(json(200, Wire.chatCompletion("gpt-4o-2024-08-06", "Hello!", 1000, 200, 400, 50)));

        HttpResponse<String> res = gw.post("/v1/chat/completions",
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"user\":\"alice\"}",
                "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "x-request-id", "client-req-7", "x-tally-tag-pipeline", "nightly", "x-tally-user", "bob");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(res.body()).path("choices").get(0).path("message").path("content").asText()).isEqualTo("Hello!");
        FakeProvider.Received sent = gw.provider.received().getFirst();
        assertThat(sent.path()).isEqualTo("/v1/chat/completions");
        assertThat(sent.header("authorization")).isEqualTo("Bearer " + GatewayFixture.OPENAI_KEY);
        assertThat(sent.headers()).doesNotContainKeys("x-tally-tag-pipeline", "x-tally-user", "x-api-key");
        assertThat(JSON.readTree(sent.body()).path("model").asText()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(sent.header("traceparent")).matches("00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01")
                .isNotEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

        CallRecord r = gw.onlyCall();
        assertThat(res.headers().firstValue("x-request-id")).contains(r.id());
        assertThat(r.status()).isEqualTo(CallStatus.SUCCESS);
        assertThat(r.httpStatus()).isEqualTo(200);
        assertThat(r.operation()).isEqualTo(Operation.CHAT);
        assertThat(r.protocol()).isEqualTo(Protocol.OPENAI);
        assertThat(r.endpoint()).isEqualTo("/v1/chat/completions");
        assertThat(r.stream()).isFalse();
        assertThat(r.model()).isEqualTo("gpt-4o");
        assertThat(r.servedModel()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(r.provider()).isEqualTo("openai");
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.keyName()).isEqualTo("team-a");
        assertThat(r.keyPrefix()).startsWith("tk-");
        assertThat(r.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(r.clientRequestId()).isEqualTo("client-req-7");
        assertThat(r.user()).isEqualTo("bob");
        assertThat(r.tags()).containsEntry("pipeline", "nightly");
        assertThat(r.clientIp()).isEqualTo("127.0.0.1");
        assertThat(r.inputTokens()).isEqualTo(1000);
        assertThat(r.cachedInputTokens()).isEqualTo(400);
        assertThat(r.outputTokens()).isEqualTo(200);
        assertThat(r.reasoningTokens()).isEqualTo(50);
        assertThat(r.usageSource()).isEqualTo(UsageSource.REPORTED);
        // 600 uncached x 2.50 + 400 cached x 1.25 + 200 output x 10.00 per million = 1500 + 500 + 2000 micro-USD
        assertThat(r.costMicros()).isEqualTo(4000);
        assertThat(r.priceId()).startsWith("p-");
        assertThat(r.finishReason()).isEqualTo("stop");
        assertThat(r.requestBytes()).isPositive();
        assertThat(r.responseBytes()).isEqualTo((long) res.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        assertThat(r.durationMs()).isNotNull();
        assertThat(r.upstreamMs()).isNotNull();
        assertThat(r.ttftMs()).isNull();
    }

    @Test
    void an_answer_without_usage_is_estimated_and_says_so() throws Exception {
        gw.provider.then(json(200, Wire.chatCompletionWithoutUsage("gpt-4o", "The quick brown fox jumps over the lazy dog")));

        HttpResponse<String> res = gw.post("/v1/chat/completions",
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about foxes\"}]}");

        assertThat(res.statusCode()).isEqualTo(200);
        CallRecord r = gw.onlyCall();
        assertThat(r.usageSource()).isEqualTo(UsageSource.ESTIMATED);
        assertThat(r.inputTokens()).isPositive();
        assertThat(r.outputTokens()).isBetween(8L, 12L);
        assertThat(r.costMicros()).isPositive();
    }

    @Test
    void tool_calls_and_unpriced_models_are_recorded_without_a_fake_zero_cost() throws Exception {
        gw.provider.then(json(200, Wire.chatToolCall("free-model", "get_weather", "{\"city\":\"Oslo\"}", 80, 20)));

        gw.post("/v1/chat/completions", "{\"model\":\"free-model\",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}]}");

        CallRecord r = gw.onlyCall();
        assertThat(r.toolCalls()).containsExactly("get_weather");
        assertThat(r.finishReason()).isEqualTo("tool_calls");
        assertThat(r.inputTokens()).isEqualTo(80);
        assertThat(r.costMicros()).isNull();
        assertThat(r.priceId()).isNull();
    }

    @Test
    void embeddings_record_input_tokens_and_price() throws Exception {
        gw.provider.then(json(200, Wire.embeddings("text-embedding-3-small", 5000)));

        HttpResponse<String> res = gw.post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"hello world\"}");

        assertThat(res.statusCode()).isEqualTo(200);
        CallRecord r = gw.onlyCall();
        assertThat(r.operation()).isEqualTo(Operation.EMBEDDING);
        assertThat(r.inputTokens()).isEqualTo(5000);
        assertThat(r.outputTokens()).isZero();
        assertThat(r.costMicros()).isEqualTo(100);
    }

    @Test
    void anthropic_messages_accept_x_api_key_and_normalise_cache_tokens() throws Exception {
        gw.provider.then(json(200, Wire.message("claude-sonnet-4-5", "Bonjour", 100, 50, 1000, 2000)));

        HttpResponse<String> res = gw.post("/v1/messages",
                "{\"model\":\"claude-sonnet\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                "authorization", "", "x-api-key", gw.clientKey, "anthropic-version", "2023-06-01");

        assertThat(res.statusCode()).isEqualTo(200);
        FakeProvider.Received sent = gw.provider.received().getFirst();
        assertThat(sent.path()).isEqualTo("/v1/messages");
        assertThat(sent.header("x-api-key")).isEqualTo(GatewayFixture.ANTHROPIC_KEY);
        assertThat(sent.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(sent.header("authorization")).isNull();
        CallRecord r = gw.onlyCall();
        assertThat(r.protocol()).isEqualTo(Protocol.ANTHROPIC);
        assertThat(r.inputTokens()).isEqualTo(3100);
        assertThat(r.cachedInputTokens()).isEqualTo(2000);
        assertThat(r.cacheWriteTokens()).isEqualTo(1000);
        assertThat(r.outputTokens()).isEqualTo(50);
        assertThat(r.finishReason()).isEqualTo("end_turn");
        // 100 x 3 + 2000 x 0.30 + 1000 x 3.75 + 50 x 15 = 300 + 600 + 3750 + 750
        assertThat(r.costMicros()).isEqualTo(5400);
    }

    @Test
    void invalid_json_is_a_400_in_the_protocols_shape_and_still_one_error_record() throws Exception {
        HttpResponse<String> res = gw.post("/v1/chat/completions", "{\"model\": \"gpt-4o\", ");

        assertThat(res.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(res.body()).path("error");
        assertThat(error.path("message").asText()).startsWith("body: not valid JSON").contains("expected: a JSON object");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("code").asText()).isEqualTo("invalid_json");
        CallRecord r = gw.onlyCall();
        assertThat(r.status()).isEqualTo(CallStatus.ERROR);
        assertThat(r.httpStatus()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("invalid_json");
        assertThat(gw.provider.received()).isEmpty();
    }

    @Test
    void missing_model_and_wrong_types_name_the_field_value_and_expectation() throws Exception {
        HttpResponse<String> missing = gw.post("/v1/chat/completions", "{\"messages\":[]}");
        HttpResponse<String> wrongType = gw.post("/v1/chat/completions", "{\"model\":42,\"messages\":[]}");
        HttpResponse<String> wrongStream = gw.post("/v1/messages", "{\"model\":\"claude-sonnet\",\"stream\":\"yes\"}");

        assertThat(JSON.readTree(missing.body()).path("error").path("message").asText())
                .isEqualTo("model: missing (expected: a model name string)");
        assertThat(JSON.readTree(missing.body()).path("error").path("param").asText()).isEqualTo("model");
        assertThat(JSON.readTree(wrongType.body()).path("error").path("message").asText())
                .isEqualTo("model: 42 (expected: a non-empty string)");
        assertThat(wrongStream.statusCode()).isEqualTo(400);
        JsonNode anthropic = JSON.readTree(wrongStream.body());
        assertThat(anthropic.path("type").asText()).isEqualTo("error");
        assertThat(anthropic.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(anthropic.path("error").path("message").asText()).isEqualTo("stream: \"yes\" (expected: true or false)");
        assertThat(gw.calls()).hasSize(3).allSatisfy(r -> assertThat(r.status()).isEqualTo(CallStatus.ERROR));
    }

    @Test
    void an_unknown_model_is_refused_with_404_a_refused_record_and_an_unknown_model_event() throws Exception {
        HttpResponse<String> res = gw.post("/v1/chat/completions", "{\"model\":\"gpt-9\",\"messages\":[]}");

        assertThat(res.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(res.body()).path("error").path("code").asText()).isEqualTo("model_not_found");
        CallRecord r = gw.onlyCall();
        assertThat(r.status()).isEqualTo(CallStatus.REFUSED);
        assertThat(r.httpStatus()).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("model_not_found");
        assertThat(gw.securityEvents()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(SecurityEventType.UNKNOWN_MODEL);
            assertThat(e.requestId()).isEqualTo(r.id());
            assertThat(e.model()).isEqualTo("gpt-9");
            assertThat(e.httpStatus()).isEqualTo(404);
        });
        assertThat(gw.provider.received()).isEmpty();
    }

    @Test
    void a_missing_or_unknown_key_is_401_with_an_auth_failure_event_and_no_call_record() throws Exception {
        HttpResponse<String> none = gw.post("/v1/chat/completions", "{\"model\":\"gpt-4o\"}", "authorization", "");
        HttpResponse<String> wrong = gw.post("/v1/chat/completions", "{\"model\":\"gpt-4o\"}",
                "authorization", "Bearer tk-thisisnotarealkey000000000000");

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(wrong.body()).path("error").path("type").asText()).isEqualTo("authentication_error");
        assertThat(gw.calls()).isEmpty();
        assertThat(gw.securityEvents()).hasSize(2).allSatisfy(e -> {
            assertThat(e.type()).isEqualTo(SecurityEventType.AUTH_FAILURE);
            assertThat(e.httpStatus()).isEqualTo(401);
            assertThat(e.clientIp()).isEqualTo("127.0.0.1");
        });
        assertThat(gw.provider.received()).isEmpty();
    }

    @Test
    void a_provider_client_error_is_passed_through_and_recorded_with_the_same_status_and_code() throws Exception {
        gw.provider.then(json(400, Wire.openAiError("Invalid value for temperature", "invalid_request_error", "invalid_value")));

        HttpResponse<String> res = gw.post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"temperature\":9}");

        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(res.body()).path("error").path("code").asText()).isEqualTo("invalid_value");
        CallRecord r = gw.onlyCall();
        assertThat(r.status()).isEqualTo(CallStatus.ERROR);
        assertThat(r.httpStatus()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("invalid_value");
        assertThat(r.errorMessage()).isEqualTo("Invalid value for temperature");
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.usageSource()).isEqualTo(UsageSource.UNKNOWN);
        assertThat(r.inputTokens()).isNull();
        assertThat(r.costMicros()).isNull();
    }

    @Test
    void models_lists_the_configured_public_names_and_leaves_one_record() throws Exception {
        HttpResponse<String> res = gw.get("/v1/models", "authorization", "Bearer " + gw.clientKey);

        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode list = JSON.readTree(res.body());
        assertThat(list.path("object").asText()).isEqualTo("list");
        assertThat(list.path("data").findValuesAsText("id"))
                .containsExactly("gpt-4o", "gpt-4o-mini", "text-embedding-3-small", "claude-sonnet", "free-model", "slow-model",
                        "dead-model");
        assertThat(list.path("data").get(0).path("object").asText()).isEqualTo("model");
        CallRecord r = gw.onlyCall();
        assertThat(r.operation()).isEqualTo(Operation.MODELS);
        assertThat(r.status()).isEqualTo(CallStatus.SUCCESS);
    }

    @Test
    void health_reports_the_store() throws Exception {
        HttpResponse<String> res = gw.get("/health");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("{\"status\":\"ok\",\"store\":\"ok\",\"durability\":\"async\"}");
    }

    @Test
    void a_provider_answer_that_is_not_json_is_a_502_and_an_error_record() throws Exception {
        gw.provider.then(json(200, "{\"id\": \"chatcmpl-1\", \"choices\": [ <html>oops"));

        HttpResponse<String> res = gw.post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[]}");

        assertThat(res.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(res.body()).path("error").path("code").asText()).isEqualTo("upstream_invalid_response");
        CallRecord r = gw.onlyCall();
        assertThat(r.status()).isEqualTo(CallStatus.ERROR);
        assertThat(r.httpStatus()).isEqualTo(502);
        assertThat(r.errorCode()).isEqualTo("upstream_invalid_response");
    }

    @Test
    void a_client_that_stops_halfway_through_its_request_body_gets_a_400_and_leaves_an_error_record() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gw.gateway.port())) {
            socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + gw.clientKey
                    + "\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"model\":\"gpt-4o\",")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
        }

        CallRecord r = null;
        for (int i = 0; i < 100 && r == null; i++) {
            r = gw.calls().stream().findFirst().orElse(null);
            Thread.sleep(50);
        }
        assertThat(r).isNotNull();
        // The gateway cannot tell a client that closed its side from one that left: both sent
        // fewer bytes than their content-length said.
        assertThat(r.status()).isEqualTo(CallStatus.ERROR);
        assertThat(r.httpStatus()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("body_length_mismatch");
        assertThat(r.errorMessage()).isEqualTo("body: 18 bytes arrived; content-length declared 5000 (expected: exactly "
                + "content-length bytes)");
        assertThat(gw.provider.received()).isEmpty();
    }
}
