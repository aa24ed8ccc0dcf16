package dev.tally.cli;

import dev.tally.cli.options.ColorOption;
import dev.tally.cli.options.SourceOptions;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The top {@code tally} command. It does nothing by itself: it holds the subcommands (listed in
 * {@link Subcommands}) and the options every command shares ({@code --help}, {@code --version}).
 *
 * <p>Exit codes, the same for every subcommand: {@link #OK} when the command did what it was
 * asked (for {@code verify}: the log is intact), {@link #FAILURE} when it could not (or found
 * a problem), {@link #USAGE} when the command line itself was wrong. Not thread-safe: build one
 * {@link CommandLine} per run with {@link #commandLine()}.
 */
@Command(name = "tally",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "An OpenAI-compatible LLM gateway with a complete, tamper-evident audit log.")
public final class TallyCommand implements Runnable {

    /** The command did what was asked. */
    public static final int OK = 0;
    /** The command failed or found a problem (e.g. a broken chain). */
    public static final int FAILURE = 1;
    /** The command line was wrong: unknown option, missing value, no subcommand. */
    public static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing command (expected one of: " + String.join(", ", spec.subcommands().entrySet().stream()
                        .filter(e -> !e.getValue().getCommandSpec().usageMessage().hidden()).map(java.util.Map.Entry::getKey)
                        .toList()) + ")");
    }

    /**
     * A command line for {@code tally} with every subcommand, printing to standard out and err.
     * Callers (and tests) may replace the writers with {@link CommandLine#setOut(PrintWriter)}
     * and {@link CommandLine#setErr(PrintWriter)}; {@link CommandLine#execute} returns the exit
     * code once the command has finished.
     */
    public static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /**
     * Like {@link #commandLine()}, with {@code environment} in place of the process's environment
     * for the variables commands read ({@code TALLY_ADMIN_TOKEN}, {@code NO_COLOR}).
     */
    public static CommandLine commandLine(Map<String, String> environment) {
        return build(environment, Subcommands.ALL);
    }

    /**
     * A command line to {@link CommandLine#execute execute} {@code args} with, holding only the
     * subcommands those arguments can reach: the one named by {@code args[0]}, none for a lone
     * {@code --version}, and every one otherwise (no command, {@code --help}, {@code help}, a
     * misspelt command, which picocli answers with the commands that are near). Building a
     * subcommand's model costs picocli reflection over its options, so a short command pays only
     * for its own. It behaves as {@link #commandLine(Map)} for these arguments.
     */
    public static CommandLine commandLine(Map<String, String> environment, String... args) {
        return build(environment, needed(args));
    }

    /** The subcommands {@code args} can reach (see {@link #commandLine(Map, String...)}). */
    static List<Subcommands.Entry> needed(String... args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            return List.of();
        }
        Optional<Subcommands.Entry> named = args.length == 0 || args[0].equals("help")
                ? Optional.empty() : Subcommands.named(args[0]);
        return named.map(List::of).orElse(Subcommands.ALL);
    }

    private static CommandLine build(Map<String, String> environment, List<Subcommands.Entry> subcommands) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                if (type == SourceOptions.class) {
                    return type.cast(new SourceOptions(environment));
                }
                return type == ColorOption.class ? type.cast(new ColorOption(environment)) : defaults.create(type);
            }
        };
        CommandLine line = new CommandLine(new TallyCommand(), factory);
        for (Subcommands.Entry subcommand : subcommands) {
            line.addSubcommand(subcommand.name(), subcommand.type());
        }
        // Set after the subcommands are added: picocli copies these settings to the subcommands
        // that exist when they are set.
        line.setExecutionExceptionHandler(TallyCommand::handleFailure);
        line.setParameterExceptionHandler(TallyCommand::handleUsage);
        return line;
    }

    /**
     * A wrong command line: the one-line message (and picocli's "did you mean" for a misspelt
     * option or command), then where the full help is, instead of the whole help text, which
     * buries the message. Set once on the root, it serves every subcommand.
     */
    private static int handleUsage(CommandLine.ParameterException e, String[] args) {
        CommandLine line = e.getCommandLine();
        PrintWriter err = line.getErr();
        err.println(line.getCommandSpec().qualifiedName() + ": " + e.getMessage());
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
            CommandLine.UnmatchedArgumentException.printSuggestions(unmatched, err);
        }
        printSeeHelp(err, line);
        return USAGE;
    }

    private static void printSeeHelp(PrintWriter err, CommandLine line) {
        err.println("see '" + line.getCommandSpec().qualifiedName() + " --help'");
        err.flush();
    }

    /**
     * Expected failures ({@link CommandFailure}, exit 1; {@link UsageFailure}, exit 2) print their
     * message only; anything else is a bug or an environment problem, so its stack trace is printed too.
     */
    private static int handleFailure(Exception e, CommandLine line, CommandLine.ParseResult parsed) {
        PrintWriter err = line.getErr();
        if (e instanceof UsageFailure) {
            err.println(line.getCommandSpec().qualifiedName() + ": " + e.getMessage());
            printSeeHelp(err, line);
            return USAGE;
        }
        if (e instanceof CommandFailure) {
            err.println(line.getCommandSpec().qualifiedName() + ": " + e.getMessage());
        } else {
            err.println(line.getCommandSpec().qualifiedName() + ": unexpected error: " + e);
            e.printStackTrace(err);
        }
        err.flush();
        return FAILURE;
    }
}
