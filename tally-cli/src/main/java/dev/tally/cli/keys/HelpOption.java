package dev.tally.cli.keys;

import picocli.CommandLine.Option;

/** {@code -h}/{@code --help} for the {@code keys} commands ({@code --version} belongs to {@code tally} itself). */
final class HelpOption {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;
}
