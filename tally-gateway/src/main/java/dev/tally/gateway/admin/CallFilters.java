package dev.tally.gateway.admin;

import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.query.CallQuery;
import dev.tally.gateway.keys.KeyService;
import java.util.Set;

/**
 * The call filters shared by {@code /v1/admin/logs} and {@code /v1/admin/export}: {@code since},
 * {@code until}, {@code key} (a key id or name), {@code model}, {@code provider}, {@code status},
 * {@code user} and repeatable {@code tag=name:value}. Every value goes into a {@link CallQuery},
 * whose store binds it as a parameter; none is ever part of SQL text. Stateless.
 */
final class CallFilters {

    /** The filter parameter names. */
    static final Set<String> NAMES = Set.of("since", "until", "key", "model", "provider", "status", "user", "tag");

    private CallFilters() {
    }

    /** The query the filters of {@code params} describe, for one page. May read the store (key by name). */
    static CallQuery query(Params params, KeyService keys, int limit, String cursor) {
        Params.Range range = params.range();
        return new CallQuery(range.since(), range.until(), keyId(params.text("key"), keys), params.text("model"),
                params.text("provider"), params.status(), params.text("user"), params.tags(), limit, cursor);
    }

    /**
     * The key id a {@code key} filter names: the key with that id, else the key with that name;
     * a value matching neither is used as an id (and matches nothing).
     */
    static String keyId(String idOrName, KeyService keys) {
        if (idOrName == null) {
            return null;
        }
        return keys.find(idOrName).map(VirtualKey::id).orElse(idOrName);
    }
}
