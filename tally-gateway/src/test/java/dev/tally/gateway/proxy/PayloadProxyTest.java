package dev.tally.gateway.proxy;

import static dev.tally.gateway.fake.FakeProvider.json;
import static dev.tally.gateway.fake.FakeProvider.sse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.PayloadMode;
import dev.tally.audit.store.StoredPayload;
import dev.tally.gateway.fake.Wire;
import dev.tally.gateway.keys.KeySettings;
import dev.tally.gateway.payload.PayloadKeeper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The payload policy end to end over real sockets: what each mode keeps, per-key overrides, redaction, the cap. */
class PayloadProxyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}]}";
    private static final String STREAM = "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}]}";

    @TempDir
    Path dir;

    private GatewayFixture gw;

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    private void start(String policy) throws Exception {
        gw = GatewayFixture.startWithAudit(dir, "  payload: " + policy + "\n  redaction_patterns: ['ACME-[0-9]{4}']\n");
    }

    private Optional<StoredPayload> payloadOf(CallRecord r) {
        return gw.store.payload(r.id());
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void full_keeps_request_and_response_of_a_json_call_as_they_were() throws Exception {
        start("full");
        String answer = Wire.chatCompletion("gpt-4o-2024-08-06", "Hello there", 9, 2, 0, 0);
        gw.provider.then(json(200, answer));
        String request = CHAT.formatted("Hi, mail me at ann@example.com");

        HttpResponse<String> res = gw.post("/v1/chat/completions", request);

        assertThat(res.statusCode()).isEqualTo(200);
        CallRecord r = gw.onlyCall();
        assertThat(r.payload()).isEqualTo(PayloadMode.FULL);
        StoredPayload p = payloadOf(r).orElseThrow();
        assertThat(p.mode()).isEqualTo(PayloadMode.FULL);
        assertThat(p.request()).isEqualTo(request);
        assertThat(p.response()).isEqualTo(res.body());
        assertThat(p.requestSha256()).isEqualTo(sha256(request));
        assertThat(p.responseSha256()).isEqualTo(sha256(res.body()));
        assertThat(p.truncated()).isFalse();
        assertThat(p.request() + p.response()).doesNotContain(gw.clientKey).doesNotContain(GatewayFixture.OPENAI_KEY);
    }

    @Test
    void full_keeps_a_stream_as_the_text_and_tool_calls_gathered_while_it_passed() throws Exception {
        start("full");
        List<String> events = Wire.chatStream("gpt-4o-2024-08-06", List.of("Hel", "lo", "!"), 12L, 3L, true);
        gw.provider.then(sse(events));

        HttpResponse<String> res = gw.post("/v1/chat/completions", STREAM.formatted("Hi"));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).endsWith("data: [DONE]\n\n"); // the client got the stream itself, untouched
        CallRecord r = gw.onlyCall();
        assertThat(r.payload()).isEqualTo(PayloadMode.FULL);
        StoredPayload p = payloadOf(r).orElseThrow();
        JsonNode kept = JSON.readTree(p.response());
        assertThat(kept.path("stream").asBoolean()).isTrue();
        assertThat(kept.path("text").asText()).isEqualTo("Hello!");
        assertThat(kept.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(p.responseSha256()).isEqualTo(sha256(p.response()));
        assertThat(p.request()).isEqualTo(STREAM.formatted("Hi"));
    }

    @Test
    void a_streamed_tool_call_is_kept_with_its_name_and_arguments() throws Exception {
        start("full");
        gw.provider.then(sse(Wire.chatToolStream("gpt-4o", "get_weather", List.of("{\\\"city\\\":", "\\\"Paris\\\"}"), 5, 4)));

        gw.post("/v1/chat/completions", STREAM.formatted("weather?"));

        JsonNode kept = JSON.readTree(payloadOf(gw.onlyCall()).orElseThrow().response());
        assertThat(kept.path("tool_calls").get(0).asText()).isEqualTo("get_weather");
        assertThat(kept.path("text").asText()).contains("Paris");
    }

    @Test
    void hash_keeps_only_the_digests_of_a_json_call_and_of_a_stream() throws Exception {
        start("hash");
        String answer = Wire.chatCompletion("gpt-4o", "secret plan", 9, 2, 0, 0);
        gw.provider.then(json(200, answer), sse(Wire.chatStream("gpt-4o", List.of("a", "b"), 3L, 2L, true)));
        String request = CHAT.formatted("keep this private");

        HttpResponse<String> res = gw.post("/v1/chat/completions", request);
        gw.post("/v1/chat/completions", STREAM.formatted("also private"));

        List<CallRecord> calls = gw.calls();
        assertThat(calls).extracting(CallRecord::payload).containsExactly(PayloadMode.HASH, PayloadMode.HASH);
        StoredPayload json = payloadOf(calls.get(0)).orElseThrow();
        assertThat(json.request()).isNull();
        assertThat(json.response()).isNull();
        assertThat(json.requestSha256()).isEqualTo(sha256(request));
        assertThat(json.responseSha256()).isEqualTo(sha256(res.body()));
        StoredPayload stream = payloadOf(calls.get(1)).orElseThrow();
        assertThat(stream.request()).isNull();
        assertThat(stream.response()).isNull();
        assertThat(stream.requestSha256()).isEqualTo(sha256(STREAM.formatted("also private")));
        assertThat(stream.responseSha256()).isEqualTo(sha256("{\"stream\":true,\"text\":\"ab\",\"tool_calls\":[],\"finish_reason\":\"stop\"}"));
    }

    @Test
    void off_keeps_nothing_and_the_record_says_none() throws Exception {
        start("off");
        gw.provider.then(json(200, Wire.chatCompletion("gpt-4o", "x", 1, 1, 0, 0)),
                sse(Wire.chatStream("gpt-4o", List.of("a"), 3L, 1L, true)));

        gw.post("/v1/chat/completions", CHAT.formatted("hello"));
        gw.post("/v1/chat/completions", STREAM.formatted("hello"));

        for (CallRecord r : gw.calls()) {
            assertThat(r.payload()).isEqualTo(PayloadMode.NONE);
            assertThat(payloadOf(r)).isEmpty();
        }
    }

    @Test
    void redacted_replaces_every_built_in_rule_and_configured_patterns_in_request_and_response() throws Exception {
        start("redacted");
        String answer = Wire.chatCompletion("gpt-4o", "Write to bob@example.org or call +1 415 555 0134", 9, 2, 0, 0);
        gw.provider.then(json(200, answer));
        String text = "mail ann@example.com, phone 555-123-4567, card 4111 1111 1111 1111, "
                + "Bearer abcdefghijklmnop123, keys sk-proj-AAAAbbbbCCCCdddd sk-ant-api03-XXXXyyyyZZZZ "
                + "tk-0123456789abcdef and order ACME-1234";

        gw.post("/v1/chat/completions", CHAT.formatted(text));

        CallRecord r = gw.onlyCall();
        assertThat(r.payload()).isEqualTo(PayloadMode.REDACTED);
        StoredPayload p = payloadOf(r).orElseThrow();
        assertThat(p.request()).isEqualTo(CHAT.formatted("mail [REDACTED:email], phone [REDACTED:phone], card [REDACTED:card], "
                + "[REDACTED:bearer], keys [REDACTED:api_key] [REDACTED:api_key] [REDACTED:api_key] and order [REDACTED:pattern]"));
        assertThat(p.response()).contains("Write to [REDACTED:email] or call [REDACTED:phone]")
                .contains("\"created\":1700000000"); // a bare number is not a phone number
        assertThat(p.requestSha256()).isEqualTo(sha256(CHAT.formatted(text))); // the digest proves the original
    }

    @Test
    void redacted_applies_to_the_assembled_text_of_a_stream() throws Exception {
        start("redacted");
        gw.provider.then(sse(Wire.chatStream("gpt-4o", List.of("reach ", "eve@example.net", " now"), 3L, 3L, true)));

        gw.post("/v1/chat/completions", STREAM.formatted("who?"));

        StoredPayload p = payloadOf(gw.onlyCall()).orElseThrow();
        assertThat(JSON.readTree(p.response()).path("text").asText()).isEqualTo("reach [REDACTED:email] now");
    }

    @Test
    void a_key_policy_overrides_the_global_one_both_ways() throws Exception {
        start("off");
        String fullKey = gw.gateway.keys().create(KeySettings.named("keeper").withPayloadPolicy("full"), "test").secret();
        gw.provider.then(json(200, Wire.chatCompletion("gpt-4o", "x", 1, 1, 0, 0)),
                json(200, Wire.chatCompletion("gpt-4o", "y", 1, 1, 0, 0)));

        gw.post("/v1/chat/completions", CHAT.formatted("global"));
        gw.post("/v1/chat/completions", CHAT.formatted("own"), "authorization", "Bearer " + fullKey);

        List<CallRecord> calls = gw.calls();
        assertThat(calls).extracting(CallRecord::payload).containsExactly(PayloadMode.NONE, PayloadMode.FULL);
        assertThat(payloadOf(calls.get(1)).orElseThrow().request()).isEqualTo(CHAT.formatted("own"));
        assertThat(payloadOf(calls.get(0))).isEmpty();
    }

    @Test
    void a_key_can_switch_keeping_off_under_a_global_full_policy() throws Exception {
        start("full");
        String quietKey = gw.gateway.keys().create(KeySettings.named("quiet").withPayloadPolicy("off"), "test").secret();
        gw.provider.then(json(200, Wire.chatCompletion("gpt-4o", "x", 1, 1, 0, 0)));

        gw.post("/v1/chat/completions", CHAT.formatted("nothing kept"), "authorization", "Bearer " + quietKey);

        CallRecord r = gw.onlyCall();
        assertThat(r.payload()).isEqualTo(PayloadMode.NONE);
        assertThat(payloadOf(r)).isEmpty();
    }

    @Test
    void in_sync_mode_the_payload_is_durable_with_its_record_when_the_client_has_its_answer() throws Exception {
        gw = GatewayFixture.startWithAudit(dir, dev.tally.audit.recorder.Durability.SYNC, "  payload: full\n");
        gw.provider.then(json(200, Wire.chatCompletion("gpt-4o", "x", 1, 1, 0, 0)),
                sse(Wire.chatStream("gpt-4o", List.of("s", "t"), 3L, 2L, true)));

        HttpResponse<String> json = gw.post("/v1/chat/completions", CHAT.formatted("sync json"));
        gw.post("/v1/chat/completions", STREAM.formatted("sync stream"));

        // no flush: in sync mode both are committed before the client's response completed
        List<String> ids = List.of(json.headers().firstValue("x-request-id").orElseThrow());
        assertThat(gw.store.payload(ids.getFirst()).orElseThrow().request()).isEqualTo(CHAT.formatted("sync json"));
        List<CallRecord> calls = gw.calls();
        assertThat(calls).extracting(CallRecord::payload).containsExactly(PayloadMode.FULL, PayloadMode.FULL);
        assertThat(JSON.readTree(payloadOf(calls.get(1)).orElseThrow().response()).path("text").asText()).isEqualTo("st");
    }

    @Test
    void a_body_over_the_cap_is_cut_and_says_so_while_its_digest_covers_all_of_it() throws Exception {
        start("full");
        gw.provider.then(json(200, Wire.chatCompletion("gpt-4o", "ok", 1, 1, 0, 0)));
        String request = CHAT.formatted("é".repeat(PayloadKeeper.DEFAULT_CAP_BYTES));

        gw.post("/v1/chat/completions", request);

        StoredPayload p = payloadOf(gw.onlyCall()).orElseThrow();
        assertThat(p.truncated()).isTrue();
        assertThat(p.request().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(PayloadKeeper.DEFAULT_CAP_BYTES)
                .isGreaterThan(PayloadKeeper.DEFAULT_CAP_BYTES - 2);
        assertThat(request).startsWith(p.request());
        assertThat(p.requestSha256()).isEqualTo(sha256(request));
        assertThat(p.response()).isEqualTo(Wire.chatCompletion("gpt-4o", "ok", 1, 1, 0, 0));
    }
}
