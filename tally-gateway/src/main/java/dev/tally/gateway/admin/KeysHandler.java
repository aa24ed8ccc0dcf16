package dev.tally.gateway.admin;

import dev.tally.gateway.proxy.ErrorCode;
import dev.tally.gateway.proxy.RequestBody;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.gateway.keys.CreatedKey;
import dev.tally.gateway.keys.KeyService;
import dev.tally.gateway.keys.KeySettings;
import dev.tally.gateway.keys.UnknownKeyException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.Set;

/**
 * {@code /v1/admin/keys}: create ({@code POST}, 201, the secret shown this once), list
 * ({@code GET}), show ({@code GET /{id}}), change ({@code PATCH /{id}}) and revoke
 * ({@code DELETE /{id}}) virtual keys. {@code {id}} is a key id or name. Keys are shown by
 * {@link KeyView}; bodies are read by {@link KeyBody}.
 *
 * <p>Every change goes through the gateway's {@link KeyService}, which commits it with its
 * {@code key_created} / {@code key_updated} / {@code key_revoked} admin event (actor
 * {@value #ACTOR}) in one store transaction: if the event cannot be written the change does not
 * happen and the answer is 503 {@code store_unavailable}. Unknown key → 404; a name taken or a
 * revoked key → 409. Each action returns once the change is durable and the answer written.
 * Thread-safe.
 */
final class KeysHandler {

    /** The actor written in admin events of changes made here. */
    static final String ACTOR = "admin-api";

    private final AdminServices services;

    KeysHandler(AdminServices services) {
        this.services = services;
    }

    AdminEndpoint.Action create() {
        return (req, res) -> {
            new Params(req.query(), Set.of());
            KeyBody body = KeyBody.parse(read(req));
            KeySettings settings = body.newSettings();
            CreatedKey created;
            try {
                created = services.keys().create(settings, ACTOR);
            } catch (IllegalArgumentException e) {
                throw refused(e);
            }
            ObjectNode view = KeyView.of(created.key(), now());
            view.put("secret", created.secret());
            warnings(view, created.key());
            res.header("location", "/v1/admin/keys/" + created.key().id());
            JsonReply.send(res, 201, view);
        };
    }

    AdminEndpoint.Action list() {
        return (req, res) -> {
            new Params(req.query(), Set.of());
            Instant now = now();
            ObjectNode root = JsonReply.object();
            ArrayNode data = root.putArray("data");
            for (VirtualKey key : services.keys().list()) {
                data.add(KeyView.of(key, now));
            }
            JsonReply.send(res, 200, root);
        };
    }

    AdminEndpoint.Action show() {
        return (req, res) -> {
            new Params(req.query(), Set.of());
            JsonReply.send(res, 200, KeyView.of(key(req), now()));
        };
    }

    AdminEndpoint.Action update() {
        return (req, res) -> {
            new Params(req.query(), Set.of());
            String id = id(req);
            KeyBody body = KeyBody.parse(read(req));
            VirtualKey updated;
            try {
                updated = services.keys().update(id, body::applyTo, ACTOR);
            } catch (IllegalArgumentException e) {
                throw refused(e);
            }
            ObjectNode view = KeyView.of(updated, now());
            warnings(view, updated);
            JsonReply.send(res, 200, view);
        };
    }

    /** {@code warnings}: what the key's settings cannot do as asked (a budget over unpriced models); often empty. */
    private void warnings(ObjectNode view, VirtualKey key) {
        ArrayNode warnings = view.putArray("warnings");
        services.budgetWarnings().of(key).forEach(warnings::add);
    }

    AdminEndpoint.Action revoke() {
        return (req, res) -> {
            new Params(req.query(), Set.of());
            VirtualKey revoked;
            try {
                revoked = services.keys().revoke(id(req), ACTOR);
            } catch (IllegalArgumentException e) {
                throw refused(e);
            }
            JsonReply.send(res, 200, KeyView.of(revoked, now()));
        };
    }

    private VirtualKey key(ServerRequest req) {
        String id = id(req);
        return services.keys().find(id).orElseThrow(() -> notFound(id));
    }

    private static String id(ServerRequest req) {
        String id = req.path().pathParameters().get("id");
        if (id.isEmpty() || id.length() > 64) {
            throw ApiException.badParam("id", "id: " + id.length() + " characters (expected: a key id or name of 1-64)");
        }
        return id;
    }

    private static byte[] read(ServerRequest req) throws IOException {
        try {
            return RequestBody.read(req, KeyBody.MAX_BYTES);
        } catch (RequestBody.Short e) {
            throw new ApiException(ErrorCode.BODY_LENGTH_MISMATCH, null, e.getMessage());
        } catch (RequestBody.Malformed e) {
            throw new ApiException(e.code(), null, e.getMessage());
        }
    }

    private Instant now() {
        return services.clock().instant();
    }

    /** What the key service refused, as the client's error. */
    private static ApiException refused(IllegalArgumentException e) {
        if (e instanceof UnknownKeyException) {
            return ApiException.notFound("id", e.getMessage());
        }
        String message = String.valueOf(e.getMessage());
        if (message.startsWith("name:")) {
            return new ApiException(ErrorCode.KEY_NAME_TAKEN, "name", message);
        }
        if (message.startsWith("key:")) {
            return new ApiException(ErrorCode.KEY_ALREADY_REVOKED, "id", message);
        }
        if (message.startsWith("expires_at:")) {
            return ApiException.badParam("expires_at", message);
        }
        return ApiException.badParam(null, message);
    }

    private static ApiException notFound(String id) {
        return ApiException.notFound("id", "key: '" + Params.clip(id) + "' (expected: the id or name of an existing key)");
    }
}
