package dev.tally.gateway.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.chain.SignedHeadJson;
import dev.tally.audit.recorder.KeyRotated;
import dev.tally.audit.recorder.Recorder;
import dev.tally.gateway.proxy.ErrorCode;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Set;

/**
 * {@code POST /v1/admin/signing-key/rotate}: rotates the gateway's signing key
 * ({@link Recorder#rotateSigningKey()}): the head at the current seq, signed by the old key,
 * announces the new one, then the key file holds the new key. Answers
 * {@code {"chain","old_key_id","key_id","public_key","announcement":<head JSON>|null}}; the
 * {@code public_key} is what verifiers pin next. Takes no parameters and no body. Thread-safe (the
 * recorder serialises the rotation behind the writes queued before it).
 */
final class SigningKeyHandler implements AdminEndpoint.Action {

    private final Recorder recorder;

    SigningKeyHandler(Recorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) throws Exception {
        new Params(req.query(), Set.of());
        KeyRotated rotated;
        try {
            rotated = recorder.rotateSigningKey();
        } catch (java.io.UncheckedIOException | IllegalStateException e) {
            // Not the caller's fault, but theirs to fix (a read-only key directory, a v1 chain): say what.
            throw new ApiException(ErrorCode.INTERNAL_ERROR, null, e.getMessage());
        }
        ObjectNode root = JsonReply.object();
        root.put("chain", rotated.chain());
        root.put("old_key_id", rotated.oldKeyId());
        root.put("key_id", rotated.keyId());
        root.put("public_key", rotated.publicKey());
        if (rotated.announcement().isPresent()) {
            root.set("announcement", SignedHeadJson.node(rotated.announcement().get()));
        } else {
            root.putNull("announcement");
        }
        JsonReply.send(res, 200, root);
    }
}
