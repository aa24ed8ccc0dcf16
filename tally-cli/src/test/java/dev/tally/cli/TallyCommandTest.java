package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TallyCommandTest {

    @Test
    void helpListsTheCommandsAndExitsZero() {
        CliRun run = CliRun.of("--help");

        assertThat(run.exitCode()).isEqualTo(TallyCommand.OK);
        assertThat(run.out()).contains("Usage: tally", "verify", "help", "--version");
    }

    @Test
    void everyRegisteredNameIsItsCommandsName() {
        for (Subcommands.Entry entry : Subcommands.ALL) {
            picocli.CommandLine.Command command = entry.type().getAnnotation(picocli.CommandLine.Command.class);

            assertThat(command).as(entry.name()).isNotNull();
            assertThat(command.name()).as(entry.type().getName()).isEqualTo(entry.name());
        }
        assertThat(TallyCommand.commandLine(java.util.Map.of()).getSubcommands().keySet())
                .containsExactlyElementsOf(Subcommands.ALL.stream().map(Subcommands.Entry::name).toList());
    }

    @Test
    void aCommandLineHoldsOnlyTheSubcommandItNames() {
        assertThat(TallyCommand.commandLine(java.util.Map.of(), "logs", "--limit", "3").getSubcommands().keySet())
                .containsExactly("logs");
        assertThat(TallyCommand.commandLine(java.util.Map.of(), "keys", "list").getSubcommands().get("keys")
                .getSubcommands()).containsKeys("create", "list", "update", "revoke");
        assertThat(TallyCommand.commandLine(java.util.Map.of(), "--version").getSubcommands()).isEmpty();
        for (String[] args : new String[][] {{}, {"--help"}, {"help", "logs"}, {"frobnicate"}, {"-V", "logs"}}) {
            assertThat(TallyCommand.commandLine(java.util.Map.of(), args).getSubcommands())
                    .as(String.join(" ", args)).hasSameSizeAs(Subcommands.ALL);
        }
    }

    @Test
    void aMisspeltCommandIsAUsageErrorOfTheRoot() {
        CliRun run = CliRun.of("lgos");

        assertThat(run.exitCode()).isEqualTo(TallyCommand.USAGE);
        assertThat(run.err()).isEqualTo("tally: Unmatched argument at index 0: 'lgos'\nsee 'tally --help'\n");
    }

    @Test
    void everySubcommandHasHelp() {
        CliRun run = CliRun.of("verify", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: tally verify", "--data", "--json", "--public-key");
    }

    @Test
    void helpCommandExplainsASubcommand() {
        CliRun run = CliRun.of("help", "verify");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: tally verify");
    }

    @Test
    void versionNamesTheBuiltVersion() {
        CliRun run = CliRun.of("--version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("tally " + VersionProvider.version()).contains("Java ");
        assertThat(VersionProvider.version()).matches("\\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void noCommandIsAUsageError() {
        CliRun run = CliRun.of();

        assertThat(run.exitCode()).isEqualTo(TallyCommand.USAGE);
        assertThat(run.err()).isEqualTo("tally: missing command (expected one of: serve, logs, usage, events, verify, "
                + "proof, heads, witness, export, import, keys, signing-key, alerts, prices, reprice, help)\nsee 'tally --help'\n");
    }

    @Test
    void unknownCommandOrOptionIsAUsageError() {
        assertThat(CliRun.of("frobnicate").exitCode()).isEqualTo(TallyCommand.USAGE);
        CliRun run = CliRun.of("verify", "--no-such-option");

        assertThat(run.exitCode()).isEqualTo(TallyCommand.USAGE);
        assertThat(run.err()).isEqualTo("tally verify: Unknown option: '--no-such-option'\nsee 'tally verify --help'\n");
    }

    @Test
    void aBadOptionValuePrintsOneLineAndWhereTheHelpIs() {
        for (String[] args : new String[][] {{"logs", "--limit", "many"}, {"usage", "--by", "colour"},
            {"export", "--format", "xml"}, {"keys", "create", "--name", "x", "--rpm", "lots"}, {"logs", "--tag", "tier"}}) {
            CliRun run = CliRun.of(args);
            String command = args[0].equals("keys") ? "tally keys create" : "tally " + args[0];

            assertThat(run.exitCode()).as(run.err()).isEqualTo(TallyCommand.USAGE);
            assertThat(run.err().lines().toList()).as(run.err()).hasSize(2)
                    .last().isEqualTo("see '" + command + " --help'");
            assertThat(run.err()).startsWith(command + ": ").doesNotContain("Usage:");
        }
    }

    @Test
    void onlyTheRootListsVersion() {
        assertThat(CliRun.of("--help").out()).contains("-V, --version");
        for (String command : new String[] {"logs", "usage", "events", "verify", "proof", "heads", "witness", "export",
            "import", "keys"}) {
            CliRun run = CliRun.of(command, "--help");

            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).as(command).contains("-h, --help").doesNotContain("--version");
        }
    }

    /**
     * Each element of a picocli description is printed on a line of its own, so a sentence split
     * over two elements shows as a stray line break in --help (as --window's did): every element
     * must be whole sentences, ending with a full stop, or an example.
     */
    @Test
    void helpTextHasNoSentenceBrokenAcrossLines() {
        List<String> broken = new ArrayList<>();
        check(TallyCommand.commandLine(), broken);
        assertThat(broken).isEmpty();
    }

    private static void check(picocli.CommandLine line, List<String> broken) {
        picocli.CommandLine.Model.CommandSpec spec = line.getCommandSpec();
        if (spec.name().equals("serve")) {
            return; // serve's options belong to the start-up work
        }
        for (String element : spec.usageMessage().description()) {
            if (!whole(element)) {
                broken.add(spec.qualifiedName() + ": " + element);
            }
        }
        for (picocli.CommandLine.Model.OptionSpec option : spec.options()) {
            for (String element : option.description()) {
                if (!whole(element)) {
                    broken.add(spec.qualifiedName() + " " + option.longestName() + ": " + element);
                }
            }
        }
        line.getSubcommands().values().forEach(sub -> check(sub, broken));
    }

    private static boolean whole(String element) {
        String text = element.replace("%n", "").strip(); // picocli's format for a line end
        return text.startsWith("Example:") || text.endsWith(".") || text.endsWith(".)");
    }
}
