package dev.tally.cli.keys;

import dev.tally.audit.store.StoreException;
import dev.tally.cli.CommandFailure;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tally keys}: create, list, update and revoke virtual keys, directly on the store in
 * the data directory — also while a gateway runs on it (it sees a change within its key cache
 * bound, 1 s) — or with {@code --url} through a gateway's admin API ({@link KeysApi}). Every
 * change is committed with its admin event: on the chain {@code cli} when made on the store, on
 * the gateway's chain (actor {@code admin-api}) when made through it. The
 * secret is printed once, by {@code create}, and nowhere else. Exit codes as for every
 * command: 0 ok, 1 failure (unknown key, name taken, store error), 2 usage error. Not
 * thread-safe; picocli makes one instance per run.
 */
@Command(name = "keys",
        description = "Create, list, update and revoke virtual keys, on the store (--data) or through a gateway (--url).",
        subcommands = {KeysCreateCommand.class, KeysListCommand.class, KeysUpdateCommand.class,
            KeysRevokeCommand.class})
public final class KeysCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    dev.tally.cli.options.HelpOption help;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing command (expected one of: create, list, update, revoke)");
    }

    /** A step that may fail the way key changes fail. */
    @FunctionalInterface
    interface Step<T> {
        T run() throws InterruptedException;
    }

    /**
     * Runs {@code step}, turning the failures a user can act on (unknown key, name taken,
     * revoked key, store unavailable) into a {@link CommandFailure}, printed as one line.
     */
    static <T> T failing(Step<T> step) {
        try {
            return step.run();
        } catch (IllegalArgumentException | StoreException e) {
            throw new CommandFailure(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure("interrupted before the change was confirmed", e);
        }
    }

    /** Prints each warning of the gateway's answer as {@code warning: …} on standard error (the change was made). */
    static void warn(java.io.PrintWriter err, java.util.List<String> warnings) {
        warnings.forEach(w -> err.println("warning: " + w));
        err.flush();
    }
}
