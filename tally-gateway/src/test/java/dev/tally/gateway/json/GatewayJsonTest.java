package dev.tally.gateway.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The gateway's mappers: Jackson's defaults, buffers from the pool all threads share. */
class GatewayJsonTest {

    @Test
    void buffers_come_from_the_shared_pool_not_a_per_thread_cache() {
        ObjectMapper mapper = GatewayJson.newMapper();

        assertThat(mapper.getFactory()._getRecyclerPool()).isSameAs(JsonRecyclerPools.sharedConcurrentDequePool());
        assertThat(new ObjectMapper().getFactory()._getRecyclerPool())
                .as("Jackson's default, which pins buffers per thread").isSameAs(JsonRecyclerPools.threadLocalPool());
        assertThat(GatewayJson.newMapper()).isNotSameAs(mapper);
    }

    @Test
    void it_reads_and_writes_exactly_as_a_default_mapper() throws Exception {
        String json = "{\"b\":[1,2.50,\"x\\u00e9\"],\"a\":{\"n\":null,\"t\":true},\"long\":\"" + "y".repeat(10_000) + "\"}";
        ObjectMapper plain = new ObjectMapper();
        ObjectMapper pooled = GatewayJson.newMapper();

        JsonNode tree = pooled.readTree(json);

        assertThat(tree).isEqualTo(plain.readTree(json));
        assertThat(pooled.writeValueAsString(tree)).isEqualTo(plain.writeValueAsString(plain.readTree(json)));
        assertThat(pooled.writeValueAsBytes(tree)).isEqualTo(plain.writeValueAsBytes(tree));
    }
}
