package dev.tally.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.gateway.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Label values stay in closed sets whatever clients and providers send. */
class LabelsTest {

    private final Labels labels = new Labels(ConfigLoader.parse("""
            providers:
              - {name: openai, kind: openai, api_key: sk-a}
              - {name: backup, kind: openai, api_key: sk-b}
            models:
              gpt-4o: {provider: openai, upstream_model: gpt-4o-2024-08-06, fallbacks: [mini]}
              mini: {provider: backup}
            """, Path.of("."), Map.of()));

    @Test
    void models_and_providers_are_configured_names_or_other_or_none() {
        assertThat(labels.model("gpt-4o")).isEqualTo("gpt-4o");
        assertThat(labels.model("gpt-4o-but-made-up")).isEqualTo("other");
        assertThat(labels.model(null)).isEqualTo("none");
        assertThat(labels.provider("backup")).isEqualTo("backup");
        assertThat(labels.provider("evil")).isEqualTo("other");
        assertThat(labels.provider(null)).isEqualTo("none");
    }

    @Test
    void error_codes_are_kept_up_to_the_cap_then_other() {
        assertThat(labels.code("upstream_timeout")).isEqualTo("upstream_timeout");
        assertThat(labels.code("has spaces or\nnewlines")).isEqualTo("other");
        assertThat(labels.code("x".repeat(65))).isEqualTo("other");
        for (int i = 0; labels.code("code_" + i).equals("code_" + i); i++) {
            assertThat(i).isLessThan(Labels.MAX_CODES);
        }
        assertThat(labels.code("one_more_code")).isEqualTo("other");
        assertThat(labels.code("upstream_timeout")).as("a code seen before the cap keeps its label").isEqualTo("upstream_timeout");
        assertThat(labels.code(null)).isEqualTo("none");
    }

    @Test
    void a_fallback_is_an_answer_from_another_provider_or_upstream_model() {
        assertThat(labels.answeredByFallback("gpt-4o", "openai", "gpt-4o-2024-08-06")).isFalse();
        assertThat(labels.answeredByFallback("gpt-4o", "backup", "mini")).isTrue();
        assertThat(labels.answeredByFallback("gpt-4o", "openai", "gpt-4o-mini")).isTrue();
        assertThat(labels.answeredByFallback("gpt-4o", null, null)).as("never answered").isFalse();
        assertThat(labels.answeredByFallback("unknown", "openai", "x")).isFalse();
    }

}
