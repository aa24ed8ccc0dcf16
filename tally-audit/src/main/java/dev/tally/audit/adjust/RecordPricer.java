package dev.tally.audit.adjust;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.pricing.Cost;
import dev.tally.audit.pricing.PriceBook;
import dev.tally.audit.pricing.TokenUsage;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a stored call costs at the current prices: the one place re-pricing asks the pricing
 * package. The price is the {@link PriceBook}'s version in force at the call's {@code started_at},
 * applied to the record's token counts, parts and service tier exactly as the gateway priced the
 * live call.
 *
 * <p>A call is priced under the public model whose price applied when it ran: the record's
 * {@code priced_model}; a record written before that field existed names it through
 * {@code olderRecords} (a gateway knows which fallback served such a call from its provider and
 * served model; see {@code docs/spend.md}, "Re-pricing"), by default its requested {@code model}.
 * Immutable and thread-safe when {@code olderRecords} is.
 */
public final class RecordPricer {

    private final PriceBook prices;
    private final Function<CallRecord, String> olderRecords;

    /** Prices calls with {@code prices}; a record without {@code priced_model} under its requested model. */
    public RecordPricer(PriceBook prices) {
        this(prices, CallRecord::model);
    }

    /** Prices calls with {@code prices}; a record without {@code priced_model} under the model {@code olderRecords} names. */
    public RecordPricer(PriceBook prices, Function<CallRecord, String> olderRecords) {
        this.prices = Objects.requireNonNull(prices, "prices");
        this.olderRecords = Objects.requireNonNull(olderRecords, "olderRecords");
    }

    /** The call's cost at the current prices; empty when its model has no price then or its token totals are unknown. */
    public Optional<Cost> cost(CallRecord record) {
        String model = record.pricedModel() != null ? record.pricedModel() : olderRecords.apply(record);
        return model == null ? Optional.empty() : prices.cost(model, TokenUsage.of(record), record.startedAt());
    }
}
