package dev.tally.cli;

import dev.tally.audit.chain.SigningKeys;
import dev.tally.audit.store.StoreException;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.audit.verify.Verifier;
import dev.tally.audit.verify.VerifyReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.cli.options.SourceOptions;
import dev.tally.cli.source.AdminClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tally verify}: recomputes every hash chain in a data directory's store and checks every
 * signed checkpoint and retention anchor (DESIGN.md section 2, "Integrity"), using
 * {@link Verifier}.
 *
 * <p>Exits {@link TallyCommand#OK} when every chain verifies and {@link TallyCommand#FAILURE}
 * when one does not (naming the first bad entry) or the store cannot be read. It never creates a
 * store: a data directory without {@code tally.db} is an error, not an empty, intact log. It
 * only reads; a gateway may keep writing while it runs (SQLite WAL), and entries committed after
 * a chain was read are simply not part of this report. With {@code --url} it asks the gateway's
 * {@code GET /v1/admin/verify} instead and prints the answer the same way. Blocking: returns after the whole store
 * was read. Not thread-safe (one instance per run).
 */
@Command(name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Verify the audit log: recompute every hash chain and check every signature.",
            "Reads the store in --data directly, or asks a running gateway with --url (GET /v1/admin/verify).",
            "Exits 0 when every chain verifies, 1 when one does not (naming the first bad entry)."
        })
final class VerifyCommand implements Callable<Integer> {

    /** The database file inside a data directory. */
    static final String DATABASE_FILE = "tally.db";

    @Spec
    CommandSpec spec;

    @Mixin
    SourceOptions source;

    @Option(names = "--json", description = "Print the report as one JSON object, for scripts.")
    boolean json;

    @Option(names = "--public-key", paramLabel = "<file>",
            description = {"Trust only signatures by this exported public key (signing.pub: one line of base64 X.509).",
                "Repeat it for a store with several signers (e.g. the gateway's and the CLI's chain).",
                "Without it, the keys registered in the store are trusted."})
    List<Path> publicKeys = new ArrayList<>();

    @Override
    public Integer call() {
        if (source.remote()) {
            if (!publicKeys.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--public-key goes with --data: the gateway "
                        + "verifies with the keys registered in its store (expected: --data <dir> to check signatures "
                        + "against exported keys)");
            }
            return remote();
        }
        Path data = source.dataDir();
        Path database = data.resolve(DATABASE_FILE);
        if (!Files.isRegularFile(database)) {
            throw new CommandFailure("data: " + data + " has no " + DATABASE_FILE
                    + " (expected: the data directory of a Tally instance, e.g. --data ./data)");
        }
        Map<String, PublicKey> trusted = readPublicKeys();
        try (SqliteAuditStore store = SqliteAuditStore.open(database)) {
            // An empty map makes the verifier trust the keys registered in the store.
            Verifier verifier = new Verifier(store, trusted);
            VerifyReport report = verifier.verify();
            Optional<FirstBadEntry> firstBad = FirstBadEntry.find(store, report);
            VerifyOutput output = new VerifyOutput(spec.commandLine().getOut());
            if (json) {
                output.json(report, firstBad);
            } else {
                output.text(database.toString(), report, firstBad);
            }
            return report.ok() ? TallyCommand.OK : TallyCommand.FAILURE;
        } catch (StoreException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
    }

    /** Asks the gateway's {@code GET /v1/admin/verify} and prints its answer like a local report. */
    private int remote() {
        AdminClient client = source.client();
        JsonNode answer = client.get("/v1/admin/verify", List.of());
        Map.Entry<VerifyReport, Optional<FirstBadEntry>> report;
        try {
            report = VerifyOutput.read(answer);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure("url: /v1/admin/verify answered " + e.getMessage(), e);
        }
        VerifyOutput output = new VerifyOutput(spec.commandLine().getOut());
        if (json) {
            output.json(report.getKey(), report.getValue());
        } else {
            output.text(client.base().toString(), report.getKey(), report.getValue());
        }
        return report.getKey().ok() ? TallyCommand.OK : TallyCommand.FAILURE;
    }

    /** The trusted keys by key id; empty when none was given. */
    private Map<String, PublicKey> readPublicKeys() {
        Map<String, PublicKey> keys = new HashMap<>();
        for (Path file : publicKeys) {
            String text;
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                throw new CommandFailure("public-key: " + file + " cannot be read (" + e + ")", e);
            }
            try {
                PublicKey key = SigningKeys.parsePublicKey(text);
                keys.put(SigningKeys.keyIdOf(key), key);
            } catch (IllegalArgumentException e) {
                throw new CommandFailure("public-key: " + file + " is not an exported Tally key (expected: "
                        + "one line of base64 X.509 Ed25519, as in signing.pub)", e);
            }
        }
        return keys;
    }
}
