package dev.tally.gateway.trace;

import static dev.tally.gateway.fake.FakeProvider.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.gateway.fake.FakeProvider;
import dev.tally.gateway.fake.Wire;
import dev.tally.gateway.metrics.MetricsFixture;
import dev.tally.gateway.metrics.Scraped;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One OTLP span per call, posted to a hand-written OTLP/HTTP receiver on 127.0.0.1 and decoded
 * with the OTLP protobuf classes: ids tie the span to its record and to the upstream request,
 * attributes follow the GenAI conventions, and nothing secret or said in the call goes out.
 */
class OtlpExportTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "00f067aa0ba902b7";
    private static final String COLLECTOR_TOKEN = "otlp-collector-token-5678";
    private static final String PROMPT = "my-private-prompt-text";

    @TempDir
    Path dir;

    private OtlpReceiver receiver;
    private MetricsFixture gw;

    @BeforeEach
    void start() throws Exception {
        receiver = new OtlpReceiver();
        gw = MetricsFixture.start(dir, """
                telemetry:
                  otlp_endpoint: %s
                  otlp_headers:
                    authorization: Bearer %s
                  service_name: tally-test
                """.formatted(receiver.baseUrl(), COLLECTOR_TOKEN));
    }

    @AfterEach
    void stop() {
        gw.close();
        receiver.close();
    }

    @Test
    void every_sampled_call_is_one_span_with_the_record_trace_and_the_upstream_parent() throws Exception {
        gw.provider.then(json(200, Wire.chatCompletion("gpt-4o-2024-08-06", "Hello!", 1000, 200, 400, 50)),
                json(200, Wire.chatCompletion("gpt-4o-2024-08-06", "Hello!", 10, 2, 0, 0)),
                json(200, Wire.chatCompletion("gpt-4o-2024-08-06", "Hello!", 10, 2, 0, 0)));
        gw.chat("gpt-4o", PROMPT, "traceparent", "00-" + TRACE + "-" + PARENT + "-01");
        gw.chat("gpt-4o", PROMPT);
        gw.chat("gpt-4o", PROMPT, "traceparent", "00-" + TRACE + "-" + PARENT + "-00");
        List<CallRecord> records = gw.calls();
        List<FakeProvider.Received> upstream = gw.provider.received();
        gw.close(); // exports what is queued

        assertThat(receiver.exports()).isNotEmpty().allSatisfy(e -> {
            assertThat(e.path()).isEqualTo("/v1/traces");
            assertThat(e.headers()).containsEntry("authorization", "Bearer " + COLLECTOR_TOKEN);
            assertThat(e.headers().get("content-type")).isEqualTo("application/x-protobuf");
        });
        Map<String, Span> spans = receiver.spans().stream()
                .collect(Collectors.toMap(s -> attributes(s).get("tally.record_id").getStringValue(), Function.identity()));
        assertThat(spans).as("the call whose client did not sample its trace is not exported")
                .containsOnlyKeys(records.get(0).id(), records.get(1).id());

        CallRecord continued = records.get(0);
        Span first = spans.get(continued.id());
        assertThat(hex(first.getTraceId().toByteArray())).isEqualTo(TRACE).isEqualTo(continued.traceId());
        assertThat(hex(first.getParentSpanId().toByteArray())).isEqualTo(PARENT);
        String spanId = hex(first.getSpanId().toByteArray());
        assertThat(upstream.get(0).header("traceparent")).isEqualTo("00-" + TRACE + "-" + spanId + "-01");
        assertThat(first.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
        assertThat(first.getName()).isEqualTo("chat gpt-4o");
        long start = TimeUnit.SECONDS.toNanos(continued.startedAt().getEpochSecond()) + continued.startedAt().getNano();
        assertThat(first.getStartTimeUnixNano()).isEqualTo(start);
        assertThat(first.getEndTimeUnixNano() - first.getStartTimeUnixNano())
                .isEqualTo(TimeUnit.MILLISECONDS.toNanos(continued.durationMs()));
        assertThat(first.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_UNSET);
        Map<String, AnyValue> a = attributes(first);
        assertThat(a.get("gen_ai.operation.name").getStringValue()).isEqualTo("chat");
        assertThat(a.get("gen_ai.provider.name").getStringValue()).isEqualTo("openai");
        assertThat(a.get("gen_ai.request.model").getStringValue()).isEqualTo("gpt-4o");
        assertThat(a.get("gen_ai.response.model").getStringValue()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(a.get("gen_ai.usage.input_tokens").getIntValue()).isEqualTo(1000);
        assertThat(a.get("gen_ai.usage.output_tokens").getIntValue()).isEqualTo(200);
        assertThat(a.get("gen_ai.usage.cache_read.input_tokens").getIntValue()).isEqualTo(400);
        assertThat(a.get("gen_ai.response.finish_reasons").getArrayValue().getValuesList())
                .extracting(AnyValue::getStringValue).containsExactly("stop");
        assertThat(a.get("http.response.status_code").getIntValue()).isEqualTo(200);
        assertThat(a.get("http.route").getStringValue()).isEqualTo("/v1/chat/completions");
        assertThat(a.get("tally.cost_micros").getIntValue()).isEqualTo(continued.costMicros());
        assertThat(a.get("tally.key_id").getStringValue()).isEqualTo(continued.keyId());
        assertThat(a).doesNotContainKey("error.type");

        CallRecord fresh = records.get(1);
        Span second = spans.get(fresh.id());
        assertThat(fresh.traceId()).matches("[0-9a-f]{32}").isNotEqualTo(TRACE);
        assertThat(hex(second.getTraceId().toByteArray())).isEqualTo(fresh.traceId());
        assertThat(second.getParentSpanId().isEmpty()).as("a new trace's span is its root").isTrue();
        assertThat(upstream.get(1).header("traceparent"))
                .isEqualTo("00-" + fresh.traceId() + "-" + hex(second.getSpanId().toByteArray()) + "-01");

        Map<String, AnyValue> resource = receiver.exports().getFirst().request().getResourceSpans(0).getResource()
                .getAttributesList().stream().collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));
        assertThat(resource.get("service.name").getStringValue()).isEqualTo("tally-test");
        assertThat(resource.get("service.instance.id").getStringValue()).isEqualTo("test-chain");
    }

    @Test
    void a_failed_call_is_an_error_span_with_its_error_type_and_nothing_secret_goes_out() throws Exception {
        String error = Wire.openAiError("the prompt " + PROMPT + " broke me", "server_error", null);
        gw.provider.then(json(500, error), json(500, error), json(500, error));
        gw.chat("free-model", PROMPT, "x-tally-user", "alice@example.com", "x-tally-tag-team", "secret-project");
        CallRecord record = gw.calls().getFirst();
        assertThat(record.status()).isEqualTo(CallStatus.ERROR);
        gw.close();

        Span span = receiver.spans().getFirst();
        assertThat(span.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(span.getStatus().getMessage()).isEqualTo("server_error");
        Map<String, AnyValue> a = attributes(span);
        assertThat(a.get("error.type").getStringValue()).isEqualTo("server_error");
        assertThat(a.get("http.response.status_code").getIntValue()).isEqualTo(500);
        assertThat(a.get("tally.attempts").getIntValue()).isEqualTo(3);
        assertThat(a.get("tally.status").getStringValue()).isEqualTo("error");
        for (OtlpReceiver.Export export : receiver.exports()) {
            String wire = new String(export.body(), StandardCharsets.ISO_8859_1);
            assertThat(wire).doesNotContain(PROMPT, gw.clientKey, MetricsFixture.OPENAI_KEY, "alice@example.com",
                    "secret-project", "team-a", "127.0.0.1", MetricsFixture.ADMIN_TOKEN);
        }
    }

    @Test
    void export_counts_are_metrics_and_a_refusing_receiver_never_fails_a_call() throws Exception {
        gw.provider.then(json(200, Wire.chatCompletion("gpt-4o-2024-08-06", "Hello!", 10, 2, 0, 0)),
                json(200, Wire.chatCompletion("gpt-4o-2024-08-06", "Hello!", 10, 2, 0, 0)));
        assertThat(gw.chat("gpt-4o", "one").statusCode()).isEqualTo(200);
        gw.calls();
        OtlpCallTracer tracer = (OtlpCallTracer) gw.gateway.telemetry().tracer();
        tracer.flush();
        receiver.answer(400);
        assertThat(gw.chat("gpt-4o", "two").statusCode()).isEqualTo(200);
        gw.calls();
        tracer.flush();

        Scraped m = new Scraped(gw.get("/metrics").body());

        assertThat(tracer.stats()).isEqualTo(new TracerStats(2, 1, 1));
        assertThat(m.value("tally_trace_spans_ended_total")).isEqualTo(2);
        assertThat(m.value("tally_trace_spans_exported_total")).isEqualTo(1);
        assertThat(m.value("tally_trace_spans_failed_total")).isEqualTo(1);
        assertThat(gw.calls()).allSatisfy(r -> assertThat(r.status()).isEqualTo(CallStatus.SUCCESS));
    }

    @Test
    @Timeout(120) // a hang guard, not a timing assertion: an export that blocked calls would hang them for 5 minutes
    void a_hanging_collector_never_holds_up_a_call() throws Exception {
        gw.close();
        receiver.close();
        receiver = new OtlpReceiver();
        gw = MetricsFixture.start(dir.resolve("hang"), "telemetry: {otlp_endpoint: '%s', otlp_timeout: 5m}\n"
                .formatted(receiver.baseUrl()));
        receiver.hold();
        String answer = Wire.chatCompletion("gpt-4o-2024-08-06", "Hello!", 10, 2, 0, 0);
        gw.provider.then(json(200, answer));
        assertThat(gw.chat("gpt-4o", "first").statusCode()).isEqualTo(200);
        gw.calls();
        OtlpCallTracer tracer = (OtlpCallTracer) gw.gateway.telemetry().tracer();
        Thread.ofVirtual().start(tracer::flush); // the export thread now waits on the hanging collector
        assertThat(receiver.awaitExport(60)).isTrue();

        for (int i = 0; i < 20; i++) {
            gw.provider.then(json(200, answer));
            assertThat(gw.chat("gpt-4o", "call " + i).statusCode()).isEqualTo(200);
        }

        assertThat(gw.calls()).hasSize(21);
        assertThat(receiver.exports()).as("the collector still has not answered the first export").hasSize(1);
        assertThat(tracer.stats().exported()).isZero();
        receiver.release();
    }

    private static Map<String, AnyValue> attributes(Span span) {
        return span.getAttributesList().stream().collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

}
