package dev.tally.cli;

/**
 * Entry point of the {@code tally} command (the main class of {@code tally.jar}): runs
 * {@link TallyCommand} and exits with its code, 0 ok, 1 failure, 2 usage error.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(TallyCommand.commandLine().execute(args));
    }
}
