package dev.tally.gateway.proxy;

import static dev.tally.gateway.fake.FakeProvider.sse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.entry.UsageSource;
import dev.tally.gateway.fake.FakeProvider;
import dev.tally.gateway.fake.Wire;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streamed calls: event-by-event relay, usage from the stream, break-offs and client cancellation. */
class StreamProxyTest {

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
    void chat_stream_gets_usage_by_include_usage_and_hides_that_chunk_from_a_client_that_did_not_ask() throws Exception {
        List<String> events = Wire.chatStream("gpt-4o-2024-08-06", List.of("Hel", "lo", "!"), 12L, 3L, true);
        gw.provider.then(sse(events));

        HttpResponse<String> res = gw.post("/v1/chat/completions",
                "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(JSON.readTree(gw.provider.received().getFirst().body()).path("stream_options").path("include_usage").asBoolean())
                .isTrue();
        String expected = String.join("", events.stream().filter(e -> !e.contains("\"choices\":[]")).toList());
        assertThat(TallyComment.strip(res.body())).isEqualTo(expected);
        assertThat(res.body()).doesNotContain("\"prompt_tokens\"").endsWith("data: [DONE]\n\n");

        CallRecord r = gw.onlyCall();
        assertThat(r.status()).isEqualTo(CallStatus.SUCCESS);
        assertThat(r.stream()).isTrue();
        assertThat(r.inputTokens()).isEqualTo(12);
        assertThat(r.outputTokens()).isEqualTo(3);
        assertThat(r.usageSource()).isEqualTo(UsageSource.REPORTED);
        assertThat(r.ttftMs()).isNotNull().isNotNegative();
        assertThat(r.finishReason()).isEqualTo("stop");
        assertThat(r.servedModel()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(r.costMicros()).isEqualTo(60); // 12 x 2.50 + 3 x 10.00
        assertThat(r.responseBytes()).isEqualTo((long) res.body().getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void a_client_that_asked_for_usage_gets_the_usage_chunk() throws Exception {
        List<String> events = Wire.chatStream("gpt-4o", List.of("a", "b"), 7L, 2L, true);
        gw.provider.then(sse(events));

        HttpResponse<String> res = gw.post("/v1/chat/completions",
                "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[]}");

        assertThat(TallyComment.strip(res.body())).isEqualTo(String.join("", events));
        assertThat(gw.onlyCall().inputTokens()).isEqualTo(7);
    }

    @Test
    void streamed_tool_calls_are_named_in_the_record() throws Exception {
        gw.provider.then(sse(Wire.chatToolStream("gpt-4o", "lookup_order", List.of("{\"id\":", "42}"), 30, 9)));

        gw.post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}");

        CallRecord r = gw.onlyCall();
        assertThat(r.toolCalls()).containsExactly("lookup_order");
        assertThat(r.finishReason()).isEqualTo("tool_calls");
        assertThat(r.outputTokens()).isEqualTo(9);
    }

    @Test
    void anthropic_stream_is_relayed_byte_for_byte_with_normalised_cache_usage() throws Exception {
        List<String> events = Wire.messageStream("claude-sonnet-4-5", List.of("Bon", "jour"), 10, 25, 300, 500, true);
        gw.provider.then(sse(events));

        HttpResponse<String> res = gw.post("/v1/messages",
                "{\"model\":\"claude-sonnet\",\"stream\":true,\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                "authorization", "", "x-api-key", gw.clientKey);

        assertThat(TallyComment.strip(res.body())).isEqualTo(String.join("", events));
        CallRecord r = gw.onlyCall();
        assertThat(r.status()).isEqualTo(CallStatus.SUCCESS);
        assertThat(r.inputTokens()).isEqualTo(810);
        assertThat(r.cachedInputTokens()).isEqualTo(500);
        assertThat(r.cacheWriteTokens()).isEqualTo(300);
        assertThat(r.outputTokens()).isEqualTo(25);
        assertThat(r.usageSource()).isEqualTo(UsageSource.REPORTED);
        assertThat(r.finishReason()).isEqualTo("end_turn");
        assertThat(r.ttftMs()).isNotNull();
    }

    @Test
    void responses_stream_reads_usage_from_response_completed() throws Exception {
        gw.provider.then(sse(Wire.responseStream("gpt-4o-2024-08-06", List.of("Hi", " there"), 40, 6)));

        HttpResponse<String> res = gw.post("/v1/responses", "{\"model\":\"gpt-4o\",\"stream\":true,\"input\":\"Hello\"}");

        assertThat(res.body()).contains("event: response.completed");
        CallRecord r = gw.onlyCall();
        assertThat(r.operation()).isEqualTo(dev.tally.audit.entry.Operation.RESPONSE);
        assertThat(r.inputTokens()).isEqualTo(40);
        assertThat(r.outputTokens()).isEqualTo(6);
        assertThat(r.finishReason()).isEqualTo("completed");
        assertThat(r.status()).isEqualTo(CallStatus.SUCCESS);
    }

    @Test
    void a_chat_stream_that_breaks_off_is_an_error_with_partial_usage_and_the_client_gets_an_error_event() throws Exception {
        gw.provider.then(sse(Wire.chatStream("gpt-4o", List.of("The quick brown", " fox jumps"), null, null, false)));

        HttpResponse<String> res = gw.post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":["
                + "{\"role\":\"user\",\"content\":\"Tell me a story\"}]}");

        assertThat(res.body()).doesNotContain("[DONE]");
        String last = res.body().substring(res.body().lastIndexOf("data: "));
        assertThat(JSON.readTree(last.substring(6)).path("error").path("code").asText()).isEqualTo("stream_truncated");
        CallRecord r = gw.onlyCall();
        assertThat(r.status()).isEqualTo(CallStatus.ERROR);
        assertThat(r.errorCode()).isEqualTo("stream_truncated");
        assertThat(r.usageSource()).isEqualTo(UsageSource.ESTIMATED);
        assertThat(r.inputTokens()).isPositive();
        assertThat(r.outputTokens()).isBetween(3L, 8L);
    }

    @Test
    void an_anthropic_stream_that_breaks_off_keeps_the_reported_input_and_ends_with_an_error_event() throws Exception {
        gw.provider.then(sse(Wire.messageStream("claude-sonnet-4-5", List.of("Once upon", " a time"), 20, 99, 0, 0, false)));

        HttpResponse<String> res = gw.post("/v1/messages", "{\"model\":\"claude-sonnet\",\"stream\":true,\"max_tokens\":50,"
                + "\"messages\":[]}");

        assertThat(res.body()).endsWith("\n\n").contains("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\"");
        CallRecord r = gw.onlyCall();
        assertThat(r.status()).isEqualTo(CallStatus.ERROR);
        assertThat(r.inputTokens()).isEqualTo(20);
        assertThat(r.outputTokens()).isBetween(2L, 6L);
        assertThat(r.usageSource()).isEqualTo(UsageSource.ESTIMATED);
    }

    @Test
    void a_client_that_disconnects_mid_stream_stops_the_upstream_and_leaves_a_cancelled_record_with_counted_output()
            throws Exception {
        List<String> events = Wire.chatStream("gpt-4o", FakeProvider.repeat(" word", 400), 10L, 400L, true);
        gw.provider.then(sse(events, Duration.ofMillis(10)));

        String body = "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Count\"}]}";
        try (Socket socket = new Socket("127.0.0.1", gw.gateway.port())) {
            socket.setSoLinger(true, 0);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + gw.clientKey
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder seen = new StringBuilder();
            byte[] buf = new byte[1024];
            while (count(seen, "word") < 5) {
                int n = in.read(buf);
                assertThat(n).as("stream ended early").isPositive();
                seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
        } // closed with RST, mid-stream

        assertThat(gw.provider.awaitStreamCut(Duration.ofSeconds(20))).as("upstream stopped").isTrue();
        CallRecord r = awaitRecord();
        assertThat(r.status()).isEqualTo(CallStatus.CANCELLED);
        assertThat(r.errorCode()).isEqualTo("client_cancelled");
        assertThat(r.usageSource()).isEqualTo(UsageSource.ESTIMATED);
        assertThat(r.outputTokens()).isBetween(5L, 399L);
        assertThat(r.inputTokens()).isPositive();
        assertThat(r.costMicros()).isPositive();
        assertThat(r.ttftMs()).isNotNull();
    }

    @Test
    void an_error_event_from_the_provider_is_forwarded_and_recorded_with_its_type() throws Exception {
        List<String> events = new java.util.ArrayList<>(Wire.messageStream("claude-sonnet-4-5", List.of("Hi"), 10, 0, 0, 0, false));
        events.add(Wire.typed("error", Wire.anthropicError("overloaded_error", "Overloaded")));
        gw.provider.then(sse(events));

        HttpResponse<String> res = gw.post("/v1/messages", "{\"model\":\"claude-sonnet\",\"stream\":true,\"max_tokens\":5,\"messages\":[]}");

        assertThat(TallyComment.strip(res.body())).isEqualTo(String.join("", events));
        CallRecord r = gw.onlyCall();
        assertThat(r.status()).isEqualTo(CallStatus.ERROR);
        assertThat(r.errorCode()).isEqualTo("overloaded_error");
        assertThat(r.errorMessage()).isEqualTo("Overloaded");
        assertThat(r.inputTokens()).isEqualTo(10);
    }

    @Test
    void stream_options_without_include_usage_keep_their_other_fields_and_the_usage_chunk_stays_hidden() throws Exception {
        List<String> events = Wire.chatStream("gpt-4o", List.of("x"), 4L, 1L, true);
        gw.provider.then(sse(events));

        HttpResponse<String> res = gw.post("/v1/chat/completions",
                "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_obfuscation\":false},\"messages\":[]}");

        var sent = JSON.readTree(gw.provider.received().getFirst().body()).path("stream_options");
        assertThat(sent.path("include_usage").asBoolean()).isTrue();
        assertThat(sent.path("include_obfuscation").isBoolean()).isTrue();
        assertThat(res.body()).doesNotContain("\"choices\":[]");
        assertThat(gw.onlyCall().outputTokens()).isEqualTo(1);
    }

    @Test
    void each_event_reaches_the_client_before_the_provider_sends_the_next() throws Exception {
        List<String> events = Wire.chatStream("gpt-4o", List.of("one", "two"), 3L, 2L, true);
        java.util.concurrent.CountDownLatch clientGotFirst = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean buffered = new java.util.concurrent.atomic.AtomicBoolean();
        gw.provider.then(FakeProvider.lockstep(events.getFirst(), clientGotFirst, buffered, events.subList(1, events.size())));

        HttpResponse<java.util.stream.Stream<String>> res = gw.http.send(java.net.http.HttpRequest.newBuilder(gw.uri("/v1/chat/completions"))
                .header("authorization", "Bearer " + gw.clientKey).header("content-type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}"))
                .build(), HttpResponse.BodyHandlers.ofLines());
        List<String> lines = new java.util.ArrayList<>();
        res.body().forEach(line -> {
            lines.add(line);
            if (line.startsWith("data: ")) {
                clientGotFirst.countDown(); // the provider holds everything else back until now
            }
        });

        assertThat(buffered).as("the first event was held back by the gateway").isFalse();
        assertThat(lines).contains("data: [DONE]");
        assertThat(gw.onlyCall().status()).isEqualTo(CallStatus.SUCCESS);
    }

    @Test
    void the_client_gets_the_headers_before_the_provider_sends_its_first_event() throws Exception {
        List<String> events = Wire.chatStream("gpt-4o", List.of("one"), 3L, 1L, true);
        java.util.concurrent.CountDownLatch clientGotHeaders = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean heldBack = new java.util.concurrent.atomic.AtomicBoolean();
        gw.provider.then(FakeProvider.headersFirst(clientGotHeaders, heldBack, events));

        // send() returns once the status line and headers are in; the provider waits for that
        HttpResponse<java.util.stream.Stream<String>> res = gw.http.send(java.net.http.HttpRequest.newBuilder(gw.uri("/v1/chat/completions"))
                .header("authorization", "Bearer " + gw.clientKey).header("content-type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}"))
                .build(), HttpResponse.BodyHandlers.ofLines());
        clientGotHeaders.countDown();
        List<String> lines = res.body().toList();

        assertThat(heldBack).as("the gateway held the headers back until the first event").isFalse();
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(lines).contains("data: [DONE]");
        assertThat(gw.onlyCall().status()).isEqualTo(CallStatus.SUCCESS);
    }

    @Test
    void concurrent_streams_each_leave_exactly_one_record() throws Exception {
        int calls = 40;
        for (int i = 0; i < calls; i++) {
            gw.provider.then(sse(Wire.chatStream("gpt-4o", List.of("a", "b", "c"), 5L, 3L, true)));
        }
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> pending = new java.util.ArrayList<>();
        for (int i = 0; i < calls; i++) {
            pending.add(gw.http.sendAsync(java.net.http.HttpRequest.newBuilder(gw.uri("/v1/chat/completions"))
                    .header("authorization", "Bearer " + gw.clientKey).header("content-type", "application/json")
                    .header("x-request-id", "client-" + i)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}"))
                    .build(), HttpResponse.BodyHandlers.ofString()));
        }
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (var p : pending) {
            HttpResponse<String> res = p.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).endsWith("data: [DONE]\n\n");
            ids.add(res.headers().firstValue("x-request-id").orElseThrow());
        }

        List<CallRecord> records = gw.calls();
        assertThat(records).hasSize(calls);
        assertThat(records).extracting(CallRecord::id).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(records).extracting(CallRecord::clientRequestId).doesNotHaveDuplicates();
        assertThat(records).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(CallStatus.SUCCESS);
            assertThat(r.outputTokens()).isEqualTo(3);
        });
    }

    private CallRecord awaitRecord() throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            List<CallRecord> calls = gw.calls();
            if (!calls.isEmpty()) {
                assertThat(calls).hasSize(1);
                return calls.getFirst();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no record written");
    }

    private static int count(CharSequence text, String word) {
        int n = 0;
        for (int i = text.toString().indexOf(word); i >= 0; i = text.toString().indexOf(word, i + 1)) {
            n++;
        }
        return n;
    }
}
