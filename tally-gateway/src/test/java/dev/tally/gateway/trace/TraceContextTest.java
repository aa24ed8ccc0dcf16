package dev.tally.gateway.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** W3C traceparent parsing: continue a valid one, start a new trace for anything else. */
class TraceContextTest {

    private static final String RECORD_ID = "019a8b2c-3d4e-7f00-8a1b-2c3d4e5f6a7b";
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "00f067aa0ba902b7";

    @Test
    void a_valid_traceparent_is_continued_with_the_gateway_span_as_the_upstream_parent() {
        TraceContext t = TraceContext.of("00-" + TRACE + "-" + PARENT + "-01", "vendor=abc,other=1", RECORD_ID, new Random(1));

        assertThat(t.continued()).isTrue();
        assertThat(t.traceId()).isEqualTo(TRACE);
        assertThat(t.parentSpanId()).isEqualTo(PARENT);
        assertThat(t.spanId()).isEqualTo("8a1b2c3d4e5f6a7b");
        assertThat(t.sampled()).isTrue();
        assertThat(t.traceState()).isEqualTo("vendor=abc,other=1");
        assertThat(t.upstreamTraceparent()).isEqualTo("00-" + TRACE + "-8a1b2c3d4e5f6a7b-01");
    }

    @Test
    void an_unsampled_parent_stays_unsampled_upstream() {
        TraceContext t = TraceContext.of("00-" + TRACE + "-" + PARENT + "-00", null, RECORD_ID, new Random(1));

        assertThat(t.sampled()).isFalse();
        assertThat(t.upstreamTraceparent()).isEqualTo("00-" + TRACE + "-8a1b2c3d4e5f6a7b-00");
    }

    @Test
    void a_later_version_is_read_by_its_first_four_fields() {
        TraceContext t = TraceContext.of("01-" + TRACE + "-" + PARENT + "-01-future-stuff", null, RECORD_ID, new Random(1));

        assertThat(t.traceId()).isEqualTo(TRACE);
        assertThat(t.parentSpanId()).isEqualTo(PARENT);
        assertThat(t.upstreamTraceparent()).startsWith("00-" + TRACE + "-");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "garbage",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // upper case is invalid
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // all-zero trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // all-zero parent id
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // forbidden version
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", // version 00 has exactly four fields
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01", // short trace id
        "0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    })
    void anything_else_starts_a_new_sampled_trace(String header) {
        TraceContext t = TraceContext.of(header, "vendor=abc", RECORD_ID, new Random(7));

        assertThat(t.continued()).isFalse();
        assertThat(t.parentSpanId()).isNull();
        assertThat(t.traceId()).matches("[0-9a-f]{32}").isNotEqualTo(TRACE).isNotEqualTo("0".repeat(32));
        assertThat(t.sampled()).isTrue();
        assertThat(t.traceState()).as("tracestate only travels with its traceparent").isNull();
        assertThat(t.upstreamTraceparent()).isEqualTo("00-" + t.traceId() + "-8a1b2c3d4e5f6a7b-01");
    }

    @Test
    void a_missing_traceparent_starts_a_new_trace_each_time() {
        Random random = new Random(42);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            seen.add(TraceContext.of(null, null, RECORD_ID, random).traceId());
        }
        assertThat(seen).hasSize(1000);
    }

    @Test
    void a_malformed_tracestate_is_not_passed_on() {
        String parent = "00-" + TRACE + "-" + PARENT + "-01";
        assertThat(TraceContext.of(parent, "a=b\u0001", RECORD_ID, new Random(1)).traceState()).isNull();
        assertThat(TraceContext.of(parent, "x".repeat(513), RECORD_ID, new Random(1)).traceState()).isNull();
        assertThat(TraceContext.of(parent, "  k=v  ", RECORD_ID, new Random(1)).traceState()).isEqualTo("k=v");
    }

    @Test
    void ids_are_validated_with_the_bad_value_and_the_expectation() {
        assertThatThrownBy(() -> new TraceContext("xyz", null, PARENT, true, null))
                .hasMessage("trace_id: 'xyz' (expected: 32 lower-case hex digits, not all zero)");
        assertThatThrownBy(() -> TraceContext.of(null, null, "not-a-uuid", new Random(1)))
                .hasMessage("record id: 'not-a-uuid' (expected: a UUID)");
        assertThatThrownBy(() -> new TraceContext("4BF92F3577B34DA6A3CE929D0E0E4736", null, PARENT, true, null))
                .hasMessageStartingWith("trace_id: '4BF92F3577B34DA6A3CE929D0E0E4736'");
        assertThatThrownBy(() -> new TraceContext("4bf92f3577b34da6a3ce929d0e0e473g", null, PARENT, true, null))
                .hasMessageStartingWith("trace_id: '4bf92f3577b34da6a3ce929d0e0e473g'");
        assertThatThrownBy(() -> new TraceContext("0".repeat(32), null, PARENT, true, null))
                .hasMessageStartingWith("trace_id: '" + "0".repeat(32) + "'");
        assertThatThrownBy(() -> new TraceContext("4bf92f3577b34da6a3ce929d0e0e4736", "", PARENT, true, null))
                .hasMessageStartingWith("parent_span_id: ''");
    }
}
