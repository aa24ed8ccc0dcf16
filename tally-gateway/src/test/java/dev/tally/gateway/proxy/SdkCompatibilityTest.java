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
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.entry.Operation;
import dev.tally.audit.entry.UsageSource;
import dev.tally.gateway.fake.Wire;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official OpenAI and Anthropic Java SDKs, pointed at the gateway with a virtual key, work
 * unchanged; each call leaves exactly one record with the right tokens, cost, status, served
 * model and TTFT.
 */
class SdkCompatibilityTest {

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
    void openai_chat() throws Exception {
        gw.provider.then(json(200, Wire.chatCompletion("gpt-4o-2024-08-06", "Hello from the fake", 21, 5, 0, 0)));

        ChatCompletion completion = openai.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-4o").addUserMessage("Say hello").build());

        assertThat(completion.choices().getFirst().message().content()).contains("Hello from the fake");
        CallRecord r = gw.onlyCall();
        assertThat(r.status()).isEqualTo(CallStatus.SUCCESS);
        assertThat(r.servedModel()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(r.inputTokens()).isEqualTo(21);
        assertThat(r.outputTokens()).isEqualTo(5);
        assertThat(r.costMicros()).isEqualTo(102); // 21 x 2.50 + 5 x 10.00 = 102.5 micro-USD, rounded half-even
        assertThat(r.userAgent()).isNotBlank();
    }

    @Test
    void openai_chat_streamed() throws Exception {
        gw.provider.then(sse(Wire.chatStream("gpt-4o-2024-08-06", List.of("Hel", "lo"), 9L, 2L, true)));

        StringBuilder text = new StringBuilder();
        try (com.openai.core.http.StreamResponse<ChatCompletionChunk> stream = openai.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("Say hello").build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
        }

        assertThat(text.toString()).isEqualTo("Hello");
        CallRecord r = gw.onlyCall();
        assertThat(r.stream()).isTrue();
        assertThat(r.status()).isEqualTo(CallStatus.SUCCESS);
        assertThat(r.inputTokens()).isEqualTo(9);
        assertThat(r.outputTokens()).isEqualTo(2);
        assertThat(r.usageSource()).isEqualTo(UsageSource.REPORTED);
        assertThat(r.ttftMs()).isNotNull();
        assertThat(r.costMicros()).isEqualTo(42); // 9 x 2.50 + 2 x 10 = 42.5 micro-USD, rounded half-even
    }

    @Test
    void openai_embeddings() throws Exception {
        gw.provider.then(json(200, Wire.embeddings("text-embedding-3-small", 3)));

        CreateEmbeddingResponse res = openai.embeddings().create(EmbeddingCreateParams.builder()
                .model("text-embedding-3-small").input("hello").build());

        assertThat(res.data().getFirst().embedding()).hasSize(3);
        CallRecord r = gw.onlyCall();
        assertThat(r.operation()).isEqualTo(Operation.EMBEDDING);
        assertThat(r.inputTokens()).isEqualTo(3);
        assertThat(r.status()).isEqualTo(CallStatus.SUCCESS);
    }

    @Test
    void openai_responses() throws Exception {
        gw.provider.then(json(200, Wire.response("gpt-4o-2024-08-06", "Hi there", 30, 10, 8, 3)));

        Response res = openai.responses().create(ResponseCreateParams.builder().model("gpt-4o").input("Hello").build());

        assertThat(res.id()).isEqualTo("resp_1");
        CallRecord r = gw.onlyCall();
        assertThat(r.operation()).isEqualTo(Operation.RESPONSE);
        assertThat(r.inputTokens()).isEqualTo(30);
        assertThat(r.cachedInputTokens()).isEqualTo(10);
        assertThat(r.outputTokens()).isEqualTo(8);
        assertThat(r.reasoningTokens()).isEqualTo(3);
        assertThat(r.finishReason()).isEqualTo("completed");
    }

    @Test
    void openai_responses_streamed() throws Exception {
        gw.provider.then(sse(Wire.responseStream("gpt-4o-2024-08-06", List.of("Hi", " there"), 25, 4)));

        StringBuilder text = new StringBuilder();
        try (com.openai.core.http.StreamResponse<com.openai.models.responses.ResponseStreamEvent> stream =
                openai.responses().createStreaming(ResponseCreateParams.builder().model("gpt-4o").input("Hello").build())) {
            stream.stream().forEach(e -> e.outputTextDelta().ifPresent(d -> text.append(d.delta())));
        }

        assertThat(text.toString()).isEqualTo("Hi there");
        CallRecord r = gw.onlyCall();
        assertThat(r.stream()).isTrue();
        assertThat(r.inputTokens()).isEqualTo(25);
        assertThat(r.outputTokens()).isEqualTo(4);
        assertThat(r.ttftMs()).isNotNull();
        assertThat(r.costMicros()).isEqualTo(102); // 25 x 2.50 + 4 x 10 = 102.5 micro-USD, rounded half-even
    }

    @Test
    void openai_models() throws Exception {
        List<String> ids = new ArrayList<>();
        openai.models().list().data().forEach((Model m) -> ids.add(m.id()));

        assertThat(ids).contains("gpt-4o", "claude-sonnet");
        assertThat(gw.onlyCall().operation()).isEqualTo(Operation.MODELS);
    }

    @Test
    void anthropic_messages() throws Exception {
        gw.provider.then(json(200, Wire.message("claude-sonnet-4-5", "Bonjour", 12, 4, 0, 100)));

        Message message = anthropic.messages().create(MessageCreateParams.builder()
                .model("claude-sonnet").maxTokens(64).addUserMessage("Hi").build());

        assertThat(message.content().getFirst().text().orElseThrow().text()).isEqualTo("Bonjour");
        CallRecord r = gw.onlyCall();
        assertThat(r.servedModel()).isEqualTo("claude-sonnet-4-5");
        assertThat(r.inputTokens()).isEqualTo(112);
        assertThat(r.cachedInputTokens()).isEqualTo(100);
        assertThat(r.outputTokens()).isEqualTo(4);
        assertThat(r.costMicros()).isEqualTo(126); // 12 x 3 + 100 x 0.30 + 4 x 15 = 36 + 30 + 60
    }

    @Test
    void anthropic_messages_streamed() throws Exception {
        gw.provider.then(sse(Wire.messageStream("claude-sonnet-4-5", List.of("Bon", "jour"), 15, 3, 0, 0, true)));

        StringBuilder text = new StringBuilder();
        try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(MessageCreateParams.builder()
                .model("claude-sonnet").maxTokens(64).addUserMessage("Hi").build())) {
            stream.stream().forEach(e -> e.contentBlockDelta().ifPresent(d -> d.delta().text().ifPresent(t -> text.append(t.text()))));
        }

        assertThat(text.toString()).isEqualTo("Bonjour");
        CallRecord r = gw.onlyCall();
        assertThat(r.stream()).isTrue();
        assertThat(r.inputTokens()).isEqualTo(15);
        assertThat(r.outputTokens()).isEqualTo(3);
        assertThat(r.ttftMs()).isNotNull();
        assertThat(r.finishReason()).isEqualTo("end_turn");
        assertThat(r.costMicros()).isEqualTo(90); // 15 x 3 + 3 x 15
    }
}
