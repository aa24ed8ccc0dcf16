package dev.tally.gateway.admin;

import dev.tally.gateway.proxy.ErrorCode;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.keys.VirtualKey.BudgetPeriod;
import dev.tally.gateway.json.ClientJson;
import dev.tally.gateway.keys.KeySettings;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The JSON body of {@code POST /v1/admin/keys} and {@code PATCH /v1/admin/keys/{id}}: the key
 * settings to set, by their snake_case names. Members: {@code name}, {@code allowed_models}
 * (array; {@code null} or {@code []} = every model), {@code requests_per_minute},
 * {@code tokens_per_minute}, {@code budget_micros} with {@code budget_period}
 * ({@code day}|{@code month}), {@code expires_at} (ISO-8601, or a date for midnight UTC),
 * {@code enabled}, {@code payload_policy} ({@code off}|{@code hash}|{@code redacted}|{@code full}),
 * {@code tags} (object of strings; replaces every tag), {@code return_cost} (boolean: whether calls
 * are told their cost; see docs/spend.md). A member left out keeps its value; an
 * explicit {@code null} clears it. Unknown members and wrong types are refused (400 naming the
 * member). Immutable once parsed.
 */
final class KeyBody {

    /** Largest body accepted. */
    static final int MAX_BYTES = 64 * 1024;
    private static final Set<String> MEMBERS = new TreeSet<>(Set.of("name", "allowed_models", "requests_per_minute",
            "tokens_per_minute", "budget_micros", "budget_period", "expires_at", "enabled", "payload_policy", "tags",
            "return_cost"));

    /** Client input: within {@link ClientJson}'s limits, one value, duplicate members refused. */
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = ClientJson.newMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final ObjectNode body;

    private KeyBody(ObjectNode body) {
        this.body = body;
    }

