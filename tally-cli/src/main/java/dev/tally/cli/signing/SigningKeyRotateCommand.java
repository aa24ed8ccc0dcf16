package dev.tally.cli.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.chain.SignedHeadJson;
import dev.tally.audit.json.Json;
import dev.tally.audit.recorder.KeyRotated;
import dev.tally.audit.store.StoreException;
import dev.tally.cli.CommandFailure;
import dev.tally.cli.TallyCommand;
import dev.tally.cli.options.SourceOptions;
import dev.tally.cli.options.StoppedGateway;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tally signing-key rotate}: replaces the gateway's signing key with a new Ed25519 pair.
 * The head at the chain's current seq, signed by the old key, announces the new public key
 * ({@code next_key}), so a verifier that pinned the old key trusts the new one from that head on;
 * then the key file holds the new key and the old private key is deleted. With {@code --url}
 * through a running gateway ({@code POST /v1/admin/signing-key/rotate}); with {@code --data}
 * (and {@code --config}) on the store while the gateway is stopped, as the gateway's own chain
 * ({@code <data>/gateway/instance-id} or {@code server.instance_id}) and key
 * ({@code audit.signing_key_file}, else {@code <data>/gateway/signing.key}). Prints the result as
 * JSON: {@code {"chain","old_key_id","key_id","public_key","announcement"}}. Not thread-safe.
 */
@Command(name = "rotate",
        description = {
            "Replace the gateway's signing key; a head signed by the old key announces the new one.",
            "Verifiers that pinned the old key follow. Use --url for a running gateway, --data when it is stopped.",
            "Prints the new public key: pin it next (audit.trusted_keys, verify --public-key)."
        })
public final class SigningKeyRotateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    dev.tally.cli.options.HelpOption help;

    @Mixin
    SourceOptions source;

    @Override
    public Integer call() throws Exception {
        JsonNode answer = source.remote()
                ? source.client().send("POST", "/v1/admin/signing-key/rotate", null)
                : json(onStore());
        PrintWriter out = spec.commandLine().getOut();
        out.println(Json.mapper().writeValueAsString(answer));
        out.flush();
        PrintWriter err = spec.commandLine().getErr();
        err.println("rotated: chain " + answer.path("chain").asText() + " now signs with key "
                + answer.path("key_id").asText() + " (was " + answer.path("old_key_id").asText()
                + "); pin its public_key next");
        err.flush();
        return TallyCommand.OK;
    }

    /** Rotates on the store, as the gateway's chain would at start; the gateway must be stopped. */
    private KeyRotated onStore() throws InterruptedException {
        try (StoppedGateway gateway = StoppedGateway.open(source, source.settings(), "rotate")) {
            return gateway.recorder().rotateSigningKey();
        } catch (UncheckedIOException | IllegalStateException | StoreException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
    }

    private static ObjectNode json(KeyRotated rotated) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("chain", rotated.chain());
        root.put("old_key_id", rotated.oldKeyId());
        root.put("key_id", rotated.keyId());
        root.put("public_key", rotated.publicKey());
        if (rotated.announcement().isPresent()) {
            root.set("announcement", SignedHeadJson.node(rotated.announcement().get()));
        } else {
            root.putNull("announcement");
        }
        return root;
    }
}
