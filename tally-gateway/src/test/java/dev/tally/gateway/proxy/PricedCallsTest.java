package dev.tally.gateway.proxy;

import static dev.tally.gateway.fake.FakeProvider.json;
import static dev.tally.gateway.fake.FakeProvider.sse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.pricing.Cost;
import dev.tally.audit.pricing.PriceBook;
import dev.tally.gateway.fake.Wire;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Effective-dated and tiered prices end to end, over real sockets, with the providers' wire
 * formats: the version in force when the call started, the prompt-size tier, Anthropic's 5-minute
 * and one-hour cache writes, service tiers from the request and the answer, audio and image
 * tokens. Every record is also re-priced with {@link PriceBook#cost(CallRecord)}, which must give
 * exactly the cost the live call got. Expected numbers are worked by hand in the comments.
 */
class PricedCallsTest {

    private static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]%s}";
    private static final String MESSAGES = "{\"model\":\"claude\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]%s}";
    private static final Instant JUNE = Instant.parse("2026-06-01T00:00:00Z");

    @TempDir
    Path dir;

    private PricedGateway gw;

    @BeforeEach
    void start() throws Exception {
        gw = new PricedGateway(dir, "2026-05-31T23:59:59.999Z");
    }

    @AfterEach
    void everyRecordRepricesToItsLiveCost() throws Exception {
        try {
            PriceBook book = gw.book();
            for (CallRecord r : gw.calls()) {
                Optional<Cost> live = r.costMicros() == null ? Optional.empty() : Optional.of(new Cost(r.costMicros(), r.priceId()));
                assertThat(book.cost(r)).as("re-priced %s", r).isEqualTo(live);
            }
        } finally {
            gw.close();
        }
    }

    @Test
    void aCallIsPricedWithTheVersionInForceWhenItStarted() throws Exception {
        gw.provider.then(json(200, Wire.chatCompletion("gpt-4o", "Hi", 1000, 500, 0, 0)),
                json(200, Wire.chatCompletion("gpt-4o", "Hi", 1000, 500, 0, 0)));

        // One millisecond before June: 1000 × 2.50 + 500 × 10 = 7500
        HttpResponse<String> may = gw.post("/v1/chat/completions", CHAT.formatted("gpt-4o", ""));
        CallRecord before = gw.last();
        gw.clock.set(JUNE);
        // From June on: 1000 × 2 + 500 × 8 = 6000
        HttpResponse<String> june = gw.post("/v1/chat/completions", CHAT.formatted("gpt-4o", ""));
        CallRecord after = gw.last();

        assertThat(before.costMicros()).isEqualTo(7_500L);
        assertThat(may.headers().firstValue("x-tally-cost-usd")).hasValue("0.0075");
        assertThat(after.costMicros()).isEqualTo(6_000L);
        assertThat(june.headers().firstValue("x-tally-cost-usd")).hasValue("0.006");
        List<String> ids = gw.book().versions().get("gpt-4o").stream().map(v -> v.id()).toList();
        assertThat(List.of(before.priceId(), after.priceId())).isEqualTo(ids);
        assertThat(before.pricedModel()).isEqualTo("gpt-4o");
    }

    @Test
    void aFallbackIsPricedAndRecordedAsTheModelThatServed() throws Exception {
        gw.provider.then(json(500, Wire.openAiError("down", "server_error", null)),
                json(200, Wire.chatCompletion("gpt-4o-backup", "Hi", 1000, 500, 0, 0)));

        gw.post("/v1/chat/completions", CHAT.formatted("gpt-4o", ""));

        CallRecord r = gw.last();
        // 1000 × 1 + 500 × 1 = 1500 at the backup's price, not gpt-4o's
        assertThat(r.model()).isEqualTo("gpt-4o");
        assertThat(r.pricedModel()).isEqualTo("gpt-4o-backup");
        assertThat(r.costMicros()).isEqualTo(1_500L);
    }

    @Test
    void theRequestsServiceTierPricesTheCallWhenTheAnswerSaysNone() throws Exception {
        gw.clock.set(JUNE);
        gw.provider.then(json(200, Wire.chatCompletion("gpt-4o", "Hi", 1000, 500, 0, 0)));

        gw.post("/v1/chat/completions", CHAT.formatted("gpt-4o", ",\"service_tier\":\"flex\""));

        CallRecord r = gw.last();
        // (1000 × 2 + 500 × 8) × 0.5 = 3000
        assertThat(r.serviceTier()).isEqualTo("flex");
        assertThat(r.costMicros()).isEqualTo(3_000L);
    }

    @Test
    void theAnswersServiceTierWinsOverTheRequests() throws Exception {
        gw.clock.set(JUNE);
        String answer = Wire.chatCompletion("gpt-4o", "Hi", 1000, 500, 0, 0).replace("{\"id\"", "{\"service_tier\":\"default\",\"id\"");
        gw.provider.then(json(200, answer));

        gw.post("/v1/chat/completions", CHAT.formatted("gpt-4o", ",\"service_tier\":\"priority\""));

        CallRecord r = gw.last();
        // priority asked, default served: 6000 × 1
        assertThat(r.serviceTier()).isEqualTo("default");
        assertThat(r.costMicros()).isEqualTo(6_000L);
    }

    @Test
    void aStreamsServiceTierComesFromItsChunks() throws Exception {
        gw.clock.set(JUNE);
        List<String> events = Wire.chatStream("gpt-4o", List.of("Hel", "lo"), 1000L, 500L, true).stream()
                .map(e -> e.replace("\"object\":\"chat.completion.chunk\",", "\"object\":\"chat.completion.chunk\",\"service_tier\":\"flex\","))
                .toList();
        gw.provider.then(sse(events));

        gw.post("/v1/chat/completions", CHAT.formatted("gpt-4o", ",\"stream\":true,\"service_tier\":\"priority\""));

        CallRecord r = gw.last();
        // (1000 × 2 + 500 × 8) × 0.5 = 3000
        assertThat(r.serviceTier()).isEqualTo("flex");
        assertThat(r.costMicros()).isEqualTo(3_000L);
    }

    @Test
    void audioTokensArePricedAtTheAudioRatesInAnswersAndStreams() throws Exception {
        String usage = "\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":500,\"total_tokens\":1500,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":100,\"audio_tokens\":400},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":300,"
                + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}";
        String answer = "{\"id\":\"chatcmpl-a\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"gpt-4o-audio-preview\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,\"audio\":{\"id\":\"audio_1\","
                + "\"data\":\"UklGRg==\",\"expires_at\":1700003600,\"transcript\":\"Hi\"}},\"finish_reason\":\"stop\"}],"
                + usage + ",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_1\"}";
        List<String> stream = List.of(
                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"finish_reason\":null}],\"usage\":null}\n\n",
                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o\","
                        + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n",
                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o\",\"choices\":[],"
                        + usage + "}\n\n",
                "data: [DONE]\n\n");
        gw.provider.then(json(200, answer), sse(stream));

        gw.post("/v1/chat/completions", CHAT.formatted("gpt-4o", ""));
        CallRecord whole = gw.last();
        gw.post("/v1/chat/completions", CHAT.formatted("gpt-4o", ",\"stream\":true"));
        CallRecord streamed = gw.last();

        // text in (1000 − 100 − 400) × 2.50 = 1250, cached 100 × 1.25 = 125, audio in 400 × 40 = 16000,
        // text out (500 − 300) × 10 = 2000, audio out 300 × 80 = 24000: 43375
        for (CallRecord r : List.of(whole, streamed)) {
            assertThat(r.audioInputTokens()).isEqualTo(400L);
            assertThat(r.audioOutputTokens()).isEqualTo(300L);
            assertThat(r.imageInputTokens()).isNull();
            assertThat(r.costMicros()).isEqualTo(43_375L);
        }
        assertThat(whole.serviceTier()).isEqualTo("default");
    }

    @Test
    void responsesImageTokensArePricedAtTheImageRate() throws Exception {
        String answer = Wire.response("gpt-4o", "A cat", 1000, 0, 100, 0)
                .replace("\"input_tokens_details\":{\"cached_tokens\":0}", "\"input_tokens_details\":{\"cached_tokens\":0,\"image_tokens\":600}");
        gw.provider.then(json(200, answer));

        gw.post("/v1/responses", "{\"model\":\"gpt-4o\",\"input\":\"what is this?\"}");

        CallRecord r = gw.last();
        // text in 400 × 2.50 = 1000, image 600 × 5 = 3000, out 100 × 10 = 1000: 5000
        assertThat(r.imageInputTokens()).isEqualTo(600L);
        assertThat(r.costMicros()).isEqualTo(5_000L);
    }

    @Test
    void aResponsesStreamGivesImageTokensAndServiceTierFromItsCompletedEvent() throws Exception {
        List<String> events = Wire.responseStream("gpt-4o", List.of("A ", "cat"), 1000, 100).stream()
                .map(e -> e.replace("\"input_tokens_details\":{\"cached_tokens\":0}",
                                "\"input_tokens_details\":{\"cached_tokens\":0,\"image_tokens\":600}")
                        .replace("\"status\":\"completed\",\"model\"", "\"status\":\"completed\",\"service_tier\":\"flex\",\"model\""))
                .toList();
        gw.provider.then(sse(events));

        gw.post("/v1/responses", "{\"model\":\"gpt-4o\",\"input\":\"what is this?\",\"stream\":true}");

        CallRecord r = gw.last();
        // (400 × 2.50 + 600 × 5 + 100 × 10) × 0.5 = (1000 + 3000 + 1000) × 0.5 = 2500
        assertThat(r.imageInputTokens()).isEqualTo(600L);
        assertThat(r.serviceTier()).isEqualTo("flex");
        assertThat(r.costMicros()).isEqualTo(2_500L);
    }

    @Test
    void anthropicFiveMinuteAndOneHourCacheWritesHaveTheirOwnRates() throws Exception {
        String usage = "{\"input_tokens\":100,\"cache_creation_input_tokens\":3000,\"cache_read_input_tokens\":500,"
                + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":1000,\"ephemeral_1h_input_tokens\":2000},"
                + "\"output_tokens\":%d,\"service_tier\":\"standard\"}";
        String answer = "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"Hi\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
                + "\"usage\":" + usage.formatted(200) + "}";
        List<String> stream = List.of(
                Wire.typed("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
                        + "\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,"
                        + "\"stop_sequence\":null,\"usage\":" + usage.formatted(1) + "}}"),
                Wire.typed("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"),
                Wire.typed("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}"),
                Wire.typed("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
                Wire.typed("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
                        + "\"usage\":{\"output_tokens\":200}}"),
                Wire.typed("message_stop", "{\"type\":\"message_stop\"}"));
        gw.provider.then(json(200, answer), sse(stream), json(200, Wire.message("claude-sonnet-4-5", "Hi", 100, 200, 3000, 500)));

        gw.post("/v1/messages", MESSAGES.formatted(""));
        CallRecord whole = gw.last();
        gw.post("/v1/messages", MESSAGES.formatted(",\"stream\":true"));
        CallRecord streamed = gw.last();
        gw.post("/v1/messages", MESSAGES.formatted(""));
        CallRecord noBreakdown = gw.last();

        // 100 × 3 + 500 × 0.30 + 1000 × 3.75 + 2000 × 6 + 200 × 15 = 300 + 150 + 3750 + 12000 + 3000 = 19200
        for (CallRecord r : List.of(whole, streamed)) {
            assertThat(r.cacheWriteTokens()).isEqualTo(3_000L);
            assertThat(r.cacheWrite1hTokens()).isEqualTo(2_000L);
            assertThat(r.serviceTier()).isEqualTo("standard");
            assertThat(r.costMicros()).isEqualTo(19_200L);
        }
        // Without the breakdown every write is a 5-minute one: 300 + 150 + 3000 × 3.75 + 3000 = 14700
        assertThat(noBreakdown.cacheWrite1hTokens()).isNull();
        assertThat(noBreakdown.costMicros()).isEqualTo(14_700L);
    }

    @Test
    void aPromptAboveTheTierIsPricedWhollyAtTheTierRates() throws Exception {
        String batch = Wire.message("claude-sonnet-4-5", "Hi", 150_000, 1000, 0, 60_000)
                .replace("\"cache_read_input_tokens\":60000}", "\"cache_read_input_tokens\":60000,\"service_tier\":\"batch\"}");
        gw.provider.then(json(200, Wire.message("claude-sonnet-4-5", "Hi", 140_000, 1000, 0, 60_000)), json(200, batch));

        gw.post("/v1/messages", MESSAGES.formatted(""));
        CallRecord atThreshold = gw.last();
        gw.post("/v1/messages", MESSAGES.formatted(""));
        CallRecord above = gw.last();

        // 200000 input exactly is not above: 140000 × 3 + 60000 × 0.30 + 1000 × 15 = 420000 + 18000 + 15000 = 453000
        assertThat(atThreshold.inputTokens()).isEqualTo(200_000L);
        assertThat(atThreshold.costMicros()).isEqualTo(453_000L);
        // 210000: (150000 × 6 + 60000 × 0.60 + 1000 × 22.50) × 0.5 (batch) = (900000 + 36000 + 22500) × 0.5 = 479250
        assertThat(above.inputTokens()).isEqualTo(210_000L);
        assertThat(above.serviceTier()).isEqualTo("batch");
        assertThat(above.costMicros()).isEqualTo(479_250L);
    }

    @Test
    void aModelWithoutAPriceStaysUnpriced() throws Exception {
        gw.provider.then(json(200, Wire.chatCompletion("unpriced", "Hi", 10, 5, 0, 0)));

        gw.post("/v1/chat/completions", CHAT.formatted("unpriced", ""));

        assertThat(gw.last().costMicros()).isNull();
        assertThat(gw.last().priceId()).isNull();
    }
}
