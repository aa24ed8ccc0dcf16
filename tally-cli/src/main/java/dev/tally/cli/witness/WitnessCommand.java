package dev.tally.cli.witness;

import dev.tally.cli.CommandFailure;
import dev.tally.cli.TallyCommand;
import dev.tally.cli.options.PublicKeys;
import dev.tally.cli.options.SourceOptions;
import dev.tally.cli.options.TimeArgument;
import dev.tally.cli.source.IntegritySource;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tally witness}: watches a log from outside, polling its signed heads and checking that each
 * chain only ever grows ({@link Witness}); remembers what it saw in {@code --state}
 * ({@link WitnessState}). Every problem is one line on standard error naming the chain
 * ({@code WITNESS ALARM chain gw-1: rollback: …}); each check also prints one line on standard out.
 *
 * <p>With {@code --once}: one check, exit {@link TallyCommand#OK} when nothing was found and
 * {@link TallyCommand#FAILURE} on any finding or when the log cannot be read. Without it: polls
 * every {@code --interval} until interrupted (SIGTERM / Ctrl-C), reporting findings at every poll
 * and carrying on; a poll that cannot reach the log is reported and retried at the next one.
 * Blocking; not thread-safe (one instance per run).
 */
@Command(name = "witness",
        description = {
            "Watch a log from outside: poll its signed heads, check every chain only grows (a consistency proof "
                + "from the saved head to the new one, and the new head's signature), keep the heads in --state.",
            "Reports a rollback, fork, vanished chain or bad signature on stderr, one line per chain.",
            "With --once: one check; exits 0 when all is well, 1 on any finding."
        })
public final class WitnessCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    dev.tally.cli.options.HelpOption help;

    @Mixin
    SourceOptions source;

    @Option(names = "--state", paramLabel = "<file>", required = true,
            description = "The witness's state file: the heads it saw last (created 0600; replaced atomically).")
    Path state;

    @Option(names = "--interval", paramLabel = "<duration>", defaultValue = "10s",
            description = "Time between polls (default: ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = "--once", description = "Check once and exit: 0 when all is well, 1 on any finding.")
    boolean once;

    @Option(names = "--public-key", paramLabel = "<file>",
            description = {"Trust only heads signed by this exported public key (repeatable). "
                + "Without it, the keys the log itself lists are trusted (said as 'unpinned')."})
    List<Path> publicKeys = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        Duration every;
        try {
            every = TimeArgument.duration("--interval", interval);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (every.isZero()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--interval: '" + interval
                    + "' (expected: a duration of at least 1ms, e.g. 10s)");
        }
        var keys = PublicKeys.read(publicKeys);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Clock clock = Clock.systemUTC();
        try (IntegritySource log = source.integrity()) {
            Witness witness = new Witness(log, keys);
            while (true) {
                boolean clean;
                try {
                    clean = poll(witness, log, clock, out, err);
                } catch (CommandFailure e) {
                    if (once) {
                        throw e;
                    }
                    err.println("tally witness: this poll failed: " + e.getMessage() + " (retrying in " + interval + ")");
                    err.flush();
                    clean = false;
                }
                if (once) {
                    return clean ? TallyCommand.OK : TallyCommand.FAILURE;
                }
                Thread.sleep(every);
            }
        } catch (InterruptedException stopped) {
            return TallyCommand.OK; // SIGTERM / Ctrl-C: the last state is saved
        }
    }

    /** One check: reads the saved state, checks, saves, reports; true when nothing was found. */
    private boolean poll(Witness witness, IntegritySource log, Clock clock, PrintWriter out, PrintWriter err) {
        WitnessState saved;
        try {
            saved = WitnessState.read(state);
        } catch (IOException | IllegalArgumentException e) {
            throw new CommandFailure("state: " + state + " cannot be read (" + e.getMessage()
                    + "; expected: a state file this command wrote, or none yet)", e);
        }
        WitnessState next = witness.check(saved, clock.instant());
        try {
            next.write(state);
        } catch (IOException e) {
            throw new CommandFailure("state: " + state + " cannot be written (" + e.getMessage() + ")", e);
        }
        for (Finding finding : next.findings()) {
            err.println(finding.line());
        }
        err.flush();
        StringBuilder line = new StringBuilder(dev.tally.audit.json.Json.INSTANT_FORMAT.format(next.checkedAt()))
                .append(' ').append(log.where()).append(": ")
                .append(next.ok() ? "ok" : next.findings().size() + " finding(s)")
                .append(", ").append(next.heads().size()).append(" chain(s)");
        next.heads().values().forEach(head -> {
            long before = saved.head(head.chain()).map(h -> h.seq()).orElse(0L);
            line.append("; ").append(head.chain()).append(" size ").append(head.seq())
                    .append(saved.head(head.chain()).isPresent() ? " (+" + (head.seq() - before) + ")" : " (new)");
        });
        line.append("; signatures: ").append(witness.pinned() ? "pinned key" : "keys the log lists (unpinned)");
        out.println(line);
        out.flush();
        return next.ok();
    }
}
