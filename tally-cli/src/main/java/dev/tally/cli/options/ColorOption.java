package dev.tally.cli.options;

import java.io.Console;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --color=auto|always|never}: whether a table colours its cells with ANSI escapes.
 * {@code auto} (the default) colours only when standard output is a terminal and the
 * {@code NO_COLOR} environment variable is absent or empty (https://no-color.org); an explicit
 * {@code always} or {@code never} wins over both, as that convention allows for a flag the user
 * typed. A picocli mixin built with the command's environment; not thread-safe.
 */
public final class ColorOption {

    /** The variable that turns colour off by default when set to anything non-empty. */
    public static final String NO_COLOR = "NO_COLOR";

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--color", paramLabel = "auto|always|never", defaultValue = "auto",
            description = "Colour the status: auto (default: on a terminal, unless NO_COLOR is set), always or never.")
    String mode;

    private final Map<String, String> environment;

    /** Reads {@code NO_COLOR} from the process environment. */
    public ColorOption() {
        this(System.getenv());
    }

    /** Reads {@code NO_COLOR} from {@code environment} (see {@code TallyCommand.commandLine(Map)}). */
    public ColorOption(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /**
     * Whether to colour this run's output.
     *
     * @throws CommandLine.ParameterException naming {@code --color} when its value is not one of the three
     */
    public boolean enabled() {
        try {
            return enabled(mode, environment, standardOutputIsTerminal());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The decision, for a given mode, environment and terminal. */
    static boolean enabled(String mode, Map<String, String> environment, boolean terminal) {
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "always" -> true;
            case "never" -> false;
            case "auto" -> terminal && environment.getOrDefault(NO_COLOR, "").isEmpty();
            default -> throw new IllegalArgumentException("--color: '" + mode + "' (expected: auto, always or never)");
        };
    }

    /**
     * Whether standard output is a terminal. Before JDK 22 {@link System#console()} is null
     * unless both standard streams are; from 22 on it may exist for redirected output too, and
     * {@code Console.isTerminal()} (called by reflection, as this code targets 21) tells.
     */
    static boolean standardOutputIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 21: a console exists only for a terminal
        }
    }
}
