package dev.tally.gateway.config;

import dev.tally.audit.pricing.Price;
import dev.tally.audit.pricing.PriceTier;
import dev.tally.audit.pricing.PriceVersion;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code models.<name>.price} (docs/configuration.md, "models"): either one price (a
 * mapping, in force since ever) or a list of versions, each with {@code from:} (a UTC date or
 * instant), oldest first. A price has rates, optional prompt-size {@code tiers} and
 * {@code service_tiers} multipliers, and an optional explicit {@code id}. Every error names the
 * full key, the bad value and what was expected. Stateless.
 */
final class PriceSection {

    private static final String[] RATES = {"input", "cached_input", "cache_write", "cache_write_1h", "output",
            "audio_input", "audio_output", "image_input"};

    private PriceSection() {
    }

    /** The versions of {@code model}'s price at {@code parent.price}, oldest first; empty when unpriced. */
    static List<PriceVersion> read(ConfigNode parent, String model) {
        if (!parent.has("price")) {
            return List.of();
        }
        if (!parent.isList("price")) {
            return List.of(version(parent.child("price"), model, false));
        }
        List<ConfigNode> nodes = parent.mappings("price");
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException(parent.key("price")
                    + ": [] (expected: a price, or a list of at least one version)");
        }
        List<PriceVersion> versions = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            PriceVersion v = version(nodes.get(i), model, i > 0);
            if (i > 0) {
                Instant before = versions.get(i - 1).from();
                if (before != null && !v.from().isAfter(before)) {
                    throw new IllegalArgumentException(nodes.get(i).key("from") + ": '" + v.from() + "' (expected: after "
                            + nodes.get(i - 1).key("from") + " '" + before
                            + "'; versions are listed oldest first, each from a different instant)");
                }
            }
            versions.add(v);
        }
        return List.copyOf(versions);
    }

    private static PriceVersion version(ConfigNode n, String model, boolean fromRequired) {
        List<String> allowed = new ArrayList<>(List.of(RATES));
        allowed.addAll(List.of("from", "id", "tiers", "service_tiers"));
        n.allowOnly(allowed.toArray(String[]::new));
        Instant from = null;
        if (n.has("from")) {
            from = instant(n.key("from"), n.string("from", null));
        } else if (fromRequired) {
            throw new IllegalArgumentException(n.key("from")
                    + ": missing (expected: a UTC date or instant; only the first version may omit it)");
        }
        Price base = rates(n);
        List<PriceTier> tiers = new ArrayList<>();
        for (ConfigNode t : n.mappings("tiers")) {
            List<String> tierKeys = new ArrayList<>(List.of(RATES));
            tierKeys.add("above_input_tokens");
            t.allowOnly(tierKeys.toArray(String[]::new));
            long above = tokens(t.key("above_input_tokens"),
                    t.requiredString("above_input_tokens", "a prompt size in input tokens"));
            if (!tiers.isEmpty() && above <= tiers.getLast().aboveInputTokens()) {
                throw new IllegalArgumentException(t.key("above_input_tokens") + ": " + above
                        + " (expected: more than the tier before, " + tiers.getLast().aboveInputTokens()
                        + "; tiers are listed in strictly increasing order)");
            }
            tiers.add(new PriceTier(above, rates(t)));
        }
        Map<String, BigDecimal> multipliers = new LinkedHashMap<>();
        ConfigNode serviceTiers = n.child("service_tiers");
        for (String tier : serviceTiers.names()) {
            String text = serviceTiers.requiredString(tier, "a multiplier > 0");
            multipliers.put(tier, multiplier(serviceTiers.key(tier), text));
        }
        PriceVersion version;
        try {
            version = PriceVersion.of(model, from, base, tiers, multipliers);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(n.key(e.getMessage()), e);
        }
        if (!n.has("id")) {
            return version;
        }
        String id = n.string("id", null);
        try {
            return version.withId(id);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(n.key("id") + ": '" + id + "' (expected: 1..64 printable characters)", e);
        }
    }

    /** The rates of one price or tier; {@code input} and {@code output} are required. */
    private static Price rates(ConfigNode n) {
        try {
            Price price = Price.perMillion(n.requiredString("input", "USD per million input tokens"),
                    n.requiredString("output", "USD per million output tokens"));
            for (String rate : RATES) {
                String value = n.has(rate) ? n.string(rate, null) : null;
                if (value == null || rate.equals("input") || rate.equals("output")) {
                    continue;
                }
                price = switch (rate) {
                    case "cached_input" -> price.withCachedInput(value);
                    case "cache_write" -> price.withCacheWrite(value);
                    case "cache_write_1h" -> price.withCacheWrite1h(value);
                    case "audio_input" -> price.withAudioInput(value);
                    case "audio_output" -> price.withAudioOutput(value);
                    case "image_input" -> price.withImageInput(value);
                    default -> throw new IllegalStateException("unhandled rate " + rate);
                };
            }
            return price;
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw new IllegalArgumentException(message.startsWith(n.key("")) ? message : n.key(message), e);
        }
    }

    /** {@code 2026-06-01} (midnight UTC) or an ISO-8601 instant with offset ({@code 2026-06-01T12:00:00Z}). */
    static Instant instant(String key, String text) {
        String t = text.strip();
        try {
            return t.length() == 10 ? LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key + ": '" + text
                    + "' (expected: a UTC date such as 2026-06-01 or an instant such as 2026-06-01T12:00:00Z)", e);
        }
    }

    private static long tokens(String key, String text) {
        try {
            long value = Long.parseLong(text.strip());
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the expectation
        }
        throw new IllegalArgumentException(key + ": '" + text + "' (expected: a whole number of input tokens >= 0)");
    }

    private static BigDecimal multiplier(String key, String text) {
        try {
            BigDecimal value = new BigDecimal(text.strip());
            if (value.signum() > 0) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the expectation
        }
        throw new IllegalArgumentException(key + ": '" + text + "' (expected: a multiplier > 0, e.g. 0.5)");
    }
}
