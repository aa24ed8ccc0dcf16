package dev.tally.cli.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.json.Json;
import dev.tally.cli.CommandFailure;
import dev.tally.cli.UsageFailure;
import dev.tally.cli.source.AdminClient;
import dev.tally.gateway.keys.KeySettings;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code tally keys} through a gateway's admin API: {@code POST/GET/PATCH/DELETE
 * /v1/admin/keys[/{id}]}, keys shown as {@link KeyJson} (the API's key view has the same
 * members), settings sent as a JSON object with every member set, so what the command computed is
 * exactly what the gateway stores. The secret arrives only in the answer to a create. Not
 * thread-safe; one per command run.
 */
final class KeysApi {

    private static final String ROOT = "/v1/admin/keys";
    private static final Pattern ID_OR_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Keeps explicit nulls: a member set to null clears that setting. */
    private static final ObjectMapper BODY = new ObjectMapper();

    private final AdminClient client;
    private List<String> warnings = List.of();

    KeysApi(AdminClient client) {
        this.client = client;
    }

    /** A created key and its secret. */
    record Created(KeyJson key, String secret) {
    }

    Created create(KeySettings settings) {
        JsonNode answer = client.send("POST", ROOT, body(settings));
        if (!answer.hasNonNull("secret")) {
            throw new CommandFailure("url: " + ROOT + " answered without the new key's secret (expected: the key view "
                    + "with \"secret\")");
        }
        warnings = warningsOf(answer);
        return new Created(key(answer), answer.get("secret").asText());
    }

    /** The {@code warnings} of the last create or update answer (a budget over unpriced models); often empty. */
    List<String> warnings() {
        return warnings;
    }

    private static List<String> warningsOf(JsonNode answer) {
        List<String> found = new ArrayList<>();
        answer.path("warnings").forEach(w -> found.add(w.asText()));
        return List.copyOf(found);
    }

    List<KeyJson> list() {
        JsonNode answer = client.get(ROOT, List.of());
        List<KeyJson> keys = new ArrayList<>();
        for (JsonNode node : answer.path("data")) {
            keys.add(key(node));
        }
        return keys;
    }

    KeyJson get(String idOrName) {
        return key(client.get(path(idOrName), List.of()));
    }

    KeyJson update(String idOrName, KeySettings settings) {
        JsonNode answer = client.send("PATCH", path(idOrName), body(settings));
        warnings = warningsOf(answer);
        return key(answer);
    }

    KeyJson revoke(String idOrName) {
        return key(client.send("DELETE", path(idOrName), null));
    }

    /** The settings of a key as the API shows it. */
    static KeySettings settings(KeyJson k) {
        return new KeySettings(k.name(), k.allowedModels(), k.requestsPerMinute(), k.tokensPerMinute(), k.budgetMicros(),
                k.budgetPeriod(), k.expiresAt(), k.enabled(), k.payloadPolicy(), k.tags(),
                k.returnCost() == null || k.returnCost());
    }

    /** Every setting as a member, absent ones as null. */
    static ObjectNode body(KeySettings s) {
        ObjectNode body = BODY.createObjectNode();
        body.put("name", s.name());
        s.allowedModels().forEach(body.putArray("allowed_models")::add);
        body.put("requests_per_minute", s.requestsPerMinute());
        body.put("tokens_per_minute", s.tokensPerMinute());
        body.put("budget_micros", s.budgetMicros());
        body.put("budget_period", s.budgetPeriod() == null ? null : Json.wire(s.budgetPeriod()));
        body.put("expires_at", s.expiresAt() == null ? null : Json.INSTANT_FORMAT.format(s.expiresAt()));
        body.put("enabled", s.enabled());
        body.put("payload_policy", s.payloadPolicy());
        body.put("return_cost", s.returnCost());
        ObjectNode tags = body.putObject("tags");
        s.tags().forEach(tags::put);
        return body;
    }

    private static KeyJson key(JsonNode node) {
        try {
            return Json.mapper().treeToValue(node, KeyJson.class);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new CommandFailure("url: " + ROOT + " answered a key that cannot be read (" + e.getMessage()
                    + "; expected: the admin API's key view)", e);
        }
    }

    private static String path(String idOrName) {
        if (!ID_OR_NAME.matcher(idOrName).matches()) {
            throw new UsageFailure("<id|name>: '" + idOrName + "' (expected: a key id or name, 1-64 characters of "
                    + "A-Z a-z 0-9 . _ -)");
        }
        return ROOT + "/" + idOrName;
    }
}
