package dev.tally.gateway.proxy;

import static dev.tally.gateway.fake.FakeProvider.after;
import static dev.tally.gateway.fake.FakeProvider.json;
import static dev.tally.gateway.fake.FakeProvider.sse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.gateway.fake.FakeProvider;
import dev.tally.gateway.fake.Wire;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retries with backoff and retry-after, ordered fallbacks, and timeouts; attempts/provider/served model in the record. */
class RetryAndFallbackTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

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
    void a_429_is_retried_no_sooner_than_its_retry_after() throws Exception {
        gw.provider.then(json(429, Wire.openAiError("Rate limit reached", "requests", "rate_limit_exceeded"), "retry-after", "1"),
                json(200, Wire.chatCompletion("gpt-4o-2024-08-06", "ok", 10, 2, 0, 0)));

        HttpResponse<String> res = gw.post("/v1/chat/completions", CHAT);

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(gw.retryWaits).containsExactly(Duration.ofSeconds(1));
        CallRecord r = gw.onlyCall();
        assertThat(r.status()).isEqualTo(CallStatus.SUCCESS);
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(r.provider()).isEqualTo("openai");
    }

    @Test
    void server_errors_are_retried_with_growing_backoff_then_the_fallback_serves_and_prices_the_call() throws Exception {
        String boom = Wire.openAiError("The server had an error", "server_error", null);
        gw.provider.then(json(500, boom), json(502, boom), json(500, boom),
                json(200, Wire.chatCompletion("gpt-4o-mini-2024-07-18", "from backup", 1000, 100, 0, 0)));

        HttpResponse<String> res = gw.post("/v1/chat/completions", CHAT);

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(gw.provider.received()).extracting(FakeProvider.Received::path).containsExactly(
                "/v1/chat/completions", "/v1/chat/completions", "/v1/chat/completions", "/backup/v1/chat/completions");
        assertThat(gw.provider.received().get(3).header("authorization")).isEqualTo("Bearer " + GatewayFixture.BACKUP_KEY);
        assertThat(JSON.readTree(gw.provider.received().get(3).body()).path("model").asText()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(gw.retryWaits).containsExactly(Duration.ofMillis(5), Duration.ofMillis(10));
        CallRecord r = gw.onlyCall();
        assertThat(r.model()).isEqualTo("gpt-4o");
        assertThat(r.servedModel()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(r.provider()).isEqualTo("backup");
        assertThat(r.attempts()).isEqualTo(4);
        assertThat(r.costMicros()).isEqualTo(210); // gpt-4o-mini's price: 1000 x 0.15 + 100 x 0.60
    }

    @Test
    void when_everything_fails_the_last_provider_error_reaches_the_client_and_the_record() throws Exception {
        String busy = Wire.openAiError("Overloaded", "server_error", "overloaded");
        gw.provider.then(json(503, busy), json(503, busy), json(503, busy), json(503, busy));

        HttpResponse<String> res = gw.post("/v1/chat/completions", CHAT);

        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(res.body()).path("error").path("code").asText()).isEqualTo("overloaded");
        CallRecord r = gw.onlyCall();
        assertThat(r.status()).isEqualTo(CallStatus.ERROR);
        assertThat(r.httpStatus()).isEqualTo(503);
        assertThat(r.errorCode()).isEqualTo("overloaded");
        assertThat(r.attempts()).isEqualTo(4);
        assertThat(r.provider()).isEqualTo("backup");
    }

    @Test
    void a_retry_after_longer_than_the_cap_moves_on_to_the_fallback_without_waiting() throws Exception {
        gw.provider.then(json(429, Wire.openAiError("slow down", "requests", "rate_limit_exceeded"), "retry-after", "60"),
                json(200, Wire.chatCompletion("gpt-4o-mini-2024-07-18", "ok", 5, 1, 0, 0)));

        gw.post("/v1/chat/completions", CHAT);

        assertThat(gw.retryWaits).isEmpty();
        CallRecord r = gw.onlyCall();
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(r.provider()).isEqualTo("backup");
        assertThat(r.status()).isEqualTo(CallStatus.SUCCESS);
    }

    @Test
    void a_slow_first_byte_times_out_and_the_fallback_answers() throws Exception {
        gw.provider.then(after(Duration.ofSeconds(2), json(200, Wire.chatCompletion("slow", "late", 1, 1, 0, 0))),
                json(200, Wire.chatCompletion("gpt-4o-mini-2024-07-18", "on time", 3, 2, 0, 0)));

        HttpResponse<String> res = gw.post("/v1/chat/completions", "{\"model\":\"slow-model\",\"messages\":[]}");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).contains("on time");
        CallRecord r = gw.onlyCall();
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(r.provider()).isEqualTo("backup");
        assertThat(r.servedModel()).isEqualTo("gpt-4o-mini-2024-07-18");
    }

    @Test
    void an_unreachable_provider_is_retried_then_a_502_with_the_same_code_in_the_record() throws Exception {
        HttpResponse<String> res = gw.post("/v1/chat/completions", "{\"model\":\"dead-model\",\"messages\":[]}");

        assertThat(res.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(res.body()).path("error").path("code").asText()).isEqualTo("upstream_unreachable");
        assertThat(gw.retryWaits).containsExactly(Duration.ofMillis(7));
        CallRecord r = gw.onlyCall();
        assertThat(r.status()).isEqualTo(CallStatus.ERROR);
        assertThat(r.httpStatus()).isEqualTo(502);
        assertThat(r.errorCode()).isEqualTo("upstream_unreachable");
        assertThat(r.errorMessage()).contains("provider dead could not be reached");
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(r.provider()).isEqualTo("dead");
    }

    @Test
    void a_stream_silent_for_longer_than_the_idle_timeout_ends_with_an_error_event_and_an_error_record() throws Exception {
        gw.provider.then(sse(List.of("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"slow\",\"choices\":"
                + "[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"), Duration.ofMillis(1500)));

        HttpResponse<String> res = gw.post("/v1/chat/completions", "{\"model\":\"slow-model\",\"stream\":true,\"messages\":[]}");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(TallyComment.strip(res.body())).startsWith("data: {\"error\":").contains("\"code\":\"upstream_timeout\"");
        CallRecord r = gw.onlyCall();
        assertThat(r.status()).isEqualTo(CallStatus.ERROR);
        assertThat(r.errorCode()).isEqualTo("upstream_timeout");
        assertThat(r.errorMessage()).contains("idle timeout");
    }
}
