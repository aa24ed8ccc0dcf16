package dev.tally.gateway.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /v1/admin/witness}: the last result of the {@code tally witness} whose state file
 * {@code audit.witness_state} names, for the dashboard's Integrity page:
 * <pre>
 * {"configured":true,"state_file":"/var/lib/tally-witness/state.json",
 *  "state":{"checked_at":"…","ok":true,"findings":[],"heads":[…]},"age_ms":8123,"error":null}
 * </pre>
 * {@code state} is the file as the witness wrote it (null while it has not written one yet),
 * {@code age_ms} the time since its {@code checked_at}; {@code error} says why a file that exists
 * cannot be read. Without {@code audit.witness_state}: {@code {"configured":false}}. Always 200:
 * what the witness found is a finding, not a failed request. Reads one small file; returns when
 * written. Thread-safe.
 */
final class WitnessHandler implements AdminEndpoint.Action {

    /** A state file larger than this is not a witness's (one head per chain). */
    static final long MAX_STATE_BYTES = 4L * 1024 * 1024;

    private final AdminServices services;

    WitnessHandler(AdminServices services) {
        this.services = services;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        new Params(req.query(), Set.of());
        Optional<Path> file = services.audit().integrity().witnessState();
        ObjectNode root = JsonReply.object();
        root.put("configured", file.isPresent());
        if (file.isEmpty()) {
            JsonReply.send(res, 200, root);
            return;
        }
        root.put("state_file", file.get().toString());
        root.putNull("state");
        root.putNull("age_ms");
        root.putNull("error");
        try {
            if (Files.size(file.get()) > MAX_STATE_BYTES) {
                throw new IOException(Files.size(file.get()) + " bytes (expected: at most " + MAX_STATE_BYTES + ")");
            }
            JsonNode state = JsonReply.MAPPER.readTree(Files.readString(file.get()));
            if (state == null || !state.isObject() || !state.path("checked_at").isTextual()) {
                throw new IOException("not a witness state (expected: a JSON object with checked_at, ok, findings, heads)");
            }
            root.set("state", state);
            Instant checked = Instant.parse(state.get("checked_at").asText());
            root.put("age_ms", Math.max(0, Duration.between(checked, services.clock().instant()).toMillis()));
        } catch (NoSuchFileException e) {
            // the witness has not written its first state yet
        } catch (JsonProcessingException e) {
            root.putNull("state");
            root.put("error", "not JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException | DateTimeParseException e) {
            root.putNull("state");
            root.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        JsonReply.send(res, 200, root);
    }
}
