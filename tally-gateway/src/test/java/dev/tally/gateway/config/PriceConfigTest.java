package dev.tally.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.pricing.Price;
import dev.tally.audit.pricing.PriceTier;
import dev.tally.audit.pricing.PriceVersion;
import dev.tally.gateway.server.Gateway;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code models.<name>.price}: one price or dated versions, tiers, service tiers; every key pinned. */
class PriceConfigTest {

    private static final Path DATA = Path.of("./data");
    private static final String PROVIDER = "providers: [{name: p, kind: anthropic, api_key: k}]\n";

    @Test
    void everyPriceKeyMapsToItsField() {
        GatewayConfig c = ConfigLoader.parse(PROVIDER + """
                models:
                  sonnet:
                    provider: p
                    price:
                      - input: 3
                        output: 15
                      - from: 2026-06-01
                        id: anthropic-2026-06
                        input: "3"
                        cached_input: "0.30"
                        cache_write: "3.75"
                        cache_write_1h: "6"
                        output: "15"
                        audio_input: "40"
                        audio_output: "80"
                        image_input: "2"
                        tiers:
                          - above_input_tokens: 200000
                            input: 6
                            cache_write_1h: 12
                            output: "22.50"
                        service_tiers: {batch: 0.5, priority: "1.25"}
                      - from: 2026-09-01T12:30:00Z
                        input: 2
                        output: 10
                """, DATA, Map.of());

        List<PriceVersion> versions = c.models().get("sonnet").prices();
        assertThat(versions).hasSize(3);
        assertThat(versions.get(0)).isEqualTo(PriceVersion.always("sonnet", Price.perMillion("3", "15")));
        PriceVersion june = versions.get(1);
        assertThat(june.from()).isEqualTo(Instant.parse("2026-06-01T00:00:00Z"));
        assertThat(june.id()).isEqualTo("anthropic-2026-06");
        assertThat(june.price()).isEqualTo(Price.perMillion("3", "15").withCachedInput("0.30").withCacheWrite("3.75")
                .withCacheWrite1h("6").withAudioInput("40").withAudioOutput("80").withImageInput("2"));
        assertThat(june.tiers()).containsExactly(new PriceTier(200_000, Price.perMillion("6", "22.50").withCacheWrite1h("12")));
        assertThat(june.serviceTiers()).containsExactly(Map.entry("batch", new BigDecimal("0.5")),
                Map.entry("priority", new BigDecimal("1.25")));
        assertThat(versions.get(2).from()).isEqualTo(Instant.parse("2026-09-01T12:30:00Z"));
        assertThat(versions.get(2).id()).matches("p-[0-9a-f]{12}");
        assertThat(Gateway.priceBook(c).version("sonnet", Instant.parse("2026-07-01T00:00:00Z"))).contains(june);
    }

    @Test
    void theSinglePriceFormIsOneVersionInForceSinceEver() {
        GatewayConfig c = ConfigLoader.parse(PROVIDER + """
                models: {m: {provider: p, price: {input: 1, output: 2, service_tiers: {flex: 0.5}}}, free: {provider: p}}
                """, DATA, Map.of());

        assertThat(c.models().get("m").prices()).containsExactly(PriceVersion.of("m", null, Price.perMillion("1", "2"),
                List.of(), Map.of("flex", new BigDecimal("0.5"))));
        assertThat(c.models().get("free").priced()).isFalse();
        assertThat(Gateway.priceBook(c).prices("free")).isFalse();
    }

