package dev.tally.cli.keys;

import dev.tally.cli.TallyCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * One in-process run of {@code tally ...}: exit code and what it printed.
 *
 * @param exitCode what {@code tally} would exit with
 * @param out standard output
 * @param err standard error
 */
record KeysRun(int exitCode, String out, String err) {

    static KeysRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = TallyCommand.commandLine();
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int code = line.execute(args);
        return new KeysRun(code, out.toString(), err.toString());
    }
}
