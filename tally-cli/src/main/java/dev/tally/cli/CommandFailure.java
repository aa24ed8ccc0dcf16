package dev.tally.cli;

/**
 * A failure the user can act on (missing data directory, unreadable key file): printed as
 * its message alone, without a stack trace, and the command exits with
 * {@link TallyCommand#FAILURE}. Messages never contain secrets.
 */
public final class CommandFailure extends RuntimeException {

    public CommandFailure(String message) {
        super(message);
    }

    public CommandFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
