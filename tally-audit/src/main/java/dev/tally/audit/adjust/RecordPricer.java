package dev.tally.audit.adjust;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.pricing.Cost;
import dev.tally.audit.pricing.CostCalculator;
import dev.tally.audit.pricing.PriceTable;
import dev.tally.audit.pricing.TokenUsage;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a stored call costs at the current prices: the one place re-pricing asks the pricing
 * package, so a change of how prices are chosen (versions, tiers) changes this class only.
 *
 * <p>A call is priced under the public model whose price applied when it ran: its requested
 * {@code model}, unless {@code pricedModel} says otherwise (a gateway knows which fallback served a
 * call from its provider and served model; see {@code docs/spend.md}, "Re-pricing"). Immutable and
 * thread-safe when {@code pricedModel} is.
 */
public final class RecordPricer {

    private final CostCalculator costs;
    private final Function<CallRecord, String> pricedModel;

    /** Prices calls with {@code table} under their requested model. */
    public RecordPricer(PriceTable table) {
        this(table, CallRecord::model);
    }

    /** Prices calls with {@code table} under the model {@code pricedModel} names for each. */
    public RecordPricer(PriceTable table, Function<CallRecord, String> pricedModel) {
        this.costs = new CostCalculator(Objects.requireNonNull(table, "table"));
        this.pricedModel = Objects.requireNonNull(pricedModel, "pricedModel");
    }

    /** The call's cost at the current prices; empty when its model has no price or its token totals are unknown. */
    public Optional<Cost> cost(CallRecord record) {
        String model = pricedModel.apply(record);
        return model == null ? Optional.empty() : costs.cost(model, TokenUsage.of(record));
    }
}