    @Test
    void badPricesNameTheKeyTheValueAndTheExpectation() {
        assertError("m: {provider: p, price: [{input: 1, output: 1}, {input: 2, output: 2}]}",
                "models.m.price[1].from: missing (expected: a UTC date or instant; only the first version may omit it)");
        assertError("m: {provider: p, price: [{from: 2026-06-01, input: 1, output: 1}, {from: 2026-05-01, input: 2, output: 2}]}",
                "models.m.price[1].from: '2026-05-01T00:00:00Z' (expected: after models.m.price[0].from '2026-06-01T00:00:00Z';"
                        + " versions are listed oldest first, each from a different instant)");
        assertError("m: {provider: p, price: [{from: 2026-06-01, input: 1, output: 1}, {from: '2026-06-01T00:00:00Z', input: 2, output: 2}]}",
                "models.m.price[1].from: '2026-06-01T00:00:00Z' (expected: after models.m.price[0].from");
        assertError("m: {provider: p, price: [{from: June, input: 1, output: 1}]}",
                "models.m.price[0].from: 'June' (expected: a UTC date such as 2026-06-01 or an instant such as 2026-06-01T12:00:00Z)");
        assertError("m: {provider: p, price: []}", "models.m.price: [] (expected: a price, or a list of at least one version)");
        assertError("m: {provider: p, price: {input: 1, output: 1, tiers: [{above_input_tokens: 200000, input: 2, output: 2},"
                        + " {above_input_tokens: 100000, input: 3, output: 3}]}}",
                "models.m.price.tiers[1].above_input_tokens: 100000 (expected: more than the tier before, 200000;"
                        + " tiers are listed in strictly increasing order)");
        assertError("m: {provider: p, price: {input: 1, output: 1, tiers: [{above_input_tokens: lots, input: 2, output: 2}]}}",
                "models.m.price.tiers[0].above_input_tokens: 'lots' (expected: a whole number of input tokens >= 0)");
        assertError("m: {provider: p, price: {input: 1, output: 1, tiers: [{above_input_tokens: 10, input: 2}]}}",
                "models.m.price.tiers[0].output: missing (expected: USD per million output tokens)");
        assertError("m: {provider: p, price: {input: 1, output: 1, service_tiers: {flex: 0}}}",
                "models.m.price.service_tiers.flex: '0' (expected: a multiplier > 0, e.g. 0.5)");
        assertError("m: {provider: p, price: {input: 1, output: 1, service_tiers: {flex: -2}}}",
                "models.m.price.service_tiers.flex: '-2' (expected: a multiplier > 0, e.g. 0.5)");
        assertError("m: {provider: p, price: {input: 1, output: 1, audio_input: loud}}",
                "models.m.price.audio_input: 'loud' (expected: a decimal USD per million tokens)");
        assertError("m: {provider: p, price: [{input: 1, output: 1, cache_write_1h: -1}]}",
                "models.m.price[0].cache_write_1h: -1 (expected: >= 0 USD per million tokens)");
        assertError("m: {provider: p, price: {input: 1, output: 1, id: ' '}}",
                "models.m.price.id: ' ' (expected: 1..64 printable characters)");
        assertError("m: {provider: p, price: {input: 1, output: 1, tier: []}}",
                "models.m.price.tier: unknown key (expected one of: audio_input, audio_output, cache_write, cache_write_1h,"
                        + " cached_input, from, id, image_input, input, output, service_tiers, tiers)");
    }

    @Test
    void theExamplesInTheDocsParse() throws Exception {
        for (String doc : List.of("spend.md", "configuration.md")) {
            String text = java.nio.file.Files.readString(Path.of("..", "docs", doc));
            String[] blocks = text.split("```yaml\n");
            int parsed = 0;
            for (int i = 1; i < blocks.length; i++) {
                int end = blocks[i].indexOf("```");
                String yaml = end < 0 ? "" : blocks[i].substring(0, end);
                if (!yaml.contains("models:")) {
                    continue;
                }
                // The examples leave the providers out or name them by environment variables.
                String providers = yaml.contains("providers:") ? "" : """
                        providers: [{name: openai, kind: openai, api_key: k}, {name: anthropic, kind: anthropic, api_key: k}]
                        """;
                GatewayConfig c = ConfigLoader.parse(providers + yaml, DATA,
                        Map.of("OPENAI_API_KEY", "sk-doc-example", "ANTHROPIC_API_KEY", "sk-ant-doc-example",
                                "TALLY_ADMIN_TOKEN", "tadm-doc-example-token-0001"));
                assertThat(c.models()).as(doc).isNotEmpty();
                parsed++;
            }
            assertThat(parsed).as("YAML examples with models in %s", doc).isPositive();
        }
    }

    private static void assertError(String models, String message) {
        assertThatThrownBy(() -> ConfigLoader.parse(PROVIDER + "models: {" + models + "}\n", DATA, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }
}
