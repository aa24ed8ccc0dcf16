package dev.tally.cli;

import dev.tally.gateway.logging.LogSettings;
import dev.tally.gateway.logging.LogSetup;

/**
 * Entry point of the {@code tally} command (the main class of {@code tally.jar}): installs the
 * command line's quiet logging (warnings and errors only, one line each, on stderr; {@code serve}
 * replaces it with the configured one), runs {@link TallyCommand} and exits with its code, 0 ok,
 * 1 failure, 2 usage error.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        LogSetup.install(LogSettings.commandLine());
        System.exit(TallyCommand.commandLine(System.getenv(), args).execute(args));
    }
}
