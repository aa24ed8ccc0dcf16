package dev.tally.cli.keys;

import dev.tally.audit.keys.VirtualKey;
import dev.tally.cli.TallyCommand;
import dev.tally.cli.options.HelpOption;
import dev.tally.cli.options.SourceOptions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tally keys revoke}: revokes a key for good. */
@Command(name = "revoke",
        description = "Revoke a key for good (it stays listed, as revoked, so old records still name it).")
final class KeysRevokeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    SourceOptions source;

    @Parameters(index = "0", paramLabel = "<id|name>", description = "The key's id or name.")
    String key;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (source.remote()) {
            KeyJson revoked = new KeysApi(source.client()).revoke(key);
            out.println("revoked key " + revoked.name() + " (" + revoked.prefix() + ", id " + revoked.id() + ") at "
                    + revoked.revokedAt());
            out.flush();
            return TallyCommand.OK;
        }
        try (KeysStore store = KeysStore.open(source, false)) {
            VirtualKey revoked = KeysCommand.failing(() -> store.service().revoke(key, KeysStore.ACTOR));
            out.println("revoked key " + revoked.name() + " (" + revoked.prefix() + ", id " + revoked.id() + ") at "
                    + revoked.revokedAt());
            out.flush();
        }
        return TallyCommand.OK;
    }
}
