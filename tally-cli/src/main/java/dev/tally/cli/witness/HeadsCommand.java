package dev.tally.cli.witness;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SignedHeadJson;
import dev.tally.audit.json.Json;
import dev.tally.cli.TallyCommand;
import dev.tally.cli.options.SourceOptions;
import dev.tally.cli.source.IntegritySource;
import java.io.PrintWriter;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tally heads}: prints the latest signed head of every chain as {@code {"heads":[…]}} (the
 * JSON of {@code SignedHeadJson}, chains in order), from the store of {@code --data} or a gateway's
 * {@code GET /v1/admin/heads}. Kept somewhere the log's host cannot write, the output is what
 * {@code tally verify --since} later checks the log against. Blocking; not thread-safe.
 */
@Command(name = "heads",
        description = {
            "Print the latest signed head of every chain as JSON: {\"heads\":[…]}.",
            "Save it somewhere else; 'tally verify --since <file>' later proves the log still extends it."
        })
public final class HeadsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    dev.tally.cli.options.HelpOption help;

    @Mixin
    SourceOptions source;

    @Override
    public Integer call() throws Exception {
        try (IntegritySource log = source.integrity()) {
            ObjectNode root = Json.mapper().createObjectNode();
            ArrayNode heads = root.putArray("heads");
            for (SignedHead head : new TreeMap<>(log.latestHeads()).values()) {
                heads.add(SignedHeadJson.node(head));
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(Json.mapper().writeValueAsString(root));
            out.flush();
        }
        return TallyCommand.OK;
    }
}
