package dev.tally.audit.pricing;

import dev.tally.audit.chain.EntryHasher;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The prices of all models, with a version id ({@code price_id}) that every cost computed
 * from this table carries, so a record says exactly which prices produced its cost.
 *
 * <h2>Version id</h2>
 * Unless a version is given explicitly, the id is {@code "p-"} followed by the first 12 hex
 * digits of SHA-256 over the table's canonical listing, which is UTF-8 of
 * <pre>
 * "tally-prices-v1\n"
 * then, per model in ascending order of its name (String order):
 * model "\t" input "\t" cached_input "\t" cache_write "\t" output "\n"
 * </pre>
 * with each price as a plain decimal without trailing zeros ({@code 2.50} and {@code 2.5} are
 * one price) and cached input and cache write resolved to the input price when not set. So two
 * tables that price every token the same get the same id on every machine and every start,
 * and any change of any price gives a new id.
 *
 * <p>Immutable and thread-safe.
 */
public final class PriceTable {

    private static final String LISTING_HEADER = "tally-prices-v1\n";

    private final SortedMap<String, Price> prices;
    private final String priceId;

    private PriceTable(SortedMap<String, Price> prices, String priceId) {
        this.prices = prices;
        this.priceId = priceId;
    }

    /** A table whose version id is derived from its content. */
    public static PriceTable of(Map<String, Price> prices) {
        SortedMap<String, Price> copy = copy(prices);
        return new PriceTable(copy, contentId(copy));
    }

    /** A table with an explicitly given version id (e.g. from configuration). */
    public static PriceTable of(Map<String, Price> prices, String priceId) {
        Objects.requireNonNull(priceId, "price_id");
        if (priceId.isBlank() || priceId.length() > 64 || priceId.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("price_id: '" + priceId + "' (expected: 1..64 printable characters)");
        }
        return new PriceTable(copy(prices), priceId);
    }

    /** A table with no prices: every cost is unknown. */
    public static PriceTable empty() {
        return of(Map.of());
    }

    /** The version id that costs computed from this table carry. */
    public String priceId() {
        return priceId;
    }

    /** The price of {@code model}, empty when it has none. */
    public Optional<Price> price(String model) {
        return model == null ? Optional.empty() : Optional.ofNullable(prices.get(model));
    }

    /** Every price by model name, sorted by name; unmodifiable. */
    public SortedMap<String, Price> prices() {
        return Collections.unmodifiableSortedMap(prices);
    }

    /** The canonical listing the content id is computed from (see the class comment). */
    public String canonicalListing() {
        return listing(prices);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PriceTable table && table.priceId.equals(priceId) && table.prices.equals(prices);
    }

    @Override
    public int hashCode() {
        return priceId.hashCode();
    }

    @Override
    public String toString() {
        return "PriceTable[" + priceId + ", " + prices.size() + " models]";
    }

    private static SortedMap<String, Price> copy(Map<String, Price> prices) {
        Objects.requireNonNull(prices, "prices");
        SortedMap<String, Price> copy = new TreeMap<>();
        prices.forEach((model, price) -> {
            // Tabs and newlines would make two different tables list the same.
            if (model == null || model.isBlank() || model.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("model: '" + model + "' (expected: a non-blank name without control characters)");
            }
            copy.put(model, Objects.requireNonNull(price, () -> "price of " + model));
        });
        return copy;
    }

    private static String listing(SortedMap<String, Price> prices) {
        StringBuilder out = new StringBuilder(LISTING_HEADER);
        prices.forEach((model, price) -> out.append(model)
                .append('\t').append(plain(price.input()))
                .append('\t').append(plain(price.cachedInputOrInput()))
                .append('\t').append(plain(price.cacheWriteOrInput()))
                .append('\t').append(plain(price.output()))
                .append('\n'));
        return out.toString();
    }

    private static String contentId(SortedMap<String, Price> prices) {
        byte[] digest = EntryHasher.sha256().digest(listing(prices).getBytes(StandardCharsets.UTF_8));
        return "p-" + java.util.HexFormat.of().formatHex(digest).substring(0, 12);
    }

    private static String plain(BigDecimal value) {
        return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
    }
}
