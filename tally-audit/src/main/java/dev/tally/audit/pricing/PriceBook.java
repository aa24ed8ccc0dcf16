package dev.tally.audit.pricing;

import dev.tally.audit.entry.CallRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Every model's prices over time: per model, its {@link PriceVersion}s in order of the instant
 * they come into force. A call is priced with the version in force when it started (the last
 * version whose {@code from} is at or before the call's start); a call before a model's first
 * version, or on a model without prices, is unpriced: no cost at all, never 0.
 *
 * <p>{@link #cost(CallRecord)} is the one way to price a stored record the way the gateway
 * priced it live: same model name (the record's {@code priced_model}), same token parts, same
 * service tier, and the version in force at its {@code started_at}.
 *
 * <p>Immutable and thread-safe.
 */
public final class PriceBook {

    private static final PriceBook EMPTY = new PriceBook(new TreeMap<>());

    private final SortedMap<String, List<PriceVersion>> versions;

    private PriceBook(SortedMap<String, List<PriceVersion>> versions) {
        this.versions = versions;
    }

    /**
     * A book of {@code versions} by public model name.
     *
     * @throws IllegalArgumentException when a model's versions are not in strictly ascending
     *     order of {@code from}, a version other than the first has no {@code from}, or a
     *     version names another model
     */
    public static PriceBook of(Map<String, List<PriceVersion>> versions) {
        Objects.requireNonNull(versions, "versions");
        SortedMap<String, List<PriceVersion>> copy = new TreeMap<>();
        versions.forEach((model, list) -> {
            List<PriceVersion> ordered = List.copyOf(list);
            for (int i = 0; i < ordered.size(); i++) {
                PriceVersion v = ordered.get(i);
                String at = "models." + model + ".price[" + i + "]";
                if (!v.model().equals(model)) {
                    throw new IllegalArgumentException(at + ".model: '" + v.model() + "' (expected: '" + model + "')");
                }
                if (i > 0 && v.from() == null) {
                    throw new IllegalArgumentException(at + ".from: missing (expected: a UTC date or instant; "
                            + "only the first version may omit it)");
                }
                if (i > 0 && ordered.get(i - 1).from() != null && !v.from().isAfter(ordered.get(i - 1).from())) {
                    throw new IllegalArgumentException(at + ".from: '" + v.from() + "' (expected: after price[" + (i - 1)
                            + "].from '" + ordered.get(i - 1).from()
                            + "'; versions are listed oldest first, each from a different instant)");
                }
            }
            if (!ordered.isEmpty()) {
                copy.put(model, ordered);
            }
        });
        return new PriceBook(copy);
    }

    /** A book with one price per model, in force since ever (today's single-price configuration). */
    public static PriceBook ofPrices(Map<String, Price> prices) {
        Map<String, List<PriceVersion>> versions = new TreeMap<>();
        prices.forEach((model, price) -> versions.put(model, List.of(PriceVersion.always(model, price))));
        return of(versions);
    }

    /** A book with no prices: every cost is unknown. */
    public static PriceBook empty() {
        return EMPTY;
    }

    /** The version of {@code model}'s price in force at {@code at}, empty when none is. */
    public Optional<PriceVersion> version(String model, Instant at) {
        Objects.requireNonNull(at, "at");
        List<PriceVersion> list = model == null ? null : versions.get(model);
        if (list == null) {
            return Optional.empty();
        }
        PriceVersion inForce = null;
        for (PriceVersion v : list) {
            if (v.from() == null || !v.from().isAfter(at)) {
                inForce = v;
            }
        }
        return Optional.ofNullable(inForce);
    }

    /**
     * The cost of {@code usage} on {@code model} for a call that started at {@code startedAt}:
     * empty when no version of the model's price is in force then or the usage's input or
     * output total is unknown.
     *
     * @throws ArithmeticException when the cost exceeds {@link Long#MAX_VALUE} micro-USD
     */
    public Optional<Cost> cost(String model, TokenUsage usage, Instant startedAt) {
        Objects.requireNonNull(usage, "usage");
        return version(model, startedAt).flatMap(v -> CostCalculator.micros(v, usage).map(micros -> new Cost(micros, v.id())));
    }

    /**
     * Prices a stored record exactly as the gateway prices a live call: with the model whose
     * price applied ({@code priced_model}; a record written before that field existed falls back
     * to {@code model}, which is the same unless a fallback served the call), the record's token
     * counts and parts and its {@code service_tier}, and the version in force at its
     * {@code started_at}. Empty when unpriced.
     *
     * @throws ArithmeticException when the cost exceeds {@link Long#MAX_VALUE} micro-USD
     */
    public Optional<Cost> cost(CallRecord record) {
        String model = record.pricedModel() != null ? record.pricedModel() : record.model();
        return cost(model, TokenUsage.of(record), record.startedAt());
    }

    /** Whether {@code model} has any price version. */
    public boolean prices(String model) {
        return model != null && versions.containsKey(model);
    }

    /** Every model's versions, oldest first, by model name; unmodifiable. */
    public SortedMap<String, List<PriceVersion>> versions() {
        return Collections.unmodifiableSortedMap(versions);
    }

    /** Every version of every model, by model name then age. */
    public List<PriceVersion> allVersions() {
        List<PriceVersion> all = new ArrayList<>();
        versions.values().forEach(all::addAll);
        return all;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PriceBook book && book.versions.equals(versions);
    }

    @Override
    public int hashCode() {
        return versions.hashCode();
    }

    @Override
    public String toString() {
        return "PriceBook[" + versions.size() + " models]";
    }
}
