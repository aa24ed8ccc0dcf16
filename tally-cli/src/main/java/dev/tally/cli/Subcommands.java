package dev.tally.cli;

import dev.tally.cli.alerts.AlertsCommand;
import dev.tally.cli.events.EventsCommand;
import dev.tally.cli.export.ExportCommand;
import dev.tally.cli.imports.ImportCommand;
import dev.tally.cli.keys.KeysCommand;
import dev.tally.cli.logs.LogsCommand;
import dev.tally.cli.proof.ProofCommand;
import dev.tally.cli.signing.SigningKeyCommand;
import dev.tally.cli.usage.UsageCommand;
import dev.tally.cli.witness.HeadsCommand;
import dev.tally.cli.witness.WitnessCommand;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;

/**
 * Every subcommand of {@code tally}, by name, in the order {@code tally --help} lists them. A new
 * command is one more line in {@link #ALL}: its name (the {@code name} of its {@code @Command},
 * which a test checks) and its class.
 *
 * <p>Why a list of its own rather than {@code @Command(subcommands = ...)} on {@link TallyCommand}:
 * picocli builds the model of every listed subcommand by reflection when the root is built,
 * which cost about 0.2 s of every run; {@link TallyCommand#commandLine(java.util.Map, String...)}
 * adds only the subcommand a command line names. Naming a class here loads it but builds
 * nothing. Immutable.
 */
final class Subcommands {

    /**
     * One subcommand.
     *
     * @param name what the user types, e.g. {@code logs}
     * @param type its {@code @Command} class, built by picocli only when it runs or help lists it
     */
    record Entry(String name, Class<?> type) {
    }

    /** Every subcommand, hidden ones included, in help order. */
    static final List<Entry> ALL = List.of(
            new Entry("serve", ServeCommand.class),
            new Entry("logs", LogsCommand.class),
            new Entry("usage", UsageCommand.class),
            new Entry("events", EventsCommand.class),
            new Entry("verify", VerifyCommand.class),
            new Entry("proof", ProofCommand.class),
            new Entry("heads", HeadsCommand.class),
            new Entry("witness", WitnessCommand.class),
            new Entry("export", ExportCommand.class),
            new Entry("import", ImportCommand.class),
            new Entry("keys", KeysCommand.class),
            new Entry("signing-key", SigningKeyCommand.class),
            new Entry("alerts", AlertsCommand.class),
            new Entry("prices", dev.tally.cli.prices.PricesCommand.class),
            new Entry("reprice", dev.tally.cli.reprice.RepriceCommand.class),
            new Entry("help", CommandLine.HelpCommand.class),
            new Entry("aot-training", AotTrainingCommand.class));

    private Subcommands() {
    }

    /** The subcommand called {@code name}, if there is one. */
    static Optional<Entry> named(String name) {
        return ALL.stream().filter(entry -> entry.name().equals(name)).findFirst();
    }
}
