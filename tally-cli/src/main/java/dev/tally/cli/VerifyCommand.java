package dev.tally.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.verify.deep.DeepCheck;
import dev.tally.cli.witness.WitnessState;
import java.time.Instant;
import dev.tally.audit.verify.deep.DeepReport;
import dev.tally.cli.options.PublicKeys;
import java.io.PrintWriter;
import dev.tally.audit.store.StoreException;
import dev.tally.audit.store.DerivedRows;
import dev.tally.audit.verify.Verifier;
import dev.tally.audit.verify.VerifyReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * {@code GET /v1/admin/verify} instead and prints the answer the same way. With {@code --deep} it also
 * runs {@link DeepCheck} (rollups and tag rows recomputed from the entries) and fails on any
 * difference. Signatures are checked against the pinned keys of {@code --public-key} and
 * {@code --config}'s {@code audit.trusted_keys} when any are given, else against the keys the
 * store lists. The store is the one {@code --config} names ({@code store.url}, also a PostgreSQL
 * database) or the SQLite file in {@code --data}. Blocking: returns after the whole store was read. Not thread-safe (one instance per run).
 */
@Command(name = "verify",
        description = {
            "Verify the audit log: recompute every hash chain and check every signature.",
            "Reads the store in --data (or the one --config names) directly, or asks a running gateway with --url.",
            "Exits 0 when every chain verifies, 1 when one does not (naming the first bad entry)."
        })
final class VerifyCommand implements Callable<Integer> {

    /** The database file inside a data directory. */
    static final String DATABASE_FILE = dev.tally.cli.source.StoreReader.DATABASE_FILE;

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    dev.tally.cli.options.HelpOption help;

    @Mixin
    SourceOptions source;

    @Option(names = "--json", description = "Print the report as one JSON object, for scripts.")
    boolean json;

    @Option(names = "--public-key", paramLabel = "<file>",
            description = {"Trust only signatures by this exported public key (signing.pub: one line of base64 X.509). "
                + "Repeat it for a store with several signers (e.g. the gateway's and the CLI's chain). "
                + "Without it, the keys registered in the store are trusted."})
    List<Path> publicKeys = new ArrayList<>();

    @Option(names = "--since", paramLabel = "<heads.json>",
            description = {"Also prove every chain still extends the heads saved in this file (tally heads output, "
                + "or a witness's state file): fails when a chain there is gone, shorter or rewritten (not with --url)."})
    Path since;

    @Option(names = "--deep", description = {"Also recompute every usage rollup and tag row from the entries and name "
            + "each difference (not with --url)."})
    boolean deep;

    @Override
    public Integer call() {
        if (source.remote()) {
            for (var local : List.of(Map.entry("--public-key", !publicKeys.isEmpty()), Map.entry("--config", source.configFile() != null),
                    Map.entry("--since", since != null), Map.entry("--deep", deep))) {
                if (local.getValue()) {
                    throw new CommandLine.ParameterException(spec.commandLine(), local.getKey() + " goes with --data or "
                            + "--config: the gateway verifies its own store with the keys its own config pins (expected: "
                            + "--data <dir> or --config <tally.yaml>)");
                }
            }
            return remote();
        }
        Map<String, PublicKey> trusted = new LinkedHashMap<>(PublicKeys.read(publicKeys));
        source.settings().ifPresent(settings -> trusted.putAll(settings.audit().integrity().pinnedKeys()));
        List<SignedHead> saved = savedHeads();
        try (DerivedRows store = source.openStore(false)) {
            // An empty map makes the verifier trust the keys registered in the store.
            Verifier verifier = new Verifier(store, trusted);
            VerifyReport report = saved == null ? verifier.verify() : verifier.since(saved);
            Optional<FirstBadEntry> firstBad = FirstBadEntry.find(store, report);
            DeepReport deepReport = deep ? DeepCheck.run(store) : null;
            PrintWriter out = spec.commandLine().getOut();
            VerifyOutput output = new VerifyOutput(out, Instant.now(),
                    chain -> VerifyOutput.keyTrust(chain, trusted.keySet()));
            if (json) {
                ObjectNode root = output.jsonNode(report, firstBad);
                if (deepReport != null) {
                    DeepOutput.json(root, deepReport);
                }
                output.print(root);
            } else {
                output.text(source.storeWhere(), report, firstBad);
                if (deepReport != null) {
                    DeepOutput.text(out, deepReport);
                }
            }
            return report.ok() && (deepReport == null || deepReport.ok()) ? TallyCommand.OK : TallyCommand.FAILURE;
        } catch (StoreException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
    }

    /** Asks the gateway's {@code GET /v1/admin/verify} and prints its answer like a local report. */
    private int remote() {
        AdminClient client = source.client();
        JsonNode answer = client.get("/v1/admin/verify", List.of());
        VerifyOutput.Remote report;
        try {
            report = VerifyOutput.read(answer);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure("url: /v1/admin/verify answered " + e.getMessage(), e);
        }
        VerifyOutput output = new VerifyOutput(spec.commandLine().getOut(), Instant.now(),
                chain -> report.trust().getOrDefault(chain.chain(), "store_listed"));
        if (json) {
            output.json(report.report(), report.firstBad());
        } else {
            output.text(client.base().toString(), report.report(), report.firstBad());
        }
        return report.report().ok() ? TallyCommand.OK : TallyCommand.FAILURE;
    }

    /** The heads of {@code --since}, or null without it. */
    private List<SignedHead> savedHeads() {
        if (since == null) {
            return null;
        }
        try {
            if (!Files.isRegularFile(since)) {
                throw new CommandFailure("since: " + since + " does not exist (expected: a file of heads, as tally heads"
                        + " prints)");
            }
            return List.copyOf(WitnessState.read(since).heads().values());
        } catch (java.io.IOException e) {
            throw new CommandFailure("since: " + since + " cannot be read (" + e.getMessage() + ")", e);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure("since: " + e.getMessage(), e);
        }
    }
}
