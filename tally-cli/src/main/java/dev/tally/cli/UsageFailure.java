package dev.tally.cli;

/**
 * A bad value found only once the command ran: a cursor the store does not recognise, a
 * parameter the gateway's admin API answered 400 to. Printed as its message alone and the command
 * exits with {@link TallyCommand#USAGE}, like any other usage error. Messages never contain secrets.
 */
public final class UsageFailure extends RuntimeException {

    public UsageFailure(String message) {
        super(message);
    }

    public UsageFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
