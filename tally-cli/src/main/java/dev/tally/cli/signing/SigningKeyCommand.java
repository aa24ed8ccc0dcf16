package dev.tally.cli.signing;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tally signing-key}: operations on the gateway's head-signing key. Only {@code rotate}
 * for now ({@link SigningKeyRotateCommand}). Not thread-safe; picocli makes one instance per run.
 */
@Command(name = "signing-key",
        description = "Manage the key that signs the gateway's tree heads (see docs/integrity.md).",
        subcommands = {SigningKeyRotateCommand.class})
public final class SigningKeyCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    dev.tally.cli.options.HelpOption help;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (expected one of: rotate)");
    }
}
