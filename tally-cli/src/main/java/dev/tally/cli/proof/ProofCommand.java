package dev.tally.cli.proof;

import dev.tally.audit.proof.InclusionProof;
import dev.tally.cli.CommandFailure;
import dev.tally.cli.TallyCommand;
import dev.tally.cli.options.PublicKeys;
import dev.tally.cli.options.SourceOptions;
import dev.tally.cli.source.IntegritySource;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tally proof}: fetches the inclusion proof of one entry (from the store of {@code --data} or
 * a gateway's {@code GET /v1/admin/proof/{id}}) and checks it with the audit core's
 * {@link InclusionProof#problems}: the entry hash recomputed from the stored body, the leaf, the
 * audit path to the head's root, the head's signature. {@code --save} keeps the proof; {@code --check
 * <file>} checks a saved one offline, against {@code --public-key} (required then: a file alone
 * proves nothing about who signed it).
 *
 * <p>Exits {@link TallyCommand#OK} when the proof checks out, {@link TallyCommand#FAILURE} when it
 * does not, when no head covers the entry yet (retry in a second) or the entry is unknown.
 * Blocking; not thread-safe.
 */
@Command(name = "proof",
        description = {
            "Prove that one entry is in the log: fetch its Merkle inclusion proof and check it "
                + "(entry hash, audit path to a signed head's root, the head's signature).",
            "Exits 0 when the proof checks out, 1 when it does not or cannot be had yet."
        })
public final class ProofCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    dev.tally.cli.options.HelpOption help;

    @Mixin
    SourceOptions source;

    @Parameters(arity = "0..1", paramLabel = "<record id>", description = "The entry's id, e.g. a call's x-request-id.")
    String id;

    @Option(names = "--check", paramLabel = "<file>",
            description = "Check a proof saved with --save, offline (needs --public-key).")
    Path check;

    @Option(names = "--save", paramLabel = "<file>", description = "Also write the fetched proof to this file.")
    Path save;

    @Option(names = "--public-key", paramLabel = "<file>",
            description = {"Trust only heads signed by this exported public key (repeatable). "
                + "Without it, the keys the log itself lists are used (said as 'unpinned')."})
    List<Path> publicKeys = new ArrayList<>();

    @Override
    public Integer call() {
        Map<String, PublicKey> pinned = PublicKeys.read(publicKeys);
        if (check != null) {
            if (id != null || save != null) {
                throw usage("--check takes no <record id> and no --save (expected: --check <file> --public-key <file>)");
            }
            if (pinned.isEmpty()) {
                throw usage("--check needs --public-key (expected: the exported key, e.g. signing.pub, that the head's"
                        + " signature must check out under)");
            }
            return report(read(check), pinned, "pinned key", check.toString());
        }
        if (id == null) {
            throw usage("missing <record id> (expected: an entry id, or --check <file>)");
        }
        try (IntegritySource log = source.integrity()) {
            Optional<InclusionProof> proof = log.inclusion(id);
            if (proof.isEmpty()) {
                throw new CommandFailure("id: '" + id + "' is not yet covered by a signed head (expected: retry in a"
                        + " second; a head is signed at most audit.sign_interval after an entry)");
            }
            if (save != null) {
                try {
                    Files.writeString(save, proof.get().toJson() + "\n");
                } catch (IOException e) {
                    throw new CommandFailure("save: " + save + " cannot be written (" + e.getMessage() + ")", e);
                }
            }
            Map<String, PublicKey> keys = pinned.isEmpty() ? PublicKeys.listed(log.listedKeys()) : pinned;
            return report(proof.get(), keys, pinned.isEmpty() ? "a key the log lists (unpinned)" : "pinned key", log.where());
        }
    }

    private int report(InclusionProof proof, Map<String, PublicKey> keys, String trust, String where) {
        List<String> problems = proof.problems(keys);
        PrintWriter out = spec.commandLine().getOut();
        var entry = proof.entry();
        var head = proof.head();
        out.printf("entry %s: chain %s seq %d, leaf %d of tree size %d (%s)%n", entry.entry().id(), entry.chain(),
                entry.seq(), proof.leafIndex(), head.seq(), where);
        out.printf("head: root %s, signed %s by key %s (%s)%n", head.root(), dev.tally.audit.json.Json.INSTANT_FORMAT
                .format(head.at()), head.keyId(), trust);
        if (problems.isEmpty()) {
            out.println("OK: the entry is in the log under this signed head");
        } else {
            problems.forEach(p -> out.println("FAILED: " + p));
        }
        out.flush();
        return problems.isEmpty() ? TallyCommand.OK : TallyCommand.FAILURE;
    }

    private static InclusionProof read(Path file) {
        try {
            return InclusionProof.fromJson(Files.readString(file));
        } catch (IOException e) {
            throw new CommandFailure("check: " + file + " cannot be read (" + e.getMessage() + ")", e);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure("check: " + file + " is not a saved proof (" + e.getMessage()
                    + "; expected: the output of tally proof --save)", e);
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
