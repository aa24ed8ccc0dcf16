package dev.tally.cli.prices;

import dev.tally.cli.options.HelpOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tally prices}: the group of price commands ({@code check}). Does nothing by itself but
 * name its subcommands. Not thread-safe (one per run).
 */
@Command(name = "prices",
        description = {"Check the configured model prices (see docs/spend.md, \"Prices\")."},
        subcommands = {PricesCheckCommand.class})
public final class PricesCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (expected: check)");
    }
}
