package dev.tally.cli.keys;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --data <dir>} option every {@code tally keys} command takes. */
final class DataDirOption {

    @Option(names = "--data", paramLabel = "<dir>", defaultValue = "./data",
            description = "Data directory holding the store (tally.db). Default: ${DEFAULT-VALUE}.")
    Path dir;
}
