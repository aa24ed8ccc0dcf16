package dev.tally.gateway.reprice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.gateway.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which public model's price applied to a stored call: the requested one, or the fallback that answered. */
class PricedModelsTest {

    private final PricedModels models = PricedModels.of(ConfigLoader.parse("""
            providers:
              - {name: primary, kind: openai, base_url: "http://127.0.0.1:9/v1", api_key: sk-unused-0001}
              - {name: backup, kind: openai, base_url: "http://127.0.0.1:9/b/v1", api_key: sk-unused-0002}
            models:
              gpt-4o:
                provider: primary
                upstream_model: gpt-4o-2024-08-06
                fallbacks: [gpt-4o-backup, gpt-4o-mini]
              gpt-4o-backup:
                provider: backup
                upstream_model: gpt-4o
              gpt-4o-mini:
                provider: backup
                upstream_model: gpt-4o-mini
              lone:
                provider: primary
            """, Path.of("."), Map.of()));

    private static CallRecord call(String model, String provider, String served) {
        return CallRecord.builder().id("019d5a2e-7350-7000-8000-000000000001").startedAt(Instant.EPOCH)
                .status(CallStatus.SUCCESS).model(model).provider(provider).servedModel(served).build();
    }

    @Test
    void aCallAnsweredByItsOwnTargetIsPricedAsRequested() {
        assertThat(models.apply(call("gpt-4o", "primary", "gpt-4o-2024-08-06"))).isEqualTo("gpt-4o");
        assertThat(models.apply(call("lone", "primary", null))).isEqualTo("lone");
    }

    @Test
    void aCallAFallbackAnsweredIsPricedAsThatFallback() {
        assertThat(models.apply(call("gpt-4o", "backup", "gpt-4o-mini"))).isEqualTo("gpt-4o-mini");
        assertThat(models.apply(call("gpt-4o", "backup", "gpt-4o"))).isEqualTo("gpt-4o-backup");
        // a dated name reported by the provider: the first fallback on that provider
        assertThat(models.apply(call("gpt-4o", "backup", "gpt-4o-mini-2024-07-18"))).isEqualTo("gpt-4o-backup");
    }

    @Test
    void unknownModelsAndCallsWithoutAProviderKeepTheRequestedModel() {
        assertThat(models.apply(call("gpt-9", "primary", null))).isEqualTo("gpt-9");
        assertThat(models.apply(call("gpt-4o", null, null))).isEqualTo("gpt-4o");
        assertThat(models.apply(call("gpt-4o", "elsewhere", "x"))).isEqualTo("gpt-4o");
    }
}
