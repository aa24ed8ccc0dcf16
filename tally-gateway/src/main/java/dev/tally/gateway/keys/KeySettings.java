package dev.tally.gateway.keys;

import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.keys.VirtualKey.BudgetPeriod;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The settings of a virtual key an admin chooses: everything but its id, secret, prefix and
 * timestamps. Validated on construction; every error names the field, the bad value and what
 * is expected. Immutable and thread-safe.
 *
 * @param name unique name, 1-64 characters of {@code A-Z a-z 0-9 . _ -}, starting with a letter or digit
 * @param allowedModels public model names the key may call; empty means all
 * @param requestsPerMinute 1..1,000,000, or null for no limit
 * @param tokensPerMinute 1..10^12, or null for no limit
 * @param budgetMicros spend budget in micro-USD per {@code budgetPeriod}, 0..10^15, or null for none
 * @param budgetPeriod day or month (UTC); set exactly when {@code budgetMicros} is set
 * @param expiresAt when the key stops working (kept to the millisecond), or null for never
 * @param enabled false switches the key off without revoking it
 * @param payloadPolicy per-key payload policy override ({@code off}, {@code hash}, {@code redacted},
 *     {@code full}), or null to follow the global policy
 * @param tags free-form metadata; names as for {@code name}, values up to 256 characters
 * @param returnCost whether the key's calls are told their cost (headers, stream comment, and on
 *     request {@code usage.cost}); true unless switched off. Stored in the key's tags column as
 *     {@value #RETURN_COST_TAG}{@code : off}, a name no tag can have, so it needs no column of its
 *     own; {@link #tags} never shows it.
 */
public record KeySettings(
        String name,
        List<String> allowedModels,
        Long requestsPerMinute,
        Long tokensPerMinute,
        Long budgetMicros,
        BudgetPeriod budgetPeriod,
        Instant expiresAt,
        boolean enabled,
        String payloadPolicy,
        Map<String, String> tags,
        boolean returnCost) {

    /** Where a key's {@code return_cost: false} is stored: a tags entry whose name no tag can have. */
    public static final String RETURN_COST_TAG = "tally:return_cost";
    private static final String OFF = "off";

    /** Payload policies a key may override the global one with. */
    public static final Set<String> PAYLOAD_POLICIES = Set.of("off", "hash", "redacted", "full");

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final String NAME_RULE = "1-64 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit";
    static final long MAX_RPM = 1_000_000L;
    static final long MAX_TPM = 1_000_000_000_000L;
    static final long MAX_BUDGET_MICROS = 1_000_000_000_000_000L;

    /** What an absent value is written as in admin event maps. */
    static final String NONE = "none";

    public KeySettings {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name: " + quote(name) + " (expected: " + NAME_RULE + ")");
        }
        allowedModels = normaliseModels(allowedModels);
        checkRange("requests_per_minute", requestsPerMinute, 1, MAX_RPM);
        checkRange("tokens_per_minute", tokensPerMinute, 1, MAX_TPM);
        checkRange("budget_micros", budgetMicros, 0, MAX_BUDGET_MICROS);
        if ((budgetMicros == null) != (budgetPeriod == null)) {
            throw new IllegalArgumentException("budget_period: "
                    + (budgetPeriod == null ? "null" : budgetPeriod.name().toLowerCase(Locale.ROOT))
                    + " with budget_micros: " + budgetMicros
                    + " (expected: both set, or neither)");
        }
        if (payloadPolicy != null && !PAYLOAD_POLICIES.contains(payloadPolicy)) {
            throw new IllegalArgumentException("payload_policy: " + quote(payloadPolicy)
                    + " (expected: off, hash, redacted or full)");
        }
        tags = normaliseTags(tags);
        // The store keeps milliseconds; truncating here makes what is returned equal what is stored.
        expiresAt = expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MILLIS);
    }

    /** Settings with only a name: no limits, no budget, no expiry, enabled, all models. */
    public static KeySettings named(String name) {
        return new KeySettings(name, List.of(), null, null, null, null, null, true, null, Map.of(), true);
    }

    /** The settings of a stored key. */
    public static KeySettings of(VirtualKey key) {
        Map<String, String> tags = key.tags();
        if (tags.containsKey(RETURN_COST_TAG)) {
            tags = new TreeMap<>(tags);
            tags.remove(RETURN_COST_TAG);
        }
        return new KeySettings(key.name(), key.allowedModels(), key.requestsPerMinute(), key.tokensPerMinute(),
                key.budgetMicros(), key.budgetPeriod(), key.expiresAt(), key.enabled(), key.payloadPolicy(),
                tags, returnsCost(key));
    }

    public KeySettings withName(String value) {
        return new KeySettings(value, allowedModels, requestsPerMinute, tokensPerMinute, budgetMicros, budgetPeriod,
                expiresAt, enabled, payloadPolicy, tags, returnCost);
    }

    public KeySettings withAllowedModels(List<String> value) {
        return new KeySettings(name, value, requestsPerMinute, tokensPerMinute, budgetMicros, budgetPeriod,
                expiresAt, enabled, payloadPolicy, tags, returnCost);
    }

    public KeySettings withRequestsPerMinute(Long value) {
        return new KeySettings(name, allowedModels, value, tokensPerMinute, budgetMicros, budgetPeriod,
                expiresAt, enabled, payloadPolicy, tags, returnCost);
    }

    public KeySettings withTokensPerMinute(Long value) {
        return new KeySettings(name, allowedModels, requestsPerMinute, value, budgetMicros, budgetPeriod,
                expiresAt, enabled, payloadPolicy, tags, returnCost);
    }

    /** Sets the budget; pass two nulls to remove it. */
    public KeySettings withBudget(Long micros, BudgetPeriod period) {
        return new KeySettings(name, allowedModels, requestsPerMinute, tokensPerMinute, micros, period,
                expiresAt, enabled, payloadPolicy, tags, returnCost);
    }

    public KeySettings withExpiresAt(Instant value) {
        return new KeySettings(name, allowedModels, requestsPerMinute, tokensPerMinute, budgetMicros, budgetPeriod,
                value, enabled, payloadPolicy, tags, returnCost);
    }

    public KeySettings withEnabled(boolean value) {
        return new KeySettings(name, allowedModels, requestsPerMinute, tokensPerMinute, budgetMicros, budgetPeriod,
                expiresAt, value, payloadPolicy, tags, returnCost);
    }

    public KeySettings withPayloadPolicy(String value) {
        return new KeySettings(name, allowedModels, requestsPerMinute, tokensPerMinute, budgetMicros, budgetPeriod,
                expiresAt, enabled, value, tags, returnCost);
    }

    public KeySettings withTags(Map<String, String> value) {
        return new KeySettings(name, allowedModels, requestsPerMinute, tokensPerMinute, budgetMicros, budgetPeriod,
                expiresAt, enabled, payloadPolicy, value, returnCost);
    }

    public KeySettings withReturnCost(boolean value) {
        return new KeySettings(name, allowedModels, requestsPerMinute, tokensPerMinute, budgetMicros, budgetPeriod,
                expiresAt, enabled, payloadPolicy, tags, value);
    }

    /** Whether calls with {@code key} are told their cost: cheap, read on every call. */
    public static boolean returnsCost(VirtualKey key) {
        return !OFF.equals(key.tags().get(RETURN_COST_TAG));
    }

    /** The tags column as stored: the tags, plus {@link #RETURN_COST_TAG} when {@code return_cost} is off. */
    public Map<String, String> storedTags() {
        if (returnCost) {
            return tags;
        }
        Map<String, String> stored = new TreeMap<>(tags);
        stored.put(RETURN_COST_TAG, OFF);
        return stored;
    }

    /** A stored key's tags without the settings kept among them. */
    public static Map<String, String> visibleTags(VirtualKey key) {
        return key.tags().containsKey(RETURN_COST_TAG) ? of(key).tags() : key.tags();
    }

    /**
     * The settings as the flat name-to-value map admin events carry: absent values are
     * {@code none}, models are comma-separated ({@code *} for all), each tag is {@code tag:<name>}.
     * Holds nothing secret, since settings never include the secret or its hash.
     */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("allowed_models", allowedModels.isEmpty() ? "*" : String.join(",", allowedModels));
        out.put("requests_per_minute", text(requestsPerMinute));
        out.put("tokens_per_minute", text(tokensPerMinute));
        out.put("budget_micros", text(budgetMicros));
        out.put("budget_period", budgetPeriod == null ? NONE : budgetPeriod.name().toLowerCase(Locale.ROOT));
        out.put("expires_at", text(expiresAt));
        out.put("enabled", Boolean.toString(enabled));
        out.put("payload_policy", text(payloadPolicy));
        out.put("return_cost", Boolean.toString(returnCost));
        tags.forEach((k, v) -> out.put("tag:" + k, v));
        return out;
    }

    private static String text(Object value) {
        return value == null ? NONE : value.toString();
    }

    private static List<String> normaliseModels(List<String> models) {
        if (models == null) {
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (String m : models) {
            if (m == null || m.isBlank() || m.length() > 200 || !m.strip().equals(m) || m.contains(",")) {
                throw new IllegalArgumentException("allowed_models: " + quote(m)
                        + " (expected: a model name of 1-200 characters without commas or surrounding spaces)");
            }
            out.add(m);
        }
        return List.copyOf(new ArrayList<>(out));
    }

    private static Map<String, String> normaliseTags(Map<String, String> tags) {
        if (tags == null) {
            return Map.of();
        }
        Map<String, String> out = new TreeMap<>();
        tags.forEach((k, v) -> {
            if (k == null || !NAME.matcher(k).matches()) {
                throw new IllegalArgumentException("tag name: " + quote(k) + " (expected: " + NAME_RULE + ")");
            }
            if (v == null || v.length() > 256) {
                throw new IllegalArgumentException("tag " + k + ": " + (v == null ? "null" : v.length() + " characters")
                        + " (expected: a value of 0-256 characters)");
            }
            out.put(k, v);
        });
        return Collections.unmodifiableMap(out);
    }

    private static void checkRange(String field, Long value, long min, long max) {
        if (value != null && (value < min || value > max)) {
            throw new IllegalArgumentException(field + ": " + value + " (expected: " + min + ".." + max + ")");
        }
    }

    private static String quote(String value) {
        return value == null ? "null" : "'" + value + "'";
    }
}
