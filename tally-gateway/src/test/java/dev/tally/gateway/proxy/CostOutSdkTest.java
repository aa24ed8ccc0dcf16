package dev.tally.gateway.proxy;

import static dev.tally.gateway.fake.FakeProvider.json;
import static dev.tally.gateway.fake.FakeProvider.sse;
import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.gateway.fake.Wire;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official OpenAI and Anthropic Java SDKs read answers that carry their cost: the headers are
 * there for them, {@code usage.cost} is an extra property they keep, and the stream's
 * {@code : tally} comment line, which each streamed call below provably received (its record
 * counts the comment's bytes), is skipped by their event-stream parsers.
 */
class CostOutSdkTest {

    @TempDir
    Path dir;

    private GatewayFixture gw;
    private OpenAIClient openai;
    private AnthropicClient anthropic;

    @BeforeEach
    void start() throws Exception {
        gw = GatewayFixture.start(dir);
        openai = OpenAIOkHttpClient.builder().apiKey(gw.clientKey).baseUrl(gw.uri("/v1").toString()).maxRetries(0).build();
        anthropic = AnthropicOkHttpClient.builder().apiKey(gw.clientKey).baseUrl(gw.uri("").toString()).maxRetries(0).build();
    }

    @AfterEach
    void stop() {
        openai.close();
        anthropic.close();
        gw.close();
    }

    @Test
    void openai_sdk_sees_the_cost_headers_and_usage_cost() throws Exception {
        gw.provider.then(json(200, Wire.chatCompletion("gpt-4o-2024-08-06", "Hello", 1000, 1620, 0, 0)));

        ChatCompletion completion;
        List<String> cost;
        List<String> recordId;
        try (HttpResponseFor<ChatCompletion> raw = openai.chat().completions().withRawResponse().create(
                ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("hi")
                        .putAdditionalHeader("x-tally-include-cost", "body").build())) {
            cost = raw.headers().values("x-tally-cost-usd");
            recordId = raw.headers().values("x-tally-record-id");
            completion = raw.parse();
        }

        CallRecord r = gw.onlyCall();
        assertThat(cost).containsExactly("0.0187");
        assertThat(recordId).containsExactly(r.id());
        assertThat(completion.choices().getFirst().message().content()).hasValue("Hello");
        assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(1000);
        assertThat(completion.usage().orElseThrow()._additionalProperties().get("cost").convert(Double.class)).isEqualTo(0.0187);
    }

    @Test
    void openai_sdk_chat_stream_skips_the_comment() throws Exception {
        List<String> events = Wire.chatStream("gpt-4o-2024-08-06", List.of("Hel", "lo"), 1000L, 1620L, true);
        gw.provider.then(sse(events));

        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> usageChunks = new ArrayList<>();
        try (com.openai.core.http.StreamResponse<ChatCompletionChunk> stream = openai.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("hi")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                        .putAdditionalHeader("x-tally-include-cost", "body").build())) {
            stream.stream().forEach(chunk -> {
                chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
                chunk.usage().ifPresent(u -> usageChunks.add(chunk));
            });
        }

        CallRecord r = gw.onlyCall();
        assertThat(text.toString()).isEqualTo("Hello");
        assertThat(usageChunks).hasSize(1);
        assertThat(usageChunks.getFirst().usage().orElseThrow()._additionalProperties().get("cost").convert(Double.class))
                .isEqualTo(0.0187);
        assertThat(r.status()).isEqualTo(CallStatus.SUCCESS);
        // every provider byte, plus the comment, plus usage.cost in the usage chunk
        assertThat(r.responseBytes()).isEqualTo(bytes(events) + comment(r).length() + ",\"cost\":0.0187".length());
    }

    @Test
    void openai_sdk_responses_stream_skips_the_comment() throws Exception {
        List<String> events = Wire.responseStream("gpt-4o-2024-08-06", List.of("Hi", " there"), 1000, 1620);
        gw.provider.then(sse(events));

        StringBuilder text = new StringBuilder();
        List<String> types = new ArrayList<>();
        try (com.openai.core.http.StreamResponse<ResponseStreamEvent> stream =
                openai.responses().createStreaming(ResponseCreateParams.builder().model("gpt-4o").input("hi").build())) {
            stream.stream().forEach(e -> {
                e.outputTextDelta().ifPresent(d -> text.append(d.delta()));
                e.completed().ifPresent(c -> types.add("completed"));
            });
        }

        CallRecord r = gw.onlyCall();
        assertThat(text.toString()).isEqualTo("Hi there");
        assertThat(types).containsExactly("completed");
        assertThat(r.responseBytes()).isEqualTo(bytes(events) + comment(r).length());
    }

    @Test
    void anthropic_sdk_sees_the_cost_header_and_usage_cost() throws Exception {
        gw.provider.then(json(200, Wire.message("claude-sonnet-4-5", "Bonjour", 1000, 200, 0, 0)));

        Message message;
        List<String> cost;
        try (com.anthropic.core.http.HttpResponseFor<Message> raw = anthropic.messages().withRawResponse().create(
                MessageCreateParams.builder().model("claude-sonnet").maxTokens(64).addUserMessage("Hi")
                        .putAdditionalHeader("x-tally-include-cost", "body").build())) {
            cost = raw.headers().values("x-tally-cost-usd");
            message = raw.parse();
        }

        assertThat(cost).containsExactly("0.006");
        assertThat(message.content().getFirst().text().orElseThrow().text()).isEqualTo("Bonjour");
        assertThat(message.usage().inputTokens()).isEqualTo(1000);
        assertThat(message.usage()._additionalProperties().get("cost").convert(Double.class)).isEqualTo(0.006);
    }

    @Test
    void anthropic_sdk_stream_skips_the_comment_and_reaches_message_stop() throws Exception {
        List<String> events = Wire.messageStream("claude-sonnet-4-5", List.of("Bon", "jour"), 1000, 200, 0, 0, true);
        gw.provider.then(sse(events));

        StringBuilder text = new StringBuilder();
        List<String> ends = new ArrayList<>();
        try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(MessageCreateParams.builder()
                .model("claude-sonnet").maxTokens(64).addUserMessage("Hi").build())) {
            stream.stream().forEach(e -> {
                e.contentBlockDelta().ifPresent(d -> d.delta().text().ifPresent(t -> text.append(t.text())));
                e.messageStop().ifPresent(s -> ends.add("message_stop"));
            });
        }

        CallRecord r = gw.onlyCall();
        assertThat(text.toString()).isEqualTo("Bonjour");
        assertThat(ends).containsExactly("message_stop");
        assertThat(r.status()).isEqualTo(CallStatus.SUCCESS);
        assertThat(r.costMicros()).isEqualTo(6_000L);
        assertThat(r.responseBytes()).isEqualTo(bytes(events) + comment(r).length()); // every provider byte, plus the comment
    }

    private static long bytes(List<String> events) {
        return events.stream().mapToLong(e -> e.getBytes(StandardCharsets.UTF_8).length).sum();
    }

    /** The comment line the gateway sends for {@code r}, built from the record alone. */
    private static String comment(CallRecord r) {
        StringBuilder usage = new StringBuilder();
        append(usage, "input_tokens", r.inputTokens());
        append(usage, "cached_input_tokens", r.cachedInputTokens());
        append(usage, "cache_write_tokens", r.cacheWriteTokens());
        append(usage, "output_tokens", r.outputTokens());
        append(usage, "reasoning_tokens", r.reasoningTokens());
        String cost = r.costMicros() == null ? "null" : "\"" + CostOut.usd(r.costMicros()) + "\"";
        return ": tally {\"record_id\":\"" + r.id() + "\",\"cost_usd\":" + cost + ",\"usage\":{" + usage + "}}\n\n";
    }

    private static void append(StringBuilder out, String name, Long value) {
        if (value != null) {
            out.append(out.isEmpty() ? "" : ",").append('"').append(name).append("\":").append(value);
        }
    }
}
