package dev.tally.cli.options;

import picocli.CommandLine.Option;

/**
 * {@code -h}/{@code --help} for a subcommand ({@code --version} belongs to {@code tally} itself).
 * Used as a picocli mixin; not thread-safe.
 */
public final class HelpOption {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;
}
