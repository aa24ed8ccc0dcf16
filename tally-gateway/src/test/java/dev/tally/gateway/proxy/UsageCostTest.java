package dev.tally.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The exact USD text of micro-USD, and {@code usage.cost} spliced into an answer without touching anything else. */
class UsageCostTest {

    @Test
    void micros_become_exact_usd_without_trailing_zeros() {
        assertThat(CostOut.usd(18_700)).isEqualTo("0.0187");
        assertThat(CostOut.usd(0)).isEqualTo("0");
        assertThat(CostOut.usd(1)).isEqualTo("0.000001");
        assertThat(CostOut.usd(2_500_000)).isEqualTo("2.5");
        assertThat(CostOut.usd(12_000_000)).isEqualTo("12");
        assertThat(CostOut.usd(1_234_567_890_123L)).isEqualTo("1234567.890123");
        assertThat(CostOut.usd(Long.MAX_VALUE)).isEqualTo("9223372036854.775807");
    }

    @Test
    void cost_goes_last_into_the_usage_object_and_nothing_else_changes() {
        assertThat(insert("{\"id\":\"x\",\"usage\":{\"a\":1,\"d\":{\"b\":2}} ,\"z\":[1.50e3]}", "usage"))
                .isEqualTo("{\"id\":\"x\",\"usage\":{\"a\":1,\"d\":{\"b\":2},\"cost\":0.0187} ,\"z\":[1.50e3]}");
        assertThat(insert("{ \"usage\" : { } }", "usage")).isEqualTo("{ \"usage\" : { \"cost\":0.0187} }");
        assertThat(insert("{\"type\":\"x\",\"response\":{\"usage\":{\"n\":\"é\"}}}", "response", "usage"))
                .isEqualTo("{\"type\":\"x\",\"response\":{\"usage\":{\"n\":\"é\",\"cost\":0.0187}}}");
    }

    @Test
    void the_usage_is_found_past_nested_lookalikes_and_nulls() {
        assertThat(insert("{\"usage\":null,\"choices\":[{\"usage\":{}}],\"meta\":{\"usage\":{}},\"usage\":{\"n\":1}}", "usage"))
                .isEqualTo("{\"usage\":null,\"choices\":[{\"usage\":{}}],\"meta\":{\"usage\":{}},\"usage\":{\"n\":1,\"cost\":0.0187}}");
    }

    @Test
    void nothing_is_added_without_a_usage_object_or_next_to_a_cost_of_its_own() {
        assertThat(insert("{\"usage\":null}", "usage")).isNull();
        assertThat(insert("{\"id\":1}", "usage")).isNull();
        assertThat(insert("{\"usage\":{\"cost\":0.5}}", "usage")).isNull();
        assertThat(insert("[1,2]", "usage")).isNull();
        assertThat(insert("{\"usage\":{\"a\":", "usage")).isNull();
        assertThat(insert("{\"usage\":{\"a\":1}}", "response", "usage")).isNull();
    }

    private static String insert(String json, String... path) {
        byte[] out = UsageCost.insert(json.getBytes(StandardCharsets.UTF_8), "0.0187", path);
        return out == null ? null : new String(out, StandardCharsets.UTF_8);
    }
}
