package dev.tally.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.audit.pricing.PriceVersion;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /v1/admin/prices} over a real socket: versions, tiers, multipliers, ids, in force now, unpriced models. */
class AdminPricesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void listsEveryModelsVersionsTiersAndIdsWithTheOneInForceNow() throws Exception {
        try (PricedGateway gw = new PricedGateway(dir, "2026-07-01T00:00:00Z")) {
            HttpResponse<String> res = gw.get("/v1/admin/prices", PricedGateway.ADMIN_TOKEN);

            assertThat(res.statusCode()).isEqualTo(200);
            JsonNode body = JSON.readTree(res.body());
            assertThat(body.path("unpriced_models")).containsExactly(JSON.readTree("\"unpriced\""));
            List<String> models = body.path("models").findValuesAsText("model");
            assertThat(models).containsExactly("claude", "gpt-4o", "gpt-4o-backup");

            JsonNode gpt = body.path("models").get(1);
            List<PriceVersion> versions = gw.book().versions().get("gpt-4o");
            assertThat(gpt.path("provider").asText()).isEqualTo("openai");
            assertThat(gpt.path("versions")).hasSize(2);
            JsonNode first = gpt.path("versions").get(0);
            assertThat(first.path("price_id").asText()).isEqualTo(versions.get(0).id());
            assertThat(first.path("from").isNull()).isTrue();
            assertThat(first.path("in_force").asBoolean()).isFalse();
            assertThat(first.path("rates").toString()).isEqualTo("{\"input\":\"2.5\",\"cached_input\":\"1.25\",\"cache_write\":\"2.5\","
                    + "\"cache_write_1h\":\"2.5\",\"output\":\"10\",\"audio_input\":\"40\",\"audio_output\":\"80\",\"image_input\":\"5\"}");
            JsonNode second = gpt.path("versions").get(1);
            assertThat(second.path("price_id").asText()).isEqualTo(versions.get(1).id());
            assertThat(second.path("from").asText()).isEqualTo("2026-06-01T00:00:00Z");
            assertThat(second.path("in_force").asBoolean()).isTrue();
            assertThat(second.path("service_tiers").toString()).isEqualTo("{\"flex\":\"0.5\",\"priority\":\"2\"}");

            JsonNode claudeTier = body.path("models").get(0).path("versions").get(0).path("tiers").get(0);
            assertThat(claudeTier.path("above_input_tokens").asLong()).isEqualTo(200_000L);
            assertThat(claudeTier.path("rates").path("cache_write_1h").asText()).isEqualTo("12");
            assertThat(claudeTier.path("rates").path("output").asText()).isEqualTo("22.5");
        }
    }

    @Test
    void needsTheAdminToken() throws Exception {
        try (PricedGateway gw = new PricedGateway(dir, "2026-07-01T00:00:00Z")) {
            assertThat(gw.get("/v1/admin/prices", gw.clientKey).statusCode()).isEqualTo(401);
            assertThat(gw.get("/v1/admin/prices?model=x", PricedGateway.ADMIN_TOKEN).statusCode()).isEqualTo(400);
        }
    }
}
