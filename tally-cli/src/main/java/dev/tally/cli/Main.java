package dev.tally.cli;

import dev.tally.gateway.logging.LogSettings;
import dev.tally.gateway.logging.LogSetup;
import dev.tally.gateway.server.StartupTimeline;
import dev.tally.gateway.server.StartupWarmUp;

/**
 * Entry point of the {@code tally} command (the main class of {@code tally.jar}): installs the
 * command line's quiet logging (warnings and errors only, one line each, on stderr; {@code serve}
 * replaces it with the configured one), runs {@link TallyCommand} and exits with its code, 0 ok,
 * 1 failure, 2 usage error. For {@code serve} it first starts {@link StartupWarmUp} on a second
 * thread.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        StartupTimeline.mark("main");
        if (args.length > 0 && args[0].equals("serve")) {
            // On a second core, while the command line is parsed and the store opened.
            StartupWarmUp.start();
        }
        LogSetup.install(LogSettings.commandLine());
        System.exit(TallyCommand.commandLine(System.getenv(), args).execute(args));
    }
}
