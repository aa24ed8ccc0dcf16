/**
 * Token counts and exact costs: {@link dev.tally.audit.pricing.TokenUsage} normalises what
 * each provider reports into the OpenTelemetry GenAI meaning, {@link dev.tally.audit.pricing.PriceTable}
 * holds versioned per-model prices, and {@link dev.tally.audit.pricing.CostCalculator} turns
 * the two into integer micro-USD, rounded once. Everything here is immutable and thread-safe.
 */
package dev.tally.audit.pricing;
