package dev.tally.gateway.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.pricing.Price;
import dev.tally.audit.pricing.PriceBook;
import dev.tally.audit.pricing.PriceTier;
import dev.tally.audit.pricing.PriceVersion;
import dev.tally.gateway.config.GatewayConfig;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configured prices as JSON, the answer of {@code GET /v1/admin/prices} and of
 * {@code tally prices} read from a configuration file:
 * <pre>
 * {"models":[{"model","provider","versions":[{"price_id","from","in_force",
 *     "rates":{input,cached_input,cache_write,cache_write_1h,output,audio_input,audio_output,image_input},
 *     "tiers":[{"above_input_tokens","rates":{…}}],"service_tiers":{name: multiplier}}]}],
 *  "unpriced_models":[…]}
 * </pre>
 * Models in name order, versions oldest first; rates are USD per million tokens as exact decimal
 * strings with every optional rate resolved to the rate it falls back to (what a token is
 * actually billed); {@code from} is null for a version in force since ever; {@code in_force} marks
 * the version that prices a call starting at the given instant. Stateless, thread-safe.
 */
public final class PricesJson {

    private PricesJson() {
    }

    /** The listing of every configured model's prices as in force at {@code now}. */
    public static ObjectNode of(Map<String, GatewayConfig.Model> models, Instant now) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        ArrayNode list = root.putArray("models");
        ArrayNode unpriced = root.putArray("unpriced_models");
        PriceBook book = book(models);
        models.values().stream().sorted(java.util.Comparator.comparing(GatewayConfig.Model::name)).forEach(m -> {
            if (!m.priced()) {
                unpriced.add(m.name());
                return;
            }
            ObjectNode model = list.addObject();
            model.put("model", m.name());
            model.put("provider", m.provider());
            Optional<PriceVersion> inForce = book.version(m.name(), now);
            ArrayNode versions = model.putArray("versions");
            for (PriceVersion v : m.prices()) {
                ObjectNode version = versions.addObject();
                version.put("price_id", v.id());
                version.put("from", v.from() == null ? null : v.from().toString());
                version.put("in_force", inForce.map(v::equals).orElse(false));
                rates(version.putObject("rates"), v.price());
                ArrayNode tiers = version.putArray("tiers");
                for (PriceTier t : v.tiers()) {
                    ObjectNode tier = tiers.addObject();
                    tier.put("above_input_tokens", t.aboveInputTokens());
                    rates(tier.putObject("rates"), t.price());
                }
                ObjectNode serviceTiers = version.putObject("service_tiers");
                v.serviceTiers().forEach((name, multiplier) -> serviceTiers.put(name, plain(multiplier)));
            }
        });
        return root;
    }

    /** The models without a price, in name order. */
    public static List<String> unpricedModels(Map<String, GatewayConfig.Model> models) {
        return models.values().stream().filter(m -> !m.priced()).map(GatewayConfig.Model::name).sorted().toList();
    }

    private static PriceBook book(Map<String, GatewayConfig.Model> models) {
        Map<String, List<PriceVersion>> versions = new java.util.TreeMap<>();
        models.values().forEach(m -> {
            if (m.priced()) {
                versions.put(m.name(), m.prices());
            }
        });
        return PriceBook.of(versions);
    }

    private static void rates(ObjectNode node, Price p) {
        node.put("input", plain(p.input()));
        node.put("cached_input", plain(p.cachedInputOrInput()));
        node.put("cache_write", plain(p.cacheWriteOrInput()));
        node.put("cache_write_1h", plain(p.cacheWrite1hOrCacheWrite()));
        node.put("output", plain(p.output()));
        node.put("audio_input", plain(p.audioInputOrInput()));
        node.put("audio_output", plain(p.audioOutputOrOutput()));
        node.put("image_input", plain(p.imageInputOrInput()));
    }

    private static String plain(BigDecimal value) {
        return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
    }
}
