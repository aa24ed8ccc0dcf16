package dev.tally.gateway.trace;

import static dev.tally.gateway.fake.FakeProvider.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.CallRecord;
import dev.tally.gateway.fake.FakeProvider;
import dev.tally.gateway.fake.Wire;
import dev.tally.gateway.metrics.MetricsFixture;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The W3C trace context over real sockets: the record carries the trace id, the upstream request
 * carries the same trace with the gateway's span (from the record id) as parent, a missing or
 * malformed traceparent starts a new trace, and the sampled flag and tracestate travel on.
 */
class TracePropagationTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "00f067aa0ba902b7";

    @TempDir
    Path dir;

    private MetricsFixture gw;

    @BeforeEach
    void start() throws Exception {
        gw = MetricsFixture.start(dir, "");
        for (int i = 0; i < 4; i++) {
            gw.provider.then(json(200, Wire.chatCompletion("gpt-4o-2024-08-06", "Hello!", 10, 2, 0, 0)));
        }
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    @Test
    void a_client_trace_is_continued_upstream_with_the_gateway_span_as_parent() throws Exception {
        gw.chat("gpt-4o", "hi", "traceparent", "00-" + TRACE + "-" + PARENT + "-01", "tracestate", "vendor=abc");

        CallRecord r = gw.calls().getFirst();
        FakeProvider.Received sent = gw.provider.received().getFirst();
        assertThat(r.traceId()).isEqualTo(TRACE);
        String gatewaySpan = r.id().replace("-", "").substring(16);
        assertThat(sent.header("traceparent")).isEqualTo("00-" + TRACE + "-" + gatewaySpan + "-01");
        assertThat(sent.header("tracestate")).isEqualTo("vendor=abc");
    }

    @Test
    void an_unsampled_client_trace_stays_unsampled_upstream() throws Exception {
        gw.chat("gpt-4o", "hi", "traceparent", "00-" + TRACE + "-" + PARENT + "-00");

        assertThat(gw.provider.received().getFirst().header("traceparent")).startsWith("00-" + TRACE + "-").endsWith("-00");
    }

    @Test
    void a_missing_or_malformed_traceparent_starts_a_new_trace_that_reaches_the_record_and_the_provider() throws Exception {
        gw.chat("gpt-4o", "hi");
        gw.chat("gpt-4o", "hi", "traceparent", "00-" + TRACE.toUpperCase() + "-" + PARENT + "-01", "tracestate", "vendor=abc");
        gw.chat("gpt-4o", "hi", "traceparent", "00-" + "0".repeat(32) + "-" + PARENT + "-01");
        gw.chat("gpt-4o", "hi", "traceparent", "not a trace");

        List<CallRecord> records = gw.calls();
        List<FakeProvider.Received> sent = gw.provider.received();
        assertThat(records).hasSize(4);
        assertThat(records).extracting(CallRecord::traceId).doesNotHaveDuplicates().doesNotContain(TRACE)
                .allSatisfy(id -> assertThat(id).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32)));
        for (int i = 0; i < records.size(); i++) {
            CallRecord r = records.get(i);
            String gatewaySpan = r.id().replace("-", "").substring(16);
            assertThat(sent.get(i).header("traceparent")).isEqualTo("00-" + r.traceId() + "-" + gatewaySpan + "-01");
            assertThat(sent.get(i).header("tracestate")).isNull();
        }
    }
}
