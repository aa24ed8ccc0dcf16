package dev.tally.cli.keys;

import dev.tally.audit.keys.VirtualKey;
import dev.tally.cli.TallyCommand;
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
    DataDirOption data;

    @Parameters(index = "0", paramLabel = "<id|name>", description = "The key's id or name.")
    String key;

    @Override
    public Integer call() {
        try (KeysStore store = KeysStore.open(data.dir, false)) {
            VirtualKey revoked = KeysCommand.failing(() -> store.service().revoke(key, KeysStore.ACTOR));
            spec.commandLine().getOut().println("revoked key " + revoked.name() + " (" + revoked.prefix() + ", id "
                    + revoked.id() + ") at " + revoked.revokedAt());
            spec.commandLine().getOut().flush();
        }
        return TallyCommand.OK;
    }
}