    /** Parses and checks the member names and types. */
    static KeyBody parse(byte[] raw) {
        if (raw.length > MAX_BYTES) {
            throw new ApiException(ErrorCode.REQUEST_TOO_LARGE, null, "body: more than " + MAX_BYTES
                    + " bytes (expected: a JSON object of key settings)");
        }
        JsonNode root;
        try {
            root = raw.length == 0 ? null : MAPPER.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new ApiException(ErrorCode.INVALID_JSON, null, "body: "
                    + ClientJson.problem(e, "a JSON object of key settings"));
        } catch (java.io.IOException e) {
            throw new ApiException(ErrorCode.INVALID_JSON, null, "body: unreadable (expected: a JSON object of key settings)");
        }
        if (root == null || !root.isObject()) {
            throw ApiException.badParam(null, "body: " + (root == null ? "empty" : root.getNodeType().name().toLowerCase(java.util.Locale.ROOT))
                    + " (expected: a JSON object of key settings)");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!MEMBERS.contains(name)) {
                throw new ApiException(ErrorCode.UNKNOWN_PARAMETER, Params.clip(name), Params.clip(name)
                        + ": unknown member (expected one of: " + String.join(", ", MEMBERS) + ")");
            }
        }
        return new KeyBody((ObjectNode) root);
    }

    /** The name a new key gets; required. */
    String requiredName() {
        String name = text("name");
        if (name == null) {
            throw ApiException.badParam("name", "name: missing (expected: the new key's unique name)");
        }
        return name;
    }

    /** The settings of a new key: the body applied to a key with only its (required) name. */
    KeySettings newSettings() {
        String name = requiredName();
        return applyTo(null, name);
    }

    /**
     * {@code base} with every member of the body applied.
     *
     * @throws ApiException naming the member when a value does not fit its type or its rules
     */
    KeySettings applyTo(KeySettings base) {
        return applyTo(base, null);
    }

    private KeySettings applyTo(KeySettings base, String newName) {
        try {
            return apply(base != null ? base : KeySettings.named(newName));
        } catch (IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            int colon = message.indexOf(':');
            String param = colon > 0 && MEMBERS.contains(message.substring(0, colon)) ? message.substring(0, colon) : null;
            throw ApiException.badParam(param, message);
        }
    }

    private KeySettings apply(KeySettings base) {
        KeySettings s = base;
        if (body.has("name")) {
            s = s.withName(requiredName());
        }
        if (body.has("allowed_models")) {
            s = s.withAllowedModels(strings("allowed_models"));
        }
        if (body.has("requests_per_minute")) {
            s = s.withRequestsPerMinute(number("requests_per_minute"));
        }
        if (body.has("tokens_per_minute")) {
            s = s.withTokensPerMinute(number("tokens_per_minute"));
        }
        if (body.has("budget_micros") || body.has("budget_period")) {
            Long micros = body.has("budget_micros") ? number("budget_micros") : s.budgetMicros();
            BudgetPeriod period = body.has("budget_period") ? period() : s.budgetPeriod();
            if (body.has("budget_micros") && micros == null && !body.has("budget_period")) {
                period = null; // removing the budget removes its period with it
            }
            if (micros != null && period == null && !body.has("budget_period")) {
                throw ApiException.badParam("budget_period", "budget_period: missing with budget_micros: " + micros
                        + " (expected: day or month)");
            }
            s = s.withBudget(micros, period);
        }
        if (body.has("expires_at")) {
            s = s.withExpiresAt(instant("expires_at"));
        }
        if (body.has("enabled")) {
            JsonNode v = body.get("enabled");
            if (!v.isBoolean()) {
                throw wrongType("enabled", v, "true or false");
            }
            s = s.withEnabled(v.booleanValue());
        }
        if (body.has("return_cost")) {
            JsonNode v = body.get("return_cost");
            if (!v.isBoolean()) {
                throw wrongType("return_cost", v, "true or false");
            }
            s = s.withReturnCost(v.booleanValue());
        }
        if (body.has("payload_policy")) {
            s = s.withPayloadPolicy(text("payload_policy"));
        }
        if (body.has("tags")) {
            s = s.withTags(tags());
        }
        return s;
    }

    private String text(String member) {
        JsonNode v = body.get(member);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw wrongType(member, v, "a string");
        }
        return v.textValue();
    }

    private Long number(String member) {
        JsonNode v = body.get(member);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw wrongType(member, v, "an integer or null");
        }
        return v.longValue();
    }

    private List<String> strings(String member) {
        JsonNode v = body.get(member);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw wrongType(member, v, "an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                throw wrongType(member, item, "an array of strings");
            }
            out.add(item.textValue());
        }
        return out;
    }

    private BudgetPeriod period() {
        String value = text("budget_period");
        if (value == null) {
            return null;
        }
        return switch (value) {
            case "day" -> BudgetPeriod.DAY;
            case "month" -> BudgetPeriod.MONTH;
            default -> throw ApiException.badParam("budget_period", "budget_period: '" + Params.clip(value)
                    + "' (expected: day or month)");
        };
    }

    private Instant instant(String member) {
        String value = text(member);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeException notInstant) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeException notOffset) {
                try {
                    return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
                } catch (DateTimeException notDate) {
                    throw ApiException.badParam(member, member + ": '" + Params.clip(value)
                            + "' (expected: ISO-8601 like 2027-01-01T00:00:00Z or 2027-01-01, or null)");
                }
            }
        }
    }

    private Map<String, String> tags() {
        JsonNode v = body.get("tags");
        if (v == null || v.isNull()) {
            return Map.of();
        }
        if (!v.isObject()) {
            throw wrongType("tags", v, "an object of string values");
        }
        Map<String, String> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> tag = it.next();
            if (!tag.getValue().isTextual()) {
                throw wrongType("tags", tag.getValue(), "an object of string values");
            }
            out.put(tag.getKey(), tag.getValue().textValue());
        }
        return out;
    }

    private static ApiException wrongType(String member, JsonNode value, String expected) {
        String shown = value.isTextual() ? "'" + Params.clip(value.textValue()) + "'" : Params.clip(value.toString());
        return ApiException.badParam(member, member + ": " + shown + " (expected: " + expected + ")");
    }
}
