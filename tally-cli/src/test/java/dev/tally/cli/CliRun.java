package dev.tally.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * The outcome of one in-process run of the {@code tally} command: exit code and everything it
 * printed, so tests read like a shell session.
 *
 * @param exitCode what {@code tally} would exit with
 * @param out standard output
 * @param err standard error
 */
record CliRun(int exitCode, String out, String err) {

    /** Runs {@code tally args...} in this JVM and captures its output. */
    static CliRun of(String... args) {
        return withEnvironment(java.util.Map.of(), args);
    }

    /** Runs {@code tally args...} with {@code environment} as the only environment variables it sees. */
    static CliRun withEnvironment(java.util.Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = TallyCommand.commandLine(environment, args);
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int code = line.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
