/**
 * Token counts and exact costs: {@link dev.tally.audit.pricing.TokenUsage} normalises what
 * each provider reports into the OpenTelemetry GenAI meaning, {@link dev.tally.audit.pricing.PriceBook}
 * holds every model's effective-dated {@link dev.tally.audit.pricing.PriceVersion}s (with
 * prompt-size tiers and service-tier multipliers), and {@link dev.tally.audit.pricing.CostCalculator}
 * turns the two into integer micro-USD, rounded once. Everything here is immutable and thread-safe.
 */
package dev.tally.audit.pricing;
