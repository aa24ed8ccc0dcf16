package dev.tally.audit.pricing;

import dev.tally.audit.chain.EntryHasher;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One version of one model's price: the rates in force from {@code from} until the next
 * version's {@code from}, with optional prompt-size tiers and service-tier multipliers. Its
 * {@link #id()} is what a record's {@code price_id} says.
 *
 * <h2>Version id</h2>
 * Unless given explicitly, the id is {@code "p-"} followed by the first 12 hex digits of
 * SHA-256 over the version's canonical listing ({@link #canonicalListing()}), which is UTF-8 of
 * <pre>
 * "tally-price-v2\n"
 * "model\t" model "\n"
 * "from\t" from "\n"                          (ISO-8601 UTC instant, or "-" when in force since ever)
 * "rates\t" RATES "\n"
 * per tier, ascending threshold:   "tier\t" above_input_tokens "\t" RATES "\n"
 * per service tier, ascending name: "service_tier\t" name "\t" multiplier "\n"
 * RATES = input "\t" cached_input "\t" cache_write "\t" cache_write_1h "\t" output "\t"
 *         audio_input "\t" audio_output "\t" image_input
 * </pre>
 * with every number a plain decimal without trailing zeros ({@code 2.50} and {@code 2.5} are one
 * price) and every optional rate resolved to the rate it falls back to ({@link Price}). So a
 * version that prices every token the same gets the same id on every machine and every start,
 * any change of any of its rates, tiers, multipliers, start or model gives a new id, and a change
 * to another model's price leaves it alone.
 *
 * <p>Immutable and thread-safe.
 *
 * @param model the public model name
 * @param from when this version comes into force (inclusive), or null when in force since ever
 * @param price the base rates
 * @param tiers prompt-size tiers, strictly ascending by threshold
 * @param serviceTiers cost multipliers by service tier name (a tier not listed costs 1×); each > 0
 * @param id the version id
 */
public record PriceVersion(String model, Instant from, Price price, List<PriceTier> tiers,
        SortedMap<String, BigDecimal> serviceTiers, String id) {

    private static final String LISTING_HEADER = "tally-price-v2\n";

    public PriceVersion {
        Objects.requireNonNull(price, "price");
        Objects.requireNonNull(id, "price_id");
        requireName("model", model);
        tiers = List.copyOf(tiers);
        for (int i = 1; i < tiers.size(); i++) {
            if (tiers.get(i).aboveInputTokens() <= tiers.get(i - 1).aboveInputTokens()) {
                throw new IllegalArgumentException("tiers[" + i + "].above_input_tokens: " + tiers.get(i).aboveInputTokens()
                        + " (expected: more than tiers[" + (i - 1) + "].above_input_tokens "
                        + tiers.get(i - 1).aboveInputTokens() + ")");
            }
        }
        SortedMap<String, BigDecimal> copy = new TreeMap<>();
        serviceTiers.forEach((name, multiplier) -> {
            requireName("service_tiers", name);
            if (multiplier == null || multiplier.signum() <= 0) {
                throw new IllegalArgumentException("service_tiers." + name + ": "
                        + (multiplier == null ? "missing" : multiplier.toPlainString()) + " (expected: a multiplier > 0)");
            }
            copy.put(name, multiplier);
        });
        serviceTiers = Collections.unmodifiableSortedMap(copy);
        if (id.isBlank() || id.length() > 64 || id.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("price_id: '" + id + "' (expected: 1..64 printable characters)");
        }
    }

    /** A version whose id is derived from its content (see the class comment). */
    public static PriceVersion of(String model, Instant from, Price price, List<PriceTier> tiers,
            Map<String, BigDecimal> serviceTiers) {
        PriceVersion draft = new PriceVersion(model, from, price, tiers, new TreeMap<>(serviceTiers), "-");
        byte[] digest = EntryHasher.sha256().digest(draft.canonicalListing().getBytes(StandardCharsets.UTF_8));
        return draft.withId("p-" + HexFormat.of().formatHex(digest).substring(0, 12));
    }

    /** A single price in force since ever, with no tiers and no multipliers. */
    public static PriceVersion always(String model, Price price) {
        return of(model, null, price, List.of(), Map.of());
    }

    /** This version with an explicitly given id (e.g. from configuration). */
    public PriceVersion withId(String explicitId) {
        return new PriceVersion(model, from, price, tiers, serviceTiers, explicitId);
    }

    /** The rates for a call with {@code inputTokens} of prompt: the highest tier it is above, else the base. */
    public Price rates(long inputTokens) {
        Price rates = price;
        for (PriceTier tier : tiers) {
            if (inputTokens > tier.aboveInputTokens()) {
                rates = tier.price();
            }
        }
        return rates;
    }

    /** The cost multiplier of {@code serviceTier}: its configured one, else 1 (also when unknown). */
    public BigDecimal multiplier(String serviceTier) {
        BigDecimal m = serviceTier == null ? null : serviceTiers.get(serviceTier);
        return m == null ? BigDecimal.ONE : m;
    }

    /** The canonical listing the content id is computed from (see the class comment). */
    public String canonicalListing() {
        StringBuilder out = new StringBuilder(LISTING_HEADER);
        out.append("model\t").append(model).append('\n');
        out.append("from\t").append(from == null ? "-" : from.toString()).append('\n');
        out.append("rates\t");
        rates(out, price);
        for (PriceTier tier : tiers) {
            out.append("tier\t").append(tier.aboveInputTokens()).append('\t');
            rates(out, tier.price());
        }
        serviceTiers.forEach((name, multiplier) -> out.append("service_tier\t").append(name).append('\t')
                .append(plain(multiplier)).append('\n'));
        return out.toString();
    }

    private static void rates(StringBuilder out, Price p) {
        out.append(plain(p.input())).append('\t').append(plain(p.cachedInputOrInput()))
                .append('\t').append(plain(p.cacheWriteOrInput())).append('\t').append(plain(p.cacheWrite1hOrCacheWrite()))
                .append('\t').append(plain(p.output())).append('\t').append(plain(p.audioInputOrInput()))
                .append('\t').append(plain(p.audioOutputOrOutput())).append('\t').append(plain(p.imageInputOrInput()))
                .append('\n');
    }

    static String plain(BigDecimal value) {
        return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
    }

    private static void requireName(String field, String name) {
        // Tabs and newlines would make two different versions list the same.
        if (name == null || name.isBlank() || name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(field + ": '" + name + "' (expected: a non-blank name without control characters)");
        }
    }
}
